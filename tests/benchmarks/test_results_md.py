"""The harness's verdicts and benchmarks/results.md, on hand-made rows."""

from __future__ import annotations

from results_md import KNOWN_REASONS, Row, Target, reason, render, verdict

TWICE_THE_FLOOR = Target("ratio", 2)


def row(name="case list: first page", median=3.0, floor=1.0, target=TWICE_THE_FLOOR,
        unit="ms", database="SQLite", cases=10_000) -> Row:
    return Row(database, cases, name, median, median * 0.9, median * 1.2, unit, floor, target)


def test_ratio_reads_times_worse_than_the_floor_for_times_and_rates():
    assert row(median=3.0, floor=1.5).ratio == 2.0
    # A rate is worse when lower: 150,000 lines/s against a floor of 450,000 is 3x worse.
    assert row(median=150_000, floor=450_000, unit="lines/s").ratio == 3.0
    assert row(floor=None).ratio is None


def test_met_follows_the_kind_of_target():
    assert row(median=2.0, floor=1.0, target=Target("ratio", 2)).met is True
    assert row(median=2.1, floor=1.0, target=Target("ratio", 2)).met is False
    assert row(median=50, target=Target("max", 50)).met is True
    assert row(median=51, target=Target("max", 50)).met is False
    assert row(median=300_000, unit="lines/s", target=Target("min", 300_000)).met is True
    assert row(median=299_999, unit="lines/s", target=Target("min", 300_000)).met is False
    assert row(floor=None, target=Target("ratio", 2)).met is False  # no floor, no ratio to meet
    assert row(target=None).met is None
    assert [verdict(row(median=1)), verdict(row(median=9)), verdict(row(target=None))] == \
        ["met", "missed", "-"]


def test_a_missed_row_takes_its_databases_reason_before_the_general_one():
    postgres = row("search: reference prefix", database="PostgreSQL")
    sqlite = row("search: reference prefix", database="SQLite")
    assert reason(postgres) == KNOWN_REASONS[("search: reference prefix", "PostgreSQL")]
    assert reason(sqlite) == KNOWN_REASONS[("search: reference prefix", None)]
    assert "not a known cause" in reason(row("something new"))


def test_results_md_has_a_table_per_database_at_the_largest_size_growth_and_machine():
    rows = [row(median=1.5, cases=10_000), row(median=9.0, cases=100_000),
            row("year to date", 30, 10, Target("max", 20), cases=100_000),
            row(median=1.2, cases=100_000, database="PostgreSQL"),
            row("queue_log import: speed", 200_000, 400_000, Target("min", 300_000, "lines/s"),
                "lines/s", cases=100_000, database="PostgreSQL")]
    text = render(rows, {"measured": "today", "CPU": "a test CPU", "PostgreSQL": "15.1"},
                  "make bench", ["## extra section", ""])
    sqlite = text[text.index("## SQLite"):text.index("## PostgreSQL")]
    postgres = text[text.index("## PostgreSQL"):text.index("## Growth")]
    growth = text[text.index("## Growth"):text.index("## extra section")]
    assert "## SQLite, 100,000 cases (0 of 2 targets met)" in sqlite
    assert "| case list: first page | 9 ms | 8.1 ms | 10.8 ms | 1 ms | 9.0x | <= 2x floor | missed |" \
        in sqlite
    assert "| year to date | 30 ms |" in sqlite and KNOWN_REASONS[("year to date", None)] in sqlite
    assert "1.5 ms" not in sqlite  # the smaller size only shows in the growth table
    assert "(1 of 2 targets met)" in postgres
    assert "| queue_log import: speed | 200,000 lines/s |" in postgres and "| 2.0x |" in postgres
    assert "| hot path | database | 10,000 cases | 100,000 cases |" in growth
    assert "| case list: first page | SQLite | 1.5 ms | 9 ms |" in growth
    assert "| year to date | SQLite | - | 30 ms |" in growth
    assert "| CPU | a test CPU |" in text and "| PostgreSQL | 15.1 |" in text
    assert "Written by `make bench` on today" in text


def test_results_md_can_be_rendered_again_from_the_rows_kept_beside_it(tmp_path, monkeypatch):
    import harness

    monkeypatch.setattr(harness, "MEASURED", tmp_path / "harness.json")
    rows = [row(median=9.0), row("queue_log import: speed", 200_000, 400_000,
                                  Target("min", 300_000, "lines/s"), "lines/s"), row(target=None)]
    first, again = tmp_path / "first.md", tmp_path / "again.md"
    harness.write(first, rows, {"measured": "today", "CPU": "x"}, "make bench", {"s.py": "out"})
    harness.render_again(again)
    assert again.read_text() == first.read_text()
    assert "missed" in again.read_text() and "## s.py" in again.read_text()
