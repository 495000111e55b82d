"""`contactdesk report complaints`: the complaints register and totals for a period, as a PDF."""

from __future__ import annotations

from pathlib import Path

from .commands import UsageError, open_workspace
from .statistics import parse_day


def register_complaints_report(report_subparsers) -> None:
    """Add ``complaints`` to the subcommands of ``contactdesk report``."""
    parser = report_subparsers.add_parser(
        "complaints", help="complaints closed in a period, with totals by service and stage",
        description="The complaints closed from --from to --to (both included) in the layout "
                    "Description | Lessons Learnt | Service | Status | Time Taken, with the "
                    "numbers received and closed, the shares upheld, partly upheld and not "
                    "upheld, the average working days and the share answered within the "
                    "deadline, overall, by service and by stage.")
    parser.add_argument("--from", dest="date_from", required=True, type=parse_day,
                        metavar="DATE", help="first day, YYYY-MM-DD (or today, yesterday)")
    parser.add_argument("--to", dest="date_to", required=True, type=parse_day, metavar="DATE",
                        help="last day, YYYY-MM-DD (or today, yesterday)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")
    parser.set_defaults(handler=report_complaints)


def report_complaints(args) -> int:
    if args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    path = open_workspace(args).reports.complaints_report(args.date_from, args.date_to, Path(args.out))
    print(f"complaints report {args.date_from} to {args.date_to} written to {path}")
    return 0
