"""The whole harness at a tiny size on both databases, so it never rots (no timings judged)."""

from __future__ import annotations

import bench_data
import pytest
from generate_calls import generate_log
from hot_paths import child, measure_all
from results_md import render

HOT_PATHS = {
    "case list: first page", "case list: next page", "search: reference",
    "search: reference prefix", "search: phone", "search: name", "search: street",
    "search: postcode", "caller history", "call save", "a day's statistics", "year to date",
    "daily summary PDF", "performance report PDF", "subject access search",
    "queue_log import: speed", "queue_log import: peak memory",
    "CSV export of a year: peak memory", "app memory, case list open",
}
CASES = 300


@pytest.fixture
def tiny(empty_db_url):
    said: list[str] = []
    url = bench_data.prepare(empty_db_url, CASES, said.append)
    yield empty_db_url, url, said
    bench_data.drop(url)


def test_the_data_is_bulk_loaded_once_and_reused_while_its_recipe_holds(tiny):
    base, url, said = tiny
    con = bench_data.raw_connect(url)
    try:
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("cases", "call_attempts", "caller_name_words")]
        histogram = con.execute("SELECT count(*) FROM call_wait_days").fetchone()[0]
    finally:
        con.close()
    assert counts[:2] == [CASES, bench_data.attempts_for(CASES)]
    assert counts[2] > 0 and histogram > 0  # search words and the wait histogram are there
    assert said[0].startswith("making")
    assert bench_data.prepare(base, CASES, said.append) == url
    assert said[-1].startswith("reusing")


def test_every_hot_path_is_measured_beside_its_floor_and_rendered(tiny, tmp_path):
    base, url, _ = tiny
    log = generate_log(tmp_path / "queue_log.log", 400, quiet=True)
    label = "PostgreSQL" if bench_data.is_postgres(url) else "SQLite"
    rows = measure_all(url, label, CASES, 1, log,
                       lambda name: bench_data.fresh_migrated(base, name), bench_data.drop,
                       say=lambda *a: None)
    assert {r.name for r in rows} == HOT_PATHS
    assert all(r.median > 0 and r.floor and r.floor > 0 and r.target for r in rows)
    assert all(r.low <= r.median <= r.high for r in rows)
    imported = next(r for r in rows if r.name == "queue_log import: speed")
    assert "400 lines" in imported.what
    text = render(rows, {"measured": "now"}, "test")
    assert all(f"| {name} |" in text for name in HOT_PATHS)


def test_a_child_process_reports_its_own_peak_memory_not_its_parents(tiny, tmp_path):
    _, url, _ = tiny
    ballast = b"\1" * (400 * 2**20)  # the parent's memory, resident when the child starts
    exported = child("export", url, str(tmp_path))
    assert len(ballast) and exported["floor_mb"] < exported["peak_mb"] < 400
    assert exported["written"] > 0


def test_a_no_op_upgrade_is_timed_beside_a_bare_version_read(tiny):
    from harness import upgrade_rows

    _, url, _ = tiny
    (row,) = upgrade_rows(url, CASES, 1)
    assert row.name == "db upgrade, nothing to do" and row.target.limit == 500
    assert row.low <= row.median <= row.high and row.floor > 0
    assert row.median > row.floor  # the app does more than read one row
