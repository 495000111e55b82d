"""A case open on two desks says so beside its reference."""

from __future__ import annotations

from tests.ui.case_helpers import log_case
from tests.ui.conftest import add_person, sign_in
from ui.case_detail import CaseDetailView


def test_the_other_person_with_the_case_open_is_named(qtbot, ui_db_url, workspace, runner):
    add_person(ui_db_url, "sam", "agent", "Sam Taylor")
    view = CaseDetailView(workspace, runner)
    qtbot.addWidget(view)
    view.show()
    reference = log_case(workspace)
    view.show_case(reference)
    label = view.also_open_by
    qtbot.wait(50)  # the first "I have it open" goes out right after the case is asked for
    assert not label.isVisible()
    sam = sign_in(ui_db_url, "sam")
    try:
        assert sam.cases.mark_viewing(reference) == ("Priya Shah",)
        label.refresh()  # the 20-second tick
        assert label.isVisible() and label.text() == "Also open by Sam Taylor"
        sam.cases.stop_viewing()
        label.refresh()
        assert not label.isVisible()
    finally:
        sam.close()
