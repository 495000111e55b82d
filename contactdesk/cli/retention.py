"""`contactdesk retention run|set|show`: retention periods, and anonymising closed cases."""

from __future__ import annotations

import argparse

from .commands import open_workspace
from .statistics import parse_day

# References a dry run names on its one line before "and N more".
LISTED = 10


def register(sub) -> None:
    retention = sub.add_parser(
        "retention", help="how long closed cases keep personal details, and anonymising them")
    actions = retention.add_subparsers(dest="retention_command", parser_class=type(retention),
                                       metavar="ACTION", required=True)

    run = actions.add_parser("run", help="anonymise the closed cases past their group's period")
    run.add_argument("--as-of", dest="as_of", type=parse_day, metavar="DATE",
                     help="count periods up to this date (default today; YYYY-MM-DD or yesterday)")
    run.add_argument("--dry-run", action="store_true",
                     help="only say what would be anonymised; change nothing")
    run.set_defaults(handler=retention_run)

    period = actions.add_parser("set", help="set a category group's retention period")
    period.add_argument("group", metavar="GROUP_CODE", help="e.g. streetpride or SP")
    period.add_argument("months", metavar="MONTHS|keep", type=months_or_keep,
                        help="months after closure (1 to 1200), or keep for indefinitely")
    period.set_defaults(handler=retention_set)

    actions.add_parser("show", help="each group's period and the closed cases past it") \
        .set_defaults(handler=retention_show)


def months_or_keep(text: str) -> int | None:
    if text.strip().lower() == "keep":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of months: give 1 to 1200, or keep") from None


def retention_run(args) -> int:
    workspace = open_workspace(args)
    try:
        result = workspace.retention.run_retention(as_of=args.as_of, dry_run=args.dry_run)
    finally:
        workspace.close()
    line = result.summary()
    if result.dry_run and result.cases:
        names = ", ".join(case.reference for case in result.cases[:LISTED])
        more = f" and {result.total - LISTED} more" if result.total > LISTED else ""
        line = f"{line} Cases: {names}{more}."
    print(line)
    return 0


def retention_set(args) -> int:
    workspace = open_workspace(args)
    try:
        period = workspace.retention.set_retention(args.group, args.months)
    finally:
        workspace.close()
    if period.months is None:
        kept = "kept indefinitely"
    else:
        kept = (f"kept {period.period_text} after closure, then anonymised; "
                f"{period.past_retention} closed cases are past it today")
    print(f"{period.name} ({period.code}): closed cases {kept}.")
    return 0


def retention_show(args) -> int:
    workspace = open_workspace(args)
    try:
        periods = workspace.retention.retention_periods()
    finally:
        workspace.close()
    width = max(len(p.code) for p in periods)
    for p in periods:
        print(f"{p.prefix:<4} {p.code:<{width}}  {p.period_text:<17}  "
              f"{p.past_retention} closed cases past retention  ({p.name})")
    return 0
