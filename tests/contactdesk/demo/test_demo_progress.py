"""A demo-data run says how far it has got, and a finished run was all of the way."""

from __future__ import annotations

from datetime import date

from contactdesk.demo.generator import generate_demo_data
from contactdesk.demo.progress import STAGES
from contactdesk.demo.quick_check import DEMO_PASSWORD_KEY, cases_already_there
from contactdesk.services.sign_in_hints import DEMO_PASSWORD_SETTING


def test_progress_moves_forward_through_every_stage_to_the_end(os_ctx, db_url):
    assert cases_already_there(db_url) is None
    heard: list[tuple[float, str]] = []
    summary = generate_demo_data(os_ctx, days=3, today=date(2026, 11, 20), telephony=False,
                                 progress=lambda fraction, text: heard.append((fraction, text)))
    assert summary.cases > 0
    fractions = [fraction for fraction, _ in heard]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    said = {text for _, text in heard}
    assert {text for name, (_a, _b, text) in STAGES.items() if name != "telephony"} <= said
    assert len([f for f in fractions if STAGES["plan"][0] < f < STAGES["plan"][1]]) >= 3
    assert len([f for f in fractions if STAGES["write"][0] < f < STAGES["write"][1]]) >= 3

    found = cases_already_there(db_url)  # the cheap question `demo-data --if-empty` asks first
    assert found is not None
    assert found.demo_password == (summary.demo_password if db_url.startswith("sqlite") else None)


def test_the_quick_check_reads_the_setting_the_sign_in_hints_read():
    assert DEMO_PASSWORD_KEY == DEMO_PASSWORD_SETTING
