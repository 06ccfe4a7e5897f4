"""The contest scale benchmark runs at a tiny size and prints its markdown row."""

from benchmarks.contest_scale import COLUMNS, main, markdown_row, measure


def test_measure_and_row_at_a_tiny_size(capsys):
    m = measure(players=20, people=2_000, replicates=2)
    assert m["players"] == 20 and m["people"] == 2_000 and m["arcs"] > 10_000
    assert m["impressions"] > 0 and m["setup_s"] > 0 and m["peak_rss_mb"] > 0
    row = markdown_row(m)
    assert row.count("|") == len(COLUMNS) + 1 and row.startswith("| 20 | 2,000 |")
    main(["--players", "10", "--people", "1000", "--replicates", "1"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[1] == "| " + " | ".join(COLUMNS) + " |" and lines[2].startswith("| 10 | 1,000 |")
