"""`contactdesk import-calls` and `contactdesk stats`: telephony logs in, figures out."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from ..domain.call_metrics import Basis, Definition
from ..domain.working_time import LONDON
from ..dtos.stats import AUTO, GROUPINGS, CallStats, StatsQuery
from ..dtos.telephony import FORMATS
from ..formats import percent, seconds
from .commands import UsageError, _input_file, open_workspace, parse_date

# The one date parser of the command line, under the name the other commands import.
parse_day = parse_date


def seconds_option(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 3600 seconds")
    return value


def register(sub) -> None:
    imp = sub.add_parser("import-calls", help="import a telephony log (Asterisk queue_log or CSV)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--format", choices=FORMATS, default="asterisk-queue-log",
                     help="file format (default asterisk-queue-log; the csv columns are in the README)")
    imp.add_argument("--source", metavar="NAME",
                     help="name of the telephony feed (default: asterisk or csv)")
    imp.add_argument("--complete", action="store_true",
                     help="the log is finished: also read a last line that has no line end")
    imp.set_defaults(handler=import_calls)

    stats = sub.add_parser("stats", help="call figures: service level, abandon rate, ASA")
    stats.add_argument("--from", dest="date_from", type=parse_day, metavar="DATE")
    stats.add_argument("--to", dest="date_to", type=parse_day, metavar="DATE")
    stats.add_argument("--ytd", action="store_true",
                       help="financial year to date (from 1 April) against the same span a year earlier")
    stats.add_argument("--as-of", type=parse_day, metavar="DATE", help="last day of --ytd (default today)")
    stats.add_argument("--threshold", type=seconds_option, default=21, metavar="S",
                       help="answered within this many seconds (default 21)")
    stats.add_argument("--basis", choices=[b.value for b in Basis], default=Basis.ANSWERED.value,
                       help="service-level basis (default answered)")
    stats.add_argument("--short-abandon", type=seconds_option, default=0, metavar="S",
                       help="abandons with a wait under S seconds are short (default 0: none)")
    stats.add_argument("--queue", metavar="NAME", help="one queue only")
    stats.add_argument("--source", default=AUTO, metavar="NAME",
                       help="auto (default), telephony, app, or one feed's name")
    stats.add_argument("--by", choices=GROUPINGS, help="one row per hour, day, queue or agent")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=stats_command)


def import_calls(args) -> int:
    path = _input_file(args.file)
    workspace = open_workspace(args)
    show = _ProgressBar(path.name) if sys.stderr.isatty() else None
    summary = workspace.telephony.import_call_log(path, args.format, args.source, progress=show,
                                                  complete=args.complete)
    if show:
        show.done()
    print("\n".join(summary.lines()))
    return 1 if summary.bad_lines else 0


class _ProgressBar:
    """A one-line progress bar on the terminal for large files."""

    def __init__(self, name: str) -> None:
        self._name, self._shown = name, -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent != self._shown:
            self._shown = percent
            bar = "#" * (percent // 4)
            print(f"\rreading {self._name} [{bar:<25}] {percent:3d}%", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        print(file=sys.stderr)


def stats_command(args) -> int:
    definition = Definition(args.threshold, Basis(args.basis), args.short_abandon)
    stats_ops = open_workspace(args).stats
    if args.ytd:
        if args.date_from or args.date_to or args.by:
            raise _usage("--ytd cannot be combined with --from, --to or --by")
        as_of = args.as_of or datetime.now(LONDON).date()
        ytd = stats_ops.year_to_date(as_of, definition, args.source, args.queue)
        if args.json:
            print(json.dumps(_ytd_json(ytd), indent=2))
        else:
            print("\n".join(_ytd_lines(ytd)))
        return 0
    if args.date_from is None:
        raise _usage("stats needs --from DATE (and --to DATE), or --ytd")
    query = StatsQuery(args.date_from, args.date_to or args.date_from, definition, args.source,
                       args.queue, args.by)
    stats = stats_ops.call_stats(query)
    c = stats.figures.counts
    if args.queue and not (c.offered or c.unresolved):
        stats_ops.check_queue(args.source, args.queue)
    if args.json:
        if args.by:
            payload = [{args.by: _key(key), **figures.as_dict()} for key, figures in stats.groups]
        else:
            payload = stats.figures.as_dict()
        print(json.dumps(payload, indent=2))
    else:
        print("\n".join(_stats_lines(stats, args.by)))
    return 0


def _usage(message: str) -> UsageError:
    return UsageError(message)


def _key(value):
    return value.isoformat() if isinstance(value, date) else value


def _stats_lines(stats: CallStats, by: str | None) -> list[str]:
    f = stats.figures
    c, d = f.counts, f.definition
    t = f"{d.threshold_seconds:g} s"
    lines = [f"Calls {f.date_from} to {f.date_to}, source: {stats.source_label}",
             d.describe(), ""]
    if c.offered == 0 and c.unresolved == 0:
        return lines + ["No calls in this span."]
    lines += [
        f"  Offered                 {c.offered:>11}",
        f"  Answered                {c.answered:>11}   ({c.answered_within} within {t})",
        f"  Abandoned               {c.abandoned:>11}   ({c.abandoned_within} within {t}, "
        f"{c.short_abandoned} short)",
        f"  Timed out               {c.timed_out:>11}",
        f"  Other exits             {c.other_exits:>11}   (left by key, no agents, withdrawn, failed)",
        f"  Unresolved              {c.unresolved:>11}   (still waiting when the log ended)",
        f"  Service level           {percent(f.service_level):>11}",
        f"  Abandon rate            {percent(f.abandon_rate):>11}",
        f"  Average speed of answer {seconds(f.asa_seconds):>11}",
        f"  Average abandon time    {seconds(f.average_abandon_seconds):>11}",
        f"  Longest wait            {seconds(c.longest_wait):>11}",
        f"  Average talk time       {seconds(f.average_talk_seconds):>11}",
    ]
    if c.answered_wait_count < c.answered:
        lines.append(f"  ({c.answered - c.answered_wait_count} answered calls have no recorded wait)")
    if by:
        lines += ["", f"  {by:<16} {'offered':>8} {'answered':>9} {'abandoned':>10} "
                      f"{'service':>8} {'abandon':>8} {'ASA':>8}"]
        for key, g in stats.groups:
            lines.append(f"  {str(_key(key) if key is not None else '(none)'):<16} "
                         f"{g.counts.offered:>8} {g.counts.answered:>9} {g.counts.abandoned:>10} "
                         f"{percent(g.service_level):>8} {percent(g.abandon_rate):>8} "
                         f"{seconds(g.asa_seconds):>8}")
    return lines


def _figures_json(stats: CallStats) -> dict:
    return {**stats.figures.as_dict(), "source": stats.source}


def _ytd_json(ytd) -> dict:
    return {"as_of": ytd.as_of.isoformat(), "this_year": _figures_json(ytd.this_year),
            "last_year": _figures_json(ytd.last_year),
            "comparison": [c.as_dict() for c in ytd.comparisons]}


def _ytd_lines(ytd) -> list[str]:
    this, last = ytd.this_year.figures, ytd.last_year.figures
    lines = [f"Year to date {this.date_from} to {this.date_to} against {last.date_from} to "
             f"{last.date_to}, source: {ytd.this_year.source_label}",
             this.definition.describe(), "",
             f"  {'Indicator':<42} {'YTD this year':>14} {'YTD last year':>14} {'Difference':>12}"]
    for c in ytd.comparisons:
        if c.percentage:
            cells = (percent(c.this_year), percent(c.last_year),
                     "-" if c.difference is None else f"{c.difference:+.2f} pts")
        else:
            cells = tuple("-" if v is None else f"{v:,.1f}" if isinstance(v, float) else f"{v:,}"
                          for v in (c.this_year, c.last_year, c.difference))
        note = f"  ({c.better} performance is better)" if c.better else ""
        lines.append(f"  {c.label:<42} {cells[0]:>14} {cells[1]:>14} {cells[2]:>12}{note}")
    return lines

