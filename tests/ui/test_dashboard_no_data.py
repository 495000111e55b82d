"""The dashboard never shows a figure it has no data for as zero, and names its agents in full."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from contactdesk.domain.working_time import LONDON
from contactdesk.dtos.calls import CallInput
from ui.dashboard import DashboardView
from ui.dashboard_parts import london_today

QUIET_DAY = date(2024, 6, 3)  # a Monday with two answered calls and no abandons
LONG_NAME = "Josephine Featherstonehaugh-Smythe"


def quiet_day_log(tmp_path: Path) -> Path:
    """One agent signed in from 09:00 to 10:00; two calls answered after 5 s and 30 s."""
    e = int(datetime(2024, 6, 3, 9, 0, tzinfo=LONDON).timestamp())
    lines = [
        f"{e}|NONE|council-main|{LONG_NAME}|ADDMEMBER|",
        f"{e + 60}|q.1|council-main|NONE|ENTERQUEUE||01632960101|1",
        f"{e + 65}|q.1|council-main|{LONG_NAME}|CONNECT|5|q.1b|2",
        f"{e + 365}|q.1|council-main|{LONG_NAME}|COMPLETECALLER|5|300|1",
        f"{e + 600}|q.2|council-main|NONE|ENTERQUEUE||01632960102|1",
        f"{e + 630}|q.2|council-main|{LONG_NAME}|CONNECT|30|q.2b|2",
        f"{e + 930}|q.2|council-main|{LONG_NAME}|COMPLETEAGENT|30|300|1",
        f"{e + 3600}|NONE|council-main|{LONG_NAME}|REMOVEMEMBER|",
    ]
    path = tmp_path / "queue_log.quiet"
    path.write_text("\n".join(lines) + "\n")
    return path


def open_dashboard(qtbot, supervisor, runner, today) -> DashboardView:
    view = DashboardView(supervisor, runner, today=lambda: today)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.period.setCurrentIndex(view.period.findText("Day shown"))
    return view


def row_texts(model, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_an_app_only_day_says_no_data_with_the_reason_never_zero(qtbot, workspace, supervisor,
                                                                 runner):
    workspace.calls.log_call(CallInput(caller_phone="01709 823456", caller_name="Ann Jones",
                                       address="14 Wellgate", category="Fly tipping",
                                       description="Mattress in the lane"))
    view = open_dashboard(qtbot, supervisor, runner, london_today())
    tiles = {name: tile.value.text() for name, tile in view.tiles.items()}
    assert tiles["offered"] == "1" and tiles["answered"] == "1"
    for name in ("abandoned", "service_level", "abandon_rate", "asa", "longest_wait"):
        assert tiles[name] == "no data", name
    assert "0.00%" not in " ".join(tiles.values())
    reason = "no telephony feed imported today: import the queue_log"
    assert view.gap_text.isVisible() and reason in view.gap_text.text()
    assert reason in view.tiles["service_level"].toolTip()
    assert reason in view.tiles["abandon_rate"].accessibleName()
    # The queue table follows the same rule.
    queue = row_texts(view.queue_model, 0)
    assert queue[:4] == ["app", "1", "1", "no data"] and queue[4:6] == ["no data", "no data"]
    # The agent who logged the call, by full name; no agent events, said plainly.
    agent = row_texts(view.agent_model, 0)
    assert agent[0] == "Priya Shah (priya)" and agent[1] == "1"
    assert agent[6:] == ["no agent events", "not known"]
    assert not view.sections.agent_note.isHidden()
    assert "no agent events" in view.sections.agent_note.text()
    assert "were imported for this period" in view.sections.agent_note.text()
    assert all(view.sections.agent_table.isColumnHidden(c) for c in (6, 7))  # said once instead


def test_a_real_zero_from_an_imported_feed_is_still_zero(qtbot, supervisor, runner, tmp_path):
    supervisor.telephony.import_call_log(quiet_day_log(tmp_path))
    view = open_dashboard(qtbot, supervisor, runner, QUIET_DAY)
    tiles = {name: tile.value.text() for name, tile in view.tiles.items()}
    assert tiles["offered"] == "2" and tiles["abandoned"] == "0"
    assert tiles["abandon_rate"] == "0.00%"  # calls imported, none abandoned
    assert tiles["service_level"] == "50.00%" and tiles["asa"] == "17.5 s"
    assert not view.gap_text.isVisible()


def test_agent_table_shows_full_names_and_signed_in_time_from_agent_events(
        qtbot, supervisor, runner, tmp_path):
    supervisor.telephony.import_call_log(quiet_day_log(tmp_path))
    view = open_dashboard(qtbot, supervisor, runner, QUIET_DAY)
    agents = view.agent_model
    assert agents.rowCount() == 1
    # Answered, within 21 s, % within, ASA, average talk, signed in, occupancy (600 s of 3600 s).
    assert row_texts(agents, 0) == [LONG_NAME, "2", "1", "50.00%", "17.5 s", "300.0 s", "1 h 00",
                                    "16.67%"]
    assert view.sections.agent_note.isHidden()
    assert not any(view.sections.agent_table.isColumnHidden(c) for c in (6, 7))
    # The name column is as wide as the name: nothing is cut.
    table = view.sections.agent_table
    width = table.fontMetrics().horizontalAdvance(LONG_NAME)
    assert table.horizontalHeader().sectionSize(0) > width
    assert table.textElideMode() == Qt.TextElideMode.ElideNone
