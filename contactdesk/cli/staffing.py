"""`contactdesk staffing`: agents needed for a call volume, by Erlang C.

Pure arithmetic on the options given: no database is opened.
"""

from __future__ import annotations

import dataclasses
import json

from ..domain.erlang import StaffingResult, required_agents
from ..domain.errors import FieldIssue, ValidationError

# Domain field -> the option a person typed, so errors point at the right flag.
_OPTIONS = {
    "calls": "--calls",
    "interval_seconds": "--interval-minutes",
    "aht_seconds": "--aht",
    "answer_within_seconds": "--answer-within",
    "target": "--target",
    "max_occupancy": "--max-occupancy",
    "shrinkage": "--shrinkage",
}


def register(sub) -> None:
    """Add the staffing command to the CLI's subcommands."""
    staff = sub.add_parser(
        "staffing", help="agents needed to answer a call volume (Erlang C)",
        description="Agents needed per interval to meet a service level, by Erlang C. "
                    "Fractions are written 0.80, not 80.")
    staff.add_argument("--calls", type=float, required=True, metavar="N",
                       help="calls offered in the interval")
    staff.add_argument("--interval-minutes", type=float, required=True, metavar="M",
                       help="length of the interval in minutes (e.g. 30)")
    staff.add_argument("--aht", type=float, required=True, metavar="SECONDS",
                       help="average handling time in seconds (talk + wrap-up)")
    staff.add_argument("--answer-within", type=float, required=True, metavar="T",
                       help="service level threshold in seconds (e.g. 20)")
    staff.add_argument("--target", type=float, required=True, metavar="F",
                       help="fraction to answer within T, above 0 and below 1 (e.g. 0.80)")
    staff.add_argument("--max-occupancy", type=float, metavar="F",
                       help="cap on occupancy, above 0 and at most 1 (e.g. 0.85)")
    staff.add_argument("--shrinkage", type=float, default=0.0, metavar="F",
                       help="share of paid time off the phones, 0 to below 1 (default 0)")
    staff.add_argument("--json", action="store_true", help="print one JSON object")
    staff.set_defaults(handler=run)


def _calculate(args) -> StaffingResult:
    try:
        return required_agents(args.calls, args.interval_minutes * 60, args.aht,
                               args.answer_within, args.target, args.max_occupancy,
                               args.shrinkage)
    except ValidationError as exc:
        raise ValidationError([_as_option(issue, args) for issue in exc.issues]) from None


def _as_option(issue: FieldIssue, args) -> FieldIssue:
    if issue.field == "interval_seconds":  # the domain works in seconds, the option in minutes
        return FieldIssue("--interval-minutes",
                          f"must be a number of minutes above 0; got {args.interval_minutes:g}")
    return FieldIssue(_OPTIONS.get(issue.field, issue.field), issue.message)


def run(args) -> int:
    result = _calculate(args)
    if args.json:
        print(json.dumps(dataclasses.asdict(result)))
        return 0
    print(_describe(args))
    rows = [
        ("Traffic", f"{result.traffic_erlangs:.2f} Erlangs"),
        ("Agents", f"{result.agents}"),
        ("Scheduled agents", f"{result.scheduled_agents} (shrinkage {_pct(args.shrinkage)})"),
        ("Service level", f"{result.service_level:.2%} within {args.answer_within:g} s"),
        ("Probability of waiting", f"{result.probability_of_waiting:.2%}"),
        ("ASA", f"{result.asa_seconds:.2f} s"),
        ("Occupancy", f"{result.occupancy:.2%}"),
    ]
    for label, value in rows:
        print(f"  {label:<24}{value}")
    return 0


def _describe(args) -> str:
    cap = "" if args.max_occupancy is None else f", occupancy at most {_pct(args.max_occupancy)}"
    return (f"Erlang C: {args.calls:g} calls in {args.interval_minutes:g} min, "
            f"AHT {args.aht:g} s, {_pct(args.target)} answered within {args.answer_within:g} s"
            f"{cap}, shrinkage {_pct(args.shrinkage)}")


def _pct(fraction: float) -> str:
    """An input echoed as typed: 0.805 -> 80.5%, not a rounded 81%."""
    return f"{fraction * 100:g}%"
