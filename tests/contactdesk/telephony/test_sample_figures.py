"""The shared Asterisk sample gives exactly the expected figures, for every basis.

Expected values are those in tests/data/asterisk_queue_log.expected.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contactdesk.domain.call_metrics import Basis, Definition
from contactdesk.services.call_stats import StatsQuery, call_stats
from contactdesk.telephony.importer import import_call_log

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "asterisk_queue_log.sample"
DAY = date(2024, 5, 13)

# basis -> (percentage at T = 20 s, at T = 21 s)
SERVICE_LEVELS = {
    Basis.ANSWERED: ("60.00", "80.00"),
    Basis.OFFERED: ("27.27", "36.36"),
    Basis.ANSWERED_ABANDONED: ("37.50", "50.00"),
    Basis.EXCLUDE_SHORT_ABANDONS: ("42.86", "57.14"),
    Basis.EXCLUDE_ABANDONS_WITHIN: ("50.00", "66.67"),
    Basis.INCLUDE_ABANDONS_WITHIN: ("62.50", "75.00"),
}


def percent(value: float) -> str:
    return f"{100 * value:.2f}"


@pytest.fixture
def sample_ctx(ctx):
    summary = import_call_log(ctx, SAMPLE)
    assert (summary.lines_read, summary.bad_lines, summary.attempts_created) == (39, 0, 11)
    return ctx


def figures(ctx, threshold, basis=Basis.ANSWERED, short=5, queue=None):
    return call_stats(ctx, StatsQuery(DAY, DAY, Definition(threshold, basis, short),
                                         queue=queue)).figures


def test_every_basis_at_both_thresholds(sample_ctx):
    for basis, expected in SERVICE_LEVELS.items():
        got = tuple(percent(figures(sample_ctx, t, basis).service_level) for t in (20, 21))
        assert got == expected, basis


def test_counts_at_both_thresholds(sample_ctx):
    for threshold, answered_within in ((20, 3), (21, 4)):
        d = figures(sample_ctx, threshold).as_dict()
        assert {k: d[k] for k in ("offered", "answered", "answered_within_threshold", "abandoned",
                                  "abandoned_within_threshold", "short_abandoned", "timed_out",
                                  "other_exits", "unresolved")} == {
            "offered": 11, "answered": 5, "answered_within_threshold": answered_within,
            "abandoned": 3, "abandoned_within_threshold": 2, "short_abandoned": 1,
            "timed_out": 1, "other_exits": 2, "unresolved": 0}


def test_figures_independent_of_the_threshold(sample_ctx):
    with_short = figures(sample_ctx, 21, short=5)
    without = figures(sample_ctx, 21, short=0)
    assert percent(without.abandon_rate) == "27.27"
    assert percent(with_short.abandon_rate) == "20.00"
    assert with_short.asa_seconds == pytest.approx(19.2)
    assert with_short.average_abandon_seconds == pytest.approx(22.0)
    assert with_short.average_talk_seconds == pytest.approx(168.6)


def test_one_queue_alone(sample_ctx):
    main = figures(sample_ctx, 20, short=0, queue="council-main")
    assert (main.counts.offered, main.counts.answered, main.counts.abandoned) == (9, 5, 3)
    assert percent(main.service_level) == "60.00"
    assert percent(figures(sample_ctx, 20, Basis.OFFERED, 0, "council-main").service_level) == "33.33"
    assert percent(main.abandon_rate) == "33.33"


def test_grouped_figures_add_up_to_the_whole(sample_ctx):
    definition = Definition(20, Basis.ANSWERED, 5)
    whole = call_stats(sample_ctx, StatsQuery(DAY, DAY, definition)).figures.counts
    for by in ("hour", "queue", "agent", "day"):
        groups = call_stats(sample_ctx, StatsQuery(DAY, DAY, definition, by=by)).groups
        total = groups[0][1].counts
        for _key, g in groups[1:]:
            total = total + g.counts
        assert total == whole, by
    hours = dict(call_stats(sample_ctx, StatsQuery(DAY, DAY, definition, by="hour")).groups)
    assert set(hours) == {9}  # 08:00-08:13 UTC is 09:00-09:13 British Summer Time


def test_a_day_without_calls_has_no_rates(sample_ctx):
    empty = call_stats(sample_ctx, StatsQuery(date(2024, 5, 14), date(2024, 5, 14))).figures
    d = empty.as_dict()
    assert d["offered"] == 0 and d["service_level"] is None and d["abandon_rate"] is None
    assert d["asa_seconds"] is None and d["longest_wait_seconds"] is None


def test_a_mistyped_queue_or_feed_is_named_not_taken_for_a_quiet_day(sample_ctx):
    from contactdesk.domain.errors import ValidationError
    from contactdesk.services.call_stats import check_queue

    with pytest.raises(ValidationError, match=r"queue: .*'counci-main' \(queues: council-main, revs-bens\)"):
        check_queue(sample_ctx, "telephony", "counci-main")
    check_queue(sample_ctx, "telephony", "council-main")  # known: no complaint
    with pytest.raises(ValidationError, match="source: no telephony feed is called 'pbx'"):
        call_stats(sample_ctx, StatsQuery(DAY, DAY, source="pbx"))
    assert call_stats(sample_ctx, StatsQuery(DAY, DAY, source="asterisk")).figures.counts.offered == 11


def test_an_agent_may_not_see_the_figures_nor_check_a_queue(sample_ctx, make_ctx):
    from contactdesk.domain.errors import PermissionDenied
    from contactdesk.services.call_stats import check_queue, compare_with_year_earlier, year_to_date

    agent = make_ctx("agent", "sam.agent")
    for refused in (lambda: call_stats(agent, StatsQuery(DAY, DAY)),
                    lambda: year_to_date(agent, DAY),
                    lambda: compare_with_year_earlier(agent, DAY, DAY),
                    lambda: check_queue(agent, "telephony", "council-main")):
        with pytest.raises(PermissionDenied, match="agent"):
            refused()
    supervisor = make_ctx("supervisor", "jo.super")
    assert call_stats(supervisor, StatsQuery(DAY, DAY)).figures.counts.offered == 11


def test_the_session_level_figures_are_those_of_the_operations(sample_ctx):
    from contactdesk.services.call_stats import (
        compare_with_year_earlier,
        compare_with_year_earlier_in,
        stats_in,
        year_to_date,
        year_to_date_in,
    )

    query = StatsQuery(DAY, DAY, by="queue")
    with sample_ctx.uow() as uow:
        inside = (stats_in(uow.session, query), year_to_date_in(uow.session, DAY),
                  compare_with_year_earlier_in(uow.session, DAY, DAY))
    assert inside == (call_stats(sample_ctx, query), year_to_date(sample_ctx, DAY),
                      compare_with_year_earlier(sample_ctx, DAY, DAY))
    assert inside[1].this_year.figures.counts.offered == 11
