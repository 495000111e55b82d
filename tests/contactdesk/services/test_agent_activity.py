"""Occupancy from the sample log's member events and the calls each agent answered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contactdesk.domain.errors import PermissionDenied
from contactdesk.services.agent_activity import agent_activity, agent_activity_in, agent_names
from contactdesk.telephony.importer import import_call_log

from ..telephony.test_sample_figures import SAMPLE

DAY = date(2024, 5, 13)
LOG_END = datetime.fromtimestamp(1715588000, UTC)  # the sample's last line


def test_signed_in_paused_and_talk_time_per_agent(ctx):
    import_call_log(ctx, SAMPLE)
    rows = {a.agent: a for a in agent_activity(ctx, DAY, DAY, now=LOG_END)}
    assert set(rows) == {"PJSIP/201", "PJSIP/202", "PJSIP/205"}
    first, second, revs = rows["PJSIP/201"], rows["PJSIP/202"], rows["PJSIP/205"]
    # 201 joined at ...150 and stayed; three calls of 183, 120 and 120 s.
    assert (first.signed_in_seconds, first.paused_seconds, first.talk_seconds, first.answered) == (
        850, 0, 423, 3)
    assert first.occupancy == pytest.approx(423 / 850)
    # 202 joined paused at ...151, unpaused at ...152, paused for lunch at ...950.
    assert (second.signed_in_seconds, second.paused_seconds, second.talk_seconds) == (849, 51, 420)
    assert second.available_seconds == 798
    # 205 was a member from ...160 to ...890 and answered nothing.
    assert (revs.signed_in_seconds, revs.talk_seconds, revs.occupancy) == (730, 0, 0.0)


def test_state_carries_into_a_later_span(ctx, tmp_path):
    log = tmp_path / "queue_log"
    # Signed in on Monday evening, paused overnight, unpaused on Tuesday at 08:00 BST.
    log.write_text("1715615000|CLI|main|SIP/1|ADDMEMBER|\n"
                   "1715616000|NONE|main|SIP/1|PAUSE|Home\n"
                   "1715670000|NONE|main|SIP/1|UNPAUSE|\n"
                   "1715673600|CLI|main|SIP/1|REMOVEMEMBER|\n")
    import_call_log(ctx, log)
    (tuesday,) = agent_activity(ctx, date(2024, 5, 14), date(2024, 5, 14))
    midnight = 1715641200  # 00:00 BST on 14 May
    assert tuesday.signed_in_seconds == 1715673600 - midnight
    assert tuesday.paused_seconds == 1715670000 - midnight


def test_an_agent_in_two_queues_stays_signed_in_while_a_member_of_either(ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715590000|CLI|q1|SIP/7|ADDMEMBER|\n"
                   "1715590000|CLI|q2|SIP/7|ADDMEMBER|\n"
                   "1715590060|CLI|q2|SIP/7|REMOVEMEMBER|\n"
                   "1715590100|c|q1|NONE|ENTERQUEUE||1|1\n"
                   "1715590105|c|q1|SIP/7|CONNECT|5|c.1|2\n"
                   "1715591905|c|q1|SIP/7|COMPLETECALLER|5|1800|1\n"
                   "1715592000|NONE|q1|SIP/7|PAUSE|Break\n"
                   "1715592600|NONE|q1|SIP/7|UNPAUSE|\n"
                   "1715593600|CLI|q1|SIP/7|REMOVEMEMBER|\n")
    import_call_log(ctx, log)
    (agent,) = agent_activity(ctx, DAY, DAY)
    assert (agent.signed_in_seconds, agent.paused_seconds) == (3600, 600)
    assert agent.occupancy == pytest.approx(1800 / 3000)


def test_now_defaults_to_the_contexts_clock(ctx, make_ctx, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("1715590000|CLI|q1|SIP/7|ADDMEMBER|\n")  # 09:46:40 BST, never removed
    import_call_log(ctx, log)
    ten = datetime(2024, 5, 13, 9, 0, tzinfo=UTC)  # 10:00 BST
    at_ten = make_ctx("supervisor", "jo.super", clock=lambda: ten)
    (agent,) = agent_activity(at_ten, DAY, DAY)
    assert agent.signed_in_seconds == int(ten.timestamp()) - 1715590000
    with ctx.uow() as uow:
        assert agent_activity_in(uow.session, DAY, DAY, now=ten) == (agent,)
        (whole_day,) = agent_activity_in(uow.session, DAY, DAY)
    assert whole_day.signed_in_seconds > agent.signed_in_seconds


def test_an_agent_may_not_see_agent_activity(make_ctx):
    with pytest.raises(PermissionDenied):
        agent_activity(make_ctx("agent"), DAY, DAY)


def test_full_names_of_the_people_the_app_names_by_username(ctx, make_ctx):
    make_ctx("agent", "zoe", "Zoë Ng")
    names = dict(agent_names(make_ctx("supervisor", "sam", "Sam Taylor")))
    assert names["zoe"] == "Zoë Ng" and names["sam"] == "Sam Taylor"
    with pytest.raises(PermissionDenied):
        agent_names(make_ctx("agent", "ann", "Ann Jones"))
