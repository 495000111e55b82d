"""The supervisor dashboard over the sample queue_log (13 May 2024) and a year-earlier log."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
)

from contactdesk.domain.call_metrics import Basis
from contactdesk.domain.working_time import LONDON
from tests.ui.conftest import PASSWORD
from ui.app import create_main_window
from ui.dashboard import DashboardView
from ui.tasks import TaskRunner

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "asterisk_queue_log.sample"
SAMPLE_DAY = date(2024, 5, 13)


def last_year_log(tmp_path: Path) -> Path:
    """10 May 2023: answered after 10 s and 30 s, one abandon after 5 s."""
    e = int(datetime(2023, 5, 10, 10, 0, tzinfo=LONDON).timestamp())
    lines = [
        f"{e}|ly.1|council-main|NONE|ENTERQUEUE||01632960101|1",
        f"{e + 10}|ly.1|council-main|PJSIP/201|CONNECT|10|ly.1b|2",
        f"{e + 100}|ly.1|council-main|PJSIP/201|COMPLETECALLER|10|90|1",
        f"{e + 200}|ly.2|council-main|NONE|ENTERQUEUE||01632960102|1",
        f"{e + 230}|ly.2|council-main|PJSIP/202|CONNECT|30|ly.2b|2",
        f"{e + 300}|ly.2|council-main|PJSIP/202|COMPLETEAGENT|30|70|1",
        f"{e + 400}|ly.3|council-main|NONE|ENTERQUEUE||01632960103|1",
        f"{e + 405}|ly.3|council-main|NONE|ABANDON|1|1|5",
    ]
    path = tmp_path / "queue_log.2023"
    path.write_text("\n".join(lines) + "\n")
    return path


class DeferredRunner:
    """Holds work until the test finishes it, in any order (a slow database)."""

    def __init__(self):
        self.jobs = []

    def follow_changes(self, workspace, slot) -> None:
        """As TaskRunner's, delivered at once (these tests release the jobs themselves)."""
        workspace.subscribe(slot)

    def run(self, work, on_done=None, on_error=None, *, write=False):
        self.jobs.append((work, on_done, on_error))

    def finish(self, index: int) -> None:
        work, on_done, _ = self.jobs[index]
        on_done(work())


@pytest.fixture
def sample_loaded(supervisor, tmp_path):
    supervisor.telephony.import_call_log(SAMPLE)
    supervisor.telephony.import_call_log(last_year_log(tmp_path))


@pytest.fixture
def dashboard(qtbot, supervisor, runner, sample_loaded):
    view = DashboardView(supervisor, runner, today=lambda: SAMPLE_DAY)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    return view


def mnemonics(texts) -> list[str]:
    return [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]


def page_texts(page) -> list[str]:
    """Texts that carry a mnemonic on ``page``: labels with a buddy, buttons, inner tabs."""
    texts = [label.text() for label in page.findChildren(QLabel) if label.buddy()]
    texts += [button.text() for button in page.findChildren(QAbstractButton)]
    for tabs in page.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    return texts


def tile_values(view) -> dict[str, str]:
    return {name: tile.value.text() for name, tile in view.tiles.items()}


def test_tiles_show_the_days_figures_under_the_councils_definition(dashboard):
    assert tile_values(dashboard) == {
        "offered": "11", "answered": "5", "abandoned": "3", "service_level": "80.00%",
        "abandon_rate": "27.27%", "asa": "19.2 s", "longest_wait": "300 s"}
    assert dashboard.tiles["service_level"].title.text() == "Answered within 21 s"
    assert dashboard.heading.text() == "Today at a glance: Monday 13 May 2024"
    assert "A_T / A (basis 'answered'), T = 21 s" in dashboard.definition_text.text()
    assert dashboard.source_text.text() == "Source: telephony logs (all imported feeds)"
    assert dashboard.tiles["asa"].accessibleName() == "Average speed of answer: 19.2 s"


def test_changing_the_definition_changes_the_figures(dashboard):
    dashboard.threshold.setValue(20)
    assert dashboard.tiles["service_level"].value.text() == "60.00%"
    assert dashboard.tiles["service_level"].title.text() == "Answered within 20 s"
    assert "T = 20 s" in dashboard.definition_text.text()

    dashboard.threshold.setValue(21)
    dashboard.basis.setCurrentIndex(dashboard.basis.findData(Basis.OFFERED))
    assert dashboard.tiles["service_level"].value.text() == "36.36%"
    assert "A_T / O (basis 'offered')" in dashboard.definition_text.text()

    dashboard.short_abandon.setValue(5)  # the 3-second abandon no longer counts
    assert dashboard.tiles["abandon_rate"].value.text() == "20.00%"
    assert "short abandons (wait < 5 s)" in dashboard.definition_text.text()


def test_every_basis_is_offered_with_its_formula(dashboard):
    combo = dashboard.basis
    assert [combo.itemData(i) for i in range(combo.count())] == list(Basis)
    assert combo.itemData(combo.findData(Basis.INCLUDE_ABANDONS_WITHIN), Qt.ItemDataRole.ToolTipRole) \
        == "include-abandons-within-threshold: (A_T + AB_T) / (A + AB)"


def test_charts_by_hour_and_by_day(dashboard):
    hours = dashboard.hour_chart.accessibleDescription()
    assert "09: Calls offered 11, % answered within 21 s (answered) 80.00%" in hours
    assert "10: Calls offered 0;" in hours
    assert dashboard.hour_chart.bar_sets[0].at(1) == 11  # 08, 09, ...
    days = dashboard.day_chart.accessibleDescription()
    assert days.startswith("14/04: Calls offered 0") and days.endswith("13/05: Calls offered 11, "
                                                                       "% answered within 21 s (answered) 80.00%")
    assert len(dashboard.day_chart.categories) == 30
    assert dashboard.day_chart.x_axis.count() == 32  # an empty category at each end keeps labels
    assert [p.y() for p in dashboard.day_chart.line.points()] == [80.0]
    right = dashboard.day_chart.right_axis  # a little below the lowest point, not from 0
    assert (right.min(), right.max(), right.tickCount()) == (70, 100, 4)
    dashboard.threshold.setValue(20)
    assert [p.y() for p in dashboard.day_chart.line.points()] == [pytest.approx(60.0)]


def test_year_to_date_in_the_house_style(dashboard, qtmodeltester):
    model = dashboard.ytd_model
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Indicator", "YTD this year", "YTD last year", "Difference"]
    rows = {model.index(r, 0).data().split("\n")[0]: [model.index(r, c).data() for c in range(4)]
            for r in range(model.rowCount())}
    assert rows["% of calls answered within 21 seconds"] == [
        "% of calls answered within 21 seconds\n(higher performance is better)",
        "80.00%", "50.00%", "+30.00 pp better"]
    assert rows["% of calls abandoned"] == [
        "% of calls abandoned\n(lower performance is better)", "27.27%", "33.33%", "-6.06 pp better"]
    assert rows["Average speed of answer (seconds)"][1:] == ["19.2 s", "20.0 s", "-0.8 s better"]
    assert rows["Calls offered"] == ["Calls offered", "11", "3", "+8"]
    assert "01 Apr 2023 to 13 May 2023" in dashboard.ytd_caption.text()


def test_queue_and_agent_tables_for_a_chosen_period(dashboard, qtmodeltester):
    queues, agents = dashboard.queue_model, dashboard.agent_model
    for model in (queues, agents):
        qtmodeltester.check(model)
    table = {queues.index(r, 0).data(): [queues.index(r, c).data() for c in range(1, 8)]
             for r in range(queues.rowCount())}
    assert table == {"council-main": ["9", "5", "3", "80.00%", "33.33%", "19.2 s", "48 s"],
                     "revs-bens": ["2", "0", "0", "–", "0.00%", "–", "300 s"]}
    assert queues.headerData(4, Qt.Orientation.Horizontal) == "% within\n21 s"
    assert [agents.headerData(c, Qt.Orientation.Horizontal) for c in range(agents.columnCount())] == [
        "Agent", "Answered", "Within\n21 s", "% answered\nwithin 21 s", "ASA", "Average\ntalk",
        "Signed\nin", "Occupancy"]
    by_agent = {agents.index(r, 0).data(): [agents.index(r, c).data() for c in range(1, 8)]
                for r in range(agents.rowCount())}
    # 201: waits 8, 12, 21 and talk 183, 120, 120; 202: waits 35, 20 and talk 240, 180.
    # Both stay members to the end of the day (midnight BST is ...641200): 201 joined at
    # ...587150; 202 joined paused at ...151, unpaused at ...152 and paused at ...950 for lunch.
    assert by_agent == {
        "PJSIP/201": ["3", "3", "100.00%", "13.7 s", "141.0 s", "15 h 01", f"{100 * 423 / 54050:.2f}%"],
        "PJSIP/202": ["2", "1", "50.00%", "27.5 s", "210.0 s", "15 h 01", f"{100 * 420 / 798:.2f}%"]}
    dashboard.threshold.setValue(20)
    assert agents.index(0, 2).data() == "2" and queues.headerData(4, Qt.Orientation.Horizontal) == "% within\n20 s"

    dashboard.period.setCurrentIndex(dashboard.period.findText("Financial year to date"))
    assert dashboard.period_text.text() == "01 Apr 2024 to 13 May 2024"
    assert queues.rowCount() == 2
    dashboard.day.setDate(date(2024, 5, 14))  # a day with no calls
    assert dashboard.period_text.text() == "01 Apr 2024 to 14 May 2024"
    dashboard.period.setCurrentIndex(dashboard.period.findText("Day shown"))
    assert (queues.rowCount(), agents.rowCount()) == (0, 0)
    assert tile_values(dashboard)["offered"] == "0" and tile_values(dashboard)["asa"] == "no data"
    assert dashboard.heading.text() == "Tuesday 14 May 2024 at a glance"
    # Nothing from the telephony logs that day: its figures come from the app's own call timer.
    assert dashboard.source_text.text() == ("Sources: day shown: the app's call timer; last 30 days: "
                                            "telephony logs; year to date: telephony logs")
    assert "callers who hung up in the queue are not seen" in dashboard.source_text.toolTip()
    assert dashboard.hour_chart.chart().title() == "Calls by hour (14 May, no calls)"


def test_a_late_answer_never_overwrites_a_newer_one(qtbot, supervisor, sample_loaded):
    runner = DeferredRunner()
    view = DashboardView(supervisor, runner, today=lambda: SAMPLE_DAY)
    qtbot.addWidget(view)
    view.show()
    first = len(runner.jobs)  # today, days, year to date, queues and agents
    assert first == 4
    view.threshold.setValue(20)
    assert len(runner.jobs) == 8
    runner.finish(4)  # the newer "today" (T = 20) arrives first...
    runner.finish(0)  # ...then the stale one (T = 21)
    assert view.tiles["service_level"].value.text() == "60.00%"


def test_refreshes_itself_while_shown_and_follows_the_clock(qtbot, supervisor, sample_loaded):
    clock = {"today": SAMPLE_DAY}
    runner = DeferredRunner()
    view = DashboardView(supervisor, runner, today=lambda: clock["today"])
    qtbot.addWidget(view)
    assert runner.jobs == []  # nothing loads until the tab is first shown
    view.show()
    assert view._timer.isActive() and view._timer.interval() == 60_000
    view.refresh_by_timer()
    assert len(runner.jobs) == 4  # still loading: the minute's refresh waits
    for i in range(4):
        runner.finish(i)
    view.refresh_by_timer()
    assert len(runner.jobs) == 8
    for i in range(4, 8):
        runner.finish(i)
    clock["today"] = date(2024, 5, 14)  # past midnight
    view.refresh_by_timer()
    assert view.shown_day() == date(2024, 5, 14)
    view.hide()
    assert not view._timer.isActive()


def test_every_input_has_a_label_with_a_mnemonic_and_a_name(dashboard):
    inputs = [w for w in dashboard.findChildren(QAbstractSpinBox) + dashboard.findChildren(QComboBox)]
    buddies = {label.buddy(): label.text() for label in dashboard.findChildren(QLabel) if label.buddy()}
    assert len(inputs) == 6  # five above the figures, and the call ledger's span
    for widget in inputs:
        assert "&" in buddies[widget] and widget.accessibleName(), widget.objectName()
    letters = [re.search(r"&(\w)", text).group(1).lower()
               for text in list(buddies.values()) + [b.text() for b in dashboard.findChildren(QAbstractButton)]
               + [dashboard.sections.tabText(i) for i in range(dashboard.sections.count())]
               if "&" in text]
    letters += ["c", "e", "q", "f", "r"]  # the main window's tabs
    assert len(letters) == len(set(letters)), letters


def test_import_through_the_dashboard_shows_the_summary_and_the_new_figures(qtbot, supervisor,
                                                                           runner, tmp_path):
    view = DashboardView(supervisor, runner, today=lambda: SAMPLE_DAY)
    qtbot.addWidget(view)
    view.show()
    assert tile_values(view)["offered"] == "0"
    log = tmp_path / "queue_log"
    log.write_text(SAMPLE.read_text() + "not a queue_log line\n1715588100|x|council-main|NONE|CONNECT|abc\n")
    view.import_file(str(log))
    summary = view.importer.summary_dialog
    assert summary is not None and summary.isVisible()
    text = summary.text.toPlainText()
    assert "attempts: 11 new" in text and "bad lines: 2" in text
    assert re.search(r"^line 40: ", text, re.M) and re.search(r"^line 41: ", text, re.M)
    assert view.importer.progress_dialog is None and not view.importer.busy
    assert tile_values(view)["offered"] == "11"


def test_a_bad_file_is_a_message_not_a_traceback(qtbot, supervisor, runner, tmp_path):
    view = DashboardView(supervisor, runner, today=lambda: SAMPLE_DAY)
    qtbot.addWidget(view)
    view.show()
    view.import_file(str(tmp_path / "missing.log"))
    box = view.importer.error_box
    assert box is not None and box.isVisible()
    assert box.text() == "missing.log was not imported."
    assert "does not exist or is not a file" in box.informativeText()
    assert "Traceback" not in box.informativeText()
    view.import_file(str(SAMPLE), fmt="csv")  # the wrong format: refused with the reason
    assert "Traceback" not in view.importer.error_box.informativeText()
    assert view.importer.summary_dialog is None


class _Recorder(QObject):
    def __init__(self):
        super().__init__()
        self.seen = []

    @Slot(int)
    def record(self, permille: int) -> None:
        self.seen.append((permille, QThread.currentThread() is QApplication.instance().thread()))


def test_a_background_import_reports_progress_on_the_gui_thread(qtbot, supervisor):
    runner = TaskRunner()
    view = DashboardView(supervisor, runner, today=lambda: SAMPLE_DAY)
    qtbot.addWidget(view)
    recorder = _Recorder()
    view.importer._progress.connect(recorder.record)
    view.import_file(str(SAMPLE))
    qtbot.waitUntil(lambda: runner.idle and view.importer.summary_dialog is not None, timeout=10_000)
    assert recorder.seen and recorder.seen[-1] == (1000, True)
    assert all(on_gui for _, on_gui in recorder.seen)
    runner.wait_for_all()


def test_the_import_button_is_only_for_those_who_may_import(qtbot, workspace, supervisor):
    for person, offered in ((workspace, False), (supervisor, True)):
        view = DashboardView(person, DeferredRunner(), today=lambda: SAMPLE_DAY)
        qtbot.addWidget(view)
        assert view.import_button.isHidden() is not offered, person.user.username


def test_the_import_dialog_asks_for_a_file_and_format(qtbot):
    from ui.call_import import CallImportDialog

    dialog = CallImportDialog()
    qtbot.addWidget(dialog)
    assert dialog.choice() == ("", "asterisk-queue-log", None)
    assert dialog.source.placeholderText() == "asterisk (default)"
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.source.placeholderText() == "csv (default)"
    dialog.findChild(QLineEdit, "importPath").setText(" /tmp/calls.csv ")
    dialog.source.setText("pbx-2")
    assert dialog.choice() == ("/tmp/calls.csv", "csv", "pbx-2")
    for field in (dialog.path, dialog.format, dialog.source):
        assert field.accessibleName()


def test_supervisors_see_the_dashboard_and_agents_do_not(qtbot, ui_db_url, agent, supervisor):
    for username in (agent.username, supervisor.user.username):
        window = create_main_window(ui_db_url, username, PASSWORD, synchronous=True)
        qtbot.addWidget(window)
        names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
        if username == agent.username:
            assert window.dashboard is window.staffing is None
            assert not {"&Queue dashboard", "Sta&ffing"} & set(names)
        else:
            assert names[2:4] == ["&Queue dashboard", "Sta&ffing"]
            assert pages[2:4] == [window.dashboard, window.staffing]
            tab_keys = mnemonics(names)
            for page in (window.dashboard, window.staffing):  # Alt+letter reaches one thing only
                keys = tab_keys + mnemonics(page_texts(page))
                assert len(keys) == len(set(keys)), (page.objectName(), keys)
        window.workspace.close()


@pytest.mark.parametrize("theme", ["normal", "high-contrast"])
def test_the_supervisor_window_still_fits_a_1280_by_800_screen(qtbot, ui_db_url, supervisor, theme):
    from ui.style import stylesheet

    window = create_main_window(ui_db_url, supervisor.user.username, PASSWORD, synchronous=True)
    qtbot.addWidget(window)
    window.setStyleSheet(stylesheet(theme))
    window.show()
    for page in (window.dashboard, window.staffing):
        window.tabs.setCurrentWidget(page)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 760, (page.objectName(), hint)
    window.workspace.close()
