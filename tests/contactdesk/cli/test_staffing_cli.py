"""`contactdesk staffing` as a person runs it: no database, one-line errors."""

from __future__ import annotations

import json

from .helpers import one_line_error, run_cli

BASE = ["staffing", "--calls", "100", "--interval-minutes", "30", "--aht", "180"]
KEYS = {"traffic_erlangs", "agents", "scheduled_agents", "service_level",
        "probability_of_waiting", "asa_seconds", "occupancy"}


def test_json_gives_the_worked_example():
    result = run_cli(*BASE, "--answer-within", "20", "--target", "0.80", "--json")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert set(figures) == KEYS
    assert figures["agents"] == 14 and figures["scheduled_agents"] == 14
    assert round(figures["service_level"], 6) == 0.888350
    assert round(figures["asa_seconds"], 4) == 7.8359
    assert round(figures["occupancy"], 6) == 0.714286


def test_text_table_with_cap_and_shrinkage():
    result = run_cli(*BASE, "--answer-within", "19.8", "--target", "0.80",
                     "--max-occupancy", "0.70", "--shrinkage", "0.30")
    assert result.code == 0, result.err
    assert "Erlang C" in result.out and "occupancy at most 70%" in result.out
    rows = dict(line.strip().split("  ", 1) for line in result.out.splitlines()[1:])
    lines = {label: value.strip() for label, value in rows.items()}
    assert lines["Agents"] == "15"
    assert lines["Scheduled agents"].startswith("22 ")
    assert lines["Service level"].startswith("94.11%")


def test_a_percentage_for_target_is_a_one_line_error():
    result = run_cli(*BASE, "--answer-within", "20", "--target", "80")
    assert result.code == 2 and result.out == ""
    message = one_line_error(result)
    assert "--target" in message and "between 0 and 1" in message and "got 80" in message
