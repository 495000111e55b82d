"""The dashboard's call-to-case ledger over the hand-checked day (see
tests/contactdesk/services/test_call_ledger.py for how each figure is worked out)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from contactdesk.dtos.ledger import DEFINITIONS
from tests.contactdesk.services.test_call_ledger import DAY, seed_ledger_day
from ui.dashboard import DashboardView


@pytest.fixture
def dashboard(qtbot, supervisor, runner):
    names = seed_ledger_day(supervisor.ctx)
    view = DashboardView(supervisor, runner, today=lambda: DAY)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.sections.setCurrentWidget(view.ledger)
    view.names = names
    return view


def tiles(panel) -> dict[str, str]:
    return {name: tile.value.text() for name, tile in panel.tiles.items()}


def rows(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_ledger_page_shows_the_days_figures_with_their_definitions(dashboard):
    panel = dashboard.ledger
    assert dashboard.sections.tabText(dashboard.sections.indexOf(panel)) == "Call &ledger"
    assert tiles(panel) == {"answered": "6", "exact": "3 (50.00%)", "by_time": "2 (33.33%)",
                            "nothing_logged": "1 (16.67%)", "first_contact_resolution": "20.00%",
                            "avoidable_contact": "40.00%"}
    assert panel.tiles["nothing_logged"].title.text() == "Nothing logged: over 2% target"
    assert "over the 2% target" in panel.gap_text.text() and panel.gap_text.isVisible()
    assert DEFINITIONS["first_contact_resolution"] in \
        panel.tiles["first_contact_resolution"].toolTip()
    assert "chaser (own open case) 1" in panel.actions_text.text()
    assert "repeat contact (another caller's case) 1" in panel.actions_text.text()
    categories = rows(panel.category_model)
    assert [dashboard.names["x"], "3", "10.0", "1", "3.00", "10.0"] in categories
    assert [dashboard.names["y"], "2", "7.3", "0", "–", "–"] in categories
    assert categories[-1] == ["All", "5", "17.3", "1", "3.00", "10.0"]
    assert rows(panel.service_model)[-1] == categories[-1]
    assert panel.category_model.headerData(4, Qt.Orientation.Horizontal,
                                           Qt.ItemDataRole.ToolTipRole) == DEFINITIONS["per_case"]
    assert DEFINITIONS["per_case"] == panel.footnote.toolTip()


def test_a_day_without_attempts_reads_no_data_with_the_reason(dashboard):
    panel = dashboard.ledger
    dashboard.day.setDate(DAY + timedelta(days=1))
    shown = tiles(panel)
    assert set(shown.values()) == {"no data"}, shown  # never a false 0 or 0.00%
    reason = "no telephony feed imported for this period: import the queue_log"
    assert reason in panel.gap_text.text()
    assert reason in panel.tiles["first_contact_resolution"].toolTip()
    assert panel.category_model.rowCount() == 0 and not panel.actions_text.isVisible()


def test_a_longer_period_takes_in_the_day(dashboard):
    panel = dashboard.ledger
    dashboard.day.setDate(DAY + timedelta(days=3))
    assert tiles(panel)["answered"] == "no data"
    panel.period.setCurrentIndex(panel.period.findText("Last 7 days"))
    assert panel.period_text.text() == "27 Feb 2026 to 05 Mar 2026"
    assert tiles(panel)["answered"] == "6"


def test_a_span_already_being_read_is_not_asked_for_again(dashboard, monkeypatch):
    """The dashboard refreshes every minute; a year's ledger takes seconds at council scale."""
    panel, held = dashboard.ledger, []
    monkeypatch.setattr(panel, "_runner", type("Held", (), {  # starts nothing until told
        "run": lambda self, work, done=None, failed=None, **_kw: held.append((work, done))})())
    panel._in_flight = None
    panel.reload()
    panel.reload()  # the minute's refresh while the first read runs
    assert len(held) == 1
    work, done = held[0]
    done(work())  # the real figures arrive
    assert tiles(panel)["answered"] != "" and panel._in_flight is None
    panel.reload()  # once they are in, a refresh reads again
    assert len(held) == 2
