"""`contactdesk report daily|performance|complaints` (PDF) and `contactdesk export calls|attempts` (CSV/Excel)."""

from __future__ import annotations

from pathlib import Path

from ..domain.call_metrics import Basis, Definition
from .commands import UsageError, open_workspace
from .complaints import register_complaints_report
from .statistics import parse_day, seconds_option


def register(sub) -> None:
    report = sub.add_parser("report", help="PDF reports: daily call summary, performance, complaints")
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)

    daily = kinds.add_parser("daily", help="one day's call summary")
    daily.add_argument("--date", required=True, type=parse_day, metavar="DATE",
                       help="YYYY-MM-DD, today or yesterday (for a scheduled task)")
    daily.add_argument("--out", required=True, metavar="FILE.pdf")
    _definition_options(daily)
    daily.set_defaults(handler=report_daily)

    performance = kinds.add_parser("performance",
                                   help="indicators for a period beside the same period a year earlier")
    performance.add_argument("--from", dest="date_from", required=True, type=parse_day, metavar="DATE")
    performance.add_argument("--to", dest="date_to", required=True, type=parse_day, metavar="DATE")
    performance.add_argument("--out", required=True, metavar="FILE.pdf")
    _definition_options(performance)
    performance.set_defaults(handler=report_performance)
    register_complaints_report(kinds)


def register_exports(export_sub) -> None:
    """`export calls` and `export attempts`, beside `export cases` (in main.py)."""
    for name, text in (("calls", "calls logged in ContactDesk, with their cases"),
                       ("attempts", "queue attempts from the telephony feeds")):
        parser = export_sub.add_parser(name, help=text)
        parser.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
        parser.add_argument("--from", dest="date_from", type=parse_day, metavar="DATE")
        parser.add_argument("--to", dest="date_to", type=parse_day, metavar="DATE")
        parser.set_defaults(handler=export_calls if name == "calls" else export_attempts)


def _definition_options(parser) -> None:
    parser.add_argument("--threshold", type=seconds_option, default=21, metavar="S",
                        help="answered within this many seconds (default 21)")
    parser.add_argument("--basis", choices=[b.value for b in Basis], default=Basis.ANSWERED.value,
                        help="service-level basis (default answered)")
    parser.add_argument("--short-abandon", type=seconds_option, default=0, metavar="S",
                        help="abandons with a wait under S seconds are short (default 0: none)")


def _definition(args) -> Definition:
    return Definition(args.threshold, Basis(args.basis), args.short_abandon)


def report_daily(args) -> int:
    path = open_workspace(args).reports.daily_report(args.date, Path(args.out), _definition(args))
    print(f"daily call summary for {args.date} written to {path}")
    return 0


def report_performance(args) -> int:
    if args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    path = open_workspace(args).reports.performance_report(
        args.date_from, args.date_to, Path(args.out), _definition(args))
    print(f"performance report {args.date_from} to {args.date_to} written to {path}")
    return 0


def export_calls(args) -> int:
    return _export(args, "export_calls", "calls")


def export_attempts(args) -> int:
    return _export(args, "export_attempts", "queue attempts")


def _export(args, operation: str, what: str) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    run = getattr(open_workspace(args).exports, operation)
    count = run(Path(args.out), args.date_from, args.date_to)
    print(f"{count} {what} written to {args.out}")
    return 0
