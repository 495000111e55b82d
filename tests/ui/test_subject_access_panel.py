"""The subject access panel: search with Enter, results with mentions marked, export, errors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableView

from contactdesk.dtos.calls import CallInput
from ui.subject_access_panel import CHECK_FLAG, FLAG_BACKGROUND, MENTION_FLAG, SubjectAccessPanel


@pytest.fixture
def admin(signed_in):
    return signed_in("helen", "admin", "Helen Firth")


@pytest.fixture
def calls(workspace):
    """Ann's case, and Bob's case naming Ann's number (logged by the agent Priya Shah)."""
    for phone, name, text in (
            ("01709 336000", "Ann Jones", "Bags dumped; Mr Hirst next door saw it"),
            ("01709 823456", "Bob Smith", "Says the woman on 01709336000 dumped them")):
        workspace.calls.log_call(CallInput(caller_phone=phone, caller_name=name,
                                           category="Litter", address="1 Wellgate",
                                           description=text))


def make_panel(qtbot, workspace, runner) -> SubjectAccessPanel:
    panel = SubjectAccessPanel(workspace, runner)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def rows(panel) -> list[list[str]]:
    model = panel.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_enter_finds_everything_and_marks_what_to_check(qtbot, qtmodeltester, admin, runner,
                                                        calls, tmp_path):
    panel = make_panel(qtbot, admin, runner)
    for kind, name in ((QComboBox, "sarKind"), (QLineEdit, "sarTerm"), (QPushButton, "sarFind"),
                       (QTableView, "sarResults"), (QPushButton, "sarExport"),
                       (QLabel, "sarMessage")):
        assert panel.findChild(kind, name) is not None, name
    assert not panel.export_button.isEnabled()
    assert panel.kind.currentData() == "phone"
    qtbot.keyClicks(panel.term, "(01709) 336 000")
    with qtbot.waitSignal(panel.searched) as found:
        qtbot.keyClick(panel.term, Qt.Key.Key_Return)
    records = found.args[0]
    qtmodeltester.check(panel.model)
    listed = rows(panel)
    assert [r[0] for r in listed] == ["Caller", "Call", "Case", "Mentioned in"]
    case_row, mention_row = listed[2], listed[3]
    assert case_row[4] == CHECK_FLAG  # "Mr Hirst": someone else may be named
    assert mention_row[4] == MENTION_FLAG and "01709336000" in mention_row[3]
    assert panel.model.index(3, 0).data(Qt.ItemDataRole.BackgroundRole) == FLAG_BACKGROUND
    assert panel.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "Bob Smith" not in str(listed)
    assert panel.summary.text().startswith(f"{records.request_id}: 1 caller record, 1 call, "
                                           "1 case (0 notes) and 0 complaints held")
    assert "Other people's records mentioning them: 1," in panel.summary.text()
    assert panel.export_button.isEnabled()

    with qtbot.waitSignal(panel.exported) as done:
        panel.export_to(tmp_path)
    folder = tmp_path / records.request_id
    assert done.args[0].folder == folder and (folder / "subject-access.pdf").is_file()
    assert len(list(folder.iterdir())) == 7
    assert panel.message.text().startswith(f"Written to {folder}")


def test_problems_are_told_in_plain_words(qtbot, admin, runner, calls, tmp_path):
    panel = make_panel(qtbot, admin, runner)
    panel.find_button.click()
    assert panel.message.text().startswith("Type the person's phone number")
    panel.kind.setCurrentIndex(panel.kind.findData("name"))
    assert "Ann Jones" in panel.term.placeholderText()
    panel.term.setText("Ann")
    panel.find_button.click()
    assert panel.message.text() == ("Give the person's first name and surname (one word "
                                    "matches too many people).")
    assert panel.model.rowCount() == 0 and not panel.export_button.isEnabled()
    panel.kind.setCurrentIndex(panel.kind.findData("email"))
    panel.term.setText("nobody@example.com")
    panel.find_button.click()
    assert panel.message.text().startswith("Nothing is held for this search")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    panel.export_to(blocker)
    assert panel.message.text().startswith("Cannot create the folder")
    assert "Traceback" not in panel.message.text() and panel.export_button.isEnabled()


def test_an_agent_is_told_to_ask_an_administrator(qtbot, workspace, runner):
    panel = make_panel(qtbot, workspace, runner)
    assert not panel.find_button.isEnabled() and not panel.term.isEnabled()
    assert "administrators" in panel.message.text()
