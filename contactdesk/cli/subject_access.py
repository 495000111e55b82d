"""`contactdesk sar (--phone P | --name N | --postcode C | --email E) --out DIR`.

Answers a subject access request: everything held about the person, written
as a PDF and a CSV bundle into a new or empty folder, the search and the
export both audited.
"""

from __future__ import annotations

from pathlib import Path

from .commands import open_workspace


def register(sub) -> None:
    sar = sub.add_parser(
        "sar", help="subject access request: everything held about one person, as PDF and CSV")
    which = sar.add_mutually_exclusive_group(required=True)
    which.add_argument("--phone", metavar="NUMBER", help="in any format, e.g. 01709 336000")
    which.add_argument("--name", metavar="NAME", help='first name and surname, e.g. "Ann Jones"')
    which.add_argument("--postcode", metavar="POSTCODE", help="e.g. S60 2TH")
    which.add_argument("--email", metavar="ADDRESS")
    sar.add_argument("--out", required=True, metavar="DIR",
                     help="a new or empty folder for the PDF and the CSV files")
    sar.set_defaults(handler=subject_access)


def subject_access(args) -> int:
    out = Path(args.out)
    from ..services.subject_access import check_out_dir  # loaded only for this command

    check_out_dir(out)  # before searching: a refused folder should not cost an audited search
    workspace = open_workspace(args)
    try:
        ops = workspace.subject_access
        found = ops.find_subject(phone=args.phone, name=args.name, postcode=args.postcode,
                                 email=args.email)
        export = ops.export_subject(found, out)
    finally:
        workspace.close()
    counts = found.counts()
    print(f"{found.request_id} ({found.criterion.describe()}): "
          f"{_n(found.record_count, 'record')} found ({_n(counts['callers'], 'caller')}, "
          f"{_n(counts['calls'], 'call')}, {_n(counts['cases'], 'case')}, "
          f"{_n(counts['complaints'], 'complaint')})")
    print(f"{_n(len(found.mentions), 'mention')} in other people's records flagged for review; "
          f"{_n(found.checks, 'entry', 'entries')} of their own to read before disclosing")
    print(f"written to {export.folder}: {', '.join(export.files)}")
    return 0


def _n(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
