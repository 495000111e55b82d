"""`contactdesk import-calls` and `contactdesk stats`, run as a supervisor would."""

from __future__ import annotations

import json

import pytest

from ..telephony.test_sample_figures import SAMPLE
from .helpers import one_line_error, run_cli

KEYS = ["from", "to", "threshold_seconds", "basis", "short_abandon_seconds", "offered", "answered",
        "answered_within_threshold", "abandoned", "abandoned_within_threshold", "short_abandoned",
        "timed_out", "other_exits", "unresolved", "service_level", "abandon_rate", "asa_seconds",
        "average_abandon_seconds", "longest_wait_seconds", "average_talk_seconds"]


@pytest.fixture
def sample_db(fresh_database_url):
    url = fresh_database_url("sqlite")
    done = run_cli("import-calls", str(SAMPLE), db=url)
    assert done.code == 0, done.err
    assert "39 lines read" in done.out and "11 new, 11 closed" in done.out
    return url


def test_stats_json_has_exactly_the_documented_keys(sample_db):
    done = run_cli("stats", "--from", "2024-05-13", "--to", "2024-05-13", "--threshold", "20",
                   "--basis", "exclude-short-abandons", "--short-abandon", "5", "--json", db=sample_db)
    assert done.code == 0, done.err
    figures = json.loads(done.out)
    assert list(figures) == KEYS
    assert figures["basis"] == "exclude-short-abandons" and figures["short_abandoned"] == 1
    assert round(figures["service_level"], 4) == 0.4286 and figures["abandon_rate"] == 0.2
    by_queue = json.loads(run_cli("stats", "--from", "2024-05-13", "--by", "queue", "--json",
                                  db=sample_db).out)
    assert [(g["queue"], g["offered"]) for g in by_queue] == [("council-main", 9), ("revs-bens", 2)]
    assert list(by_queue[0]) == ["queue", *KEYS]


def test_stats_text_names_the_definition_and_the_source(sample_db):
    done = run_cli("stats", "--from", "2024-05-13", db=sample_db)
    assert "Service level = A_T / A (basis 'answered'), T = 21 s" in done.out
    assert "source: telephony logs" in done.out and "80.00%" in done.out and "27.27%" in done.out


def test_year_to_date_against_last_year(sample_db):
    done = run_cli("stats", "--ytd", "--as-of", "2024-06-30", db=sample_db)
    assert done.code == 0, done.err
    assert "Year to date 2024-04-01 to 2024-06-30 against 2023-04-01 to 2023-06-30" in done.out
    assert "(higher performance is better)" in done.out and "(lower performance is better)" in done.out
    payload = json.loads(run_cli("stats", "--ytd", "--as-of", "2024-06-30", "--json", db=sample_db).out)
    level = next(c for c in payload["comparison"] if c["figure"] == "service_level")
    assert level["this_year"] == 0.8 and level["last_year"] is None and level["better"] == "higher"


def test_a_log_with_bad_lines_exits_1_and_lists_them(fresh_database_url, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(SAMPLE.read_text() + "oops\n")
    done = run_cli("import-calls", str(log), db=fresh_database_url("sqlite"))
    assert done.code == 1
    assert "bad lines: 1" in done.out and "line 40: 1 fields, expected at least 5" in done.out


@pytest.mark.parametrize(("args", "message"), [
    (["stats"], "stats needs --from DATE"),
    (["stats", "--from", "13/05/2024"], "'13/05/2024' is not a date (use YYYY-MM-DD, today or yesterday)"),
    (["stats", "--from", "2024-05-13", "--basis", "best"], "invalid choice: 'best'"),
    (["stats", "--from", "2024-05-14", "--to", "2024-05-13"], "to: is before from"),
    (["import-calls", "/nonexistent/queue_log"], "does not exist"),
])
def test_bad_usage_is_one_line(fresh_database_url, args, message):
    done = run_cli(*args, db=fresh_database_url("sqlite"))
    assert done.code == 2
    assert message in one_line_error(done)
