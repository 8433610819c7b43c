"""bench-results.json and the README table from a tiny fixture run (nothing is timed)."""

from __future__ import annotations

import json

import pytest

from tests.bench import report, run
from tests.bench.bench_startup import rows_from
from tests.bench.harness import IDS, Row, row

MACHINE = {"cpu": "test", "cores": 2, "python": "3.11", "os": "Linux"}


def _fixture_rows() -> list[Row]:
    startup = rows_from(
        {
            "floorA": [{"seconds": 0.5, "peak_mib": 90.0}, {"seconds": 0.7, "peak_mib": 92.0}],
            "floorB": [{"seconds": 0.6, "peak_mib": 100.0}, {"seconds": 0.8, "peak_mib": 102.0}],
            "herald": [{"seconds": 0.9, "peak_mib": 150.0}, {"seconds": 1.1, "peak_mib": 152.0}],
            "content": [{"seconds": 1.2, "peak_mib": 160.0}, {"seconds": 1.4, "peak_mib": 162.0}],
        }
    )
    drain = row("drain", [12.0], unit="s", scale=1.0, reference="floor", reference_values=[6.0])
    drain.id = "drain"
    seed = row("demo seed", [15.0], unit="s", scale=1.0, id="demo.seed")
    return [*startup, drain, seed, row("untracked", [0.001, 0.002])]


def test_results_carry_ids_medians_units_and_same_run_ratios() -> None:
    results = report.results(_fixture_rows(), MACHINE, [])
    by_id = {r["id"]: r for r in results["rows"] if r["id"]}
    assert set(by_id) == {"startup", "startup.rss", "startup.content", "drain", "demo.seed"}
    assert set(by_id) - {"startup.content"} <= set(IDS)
    assert by_id["startup.content"]["ratio"] == pytest.approx(1300 / 700)
    assert by_id["startup"]["unit"] == "ms"
    assert by_id["startup"]["median"] == pytest.approx(1000.0)
    assert by_id["startup"]["reference_median"] == pytest.approx(700.0)
    assert by_id["startup"]["ratio"] == pytest.approx(1000 / 700)
    assert by_id["startup"]["extra"]["ratio_floor_a"] == pytest.approx(1000 / 600)
    assert (by_id["startup"]["minimum"], by_id["startup"]["maximum"]) == pytest.approx((900, 1100))
    assert by_id["startup.rss"]["unit"] == "MiB"
    assert by_id["startup.rss"]["ratio"] == pytest.approx(151 / 101)
    assert by_id["drain"]["ratio"] == pytest.approx(2.0)
    assert by_id["drain"]["samples"] == 1 and by_id["drain"]["spread"] is None
    assert by_id["demo.seed"]["reference_median"] is None and by_id["demo.seed"]["ratio"] is None
    json.dumps(results)  # what run.py writes must be JSON


def test_unknown_or_repeated_ids_are_refused() -> None:
    bad = row("x", [1.0, 2.0])
    bad.id = "startup.typo"
    with pytest.raises(ValueError, match="unknown bench ids"):
        report.results([bad], MACHINE, [])
    twice = [row("a", [1.0, 2.0], id="drain"), row("b", [1.0, 2.0], id="drain")]
    with pytest.raises(ValueError, match="more than once"):
        report.results(twice, MACHINE, [])


def test_table_labels_a_single_sample_and_lists_every_id(tmp_path) -> None:
    results = report.results(_fixture_rows(), MACHINE, [])
    table = report.markdown_table(results)
    for key in IDS:
        assert f"`{key}`" in table
    drain_line = next(line for line in table.splitlines() if line.startswith("| `drain`"))
    assert "single sample" in drain_line and "± 0" not in drain_line
    assert "| `calendar.month` | not measured in this run |" in table
    doc = tmp_path / "bench.md"
    doc.write_text(f"intro\n\n{report.BEGIN}\nold table\n{report.END}\n\nafter\n")
    report.update_doc(doc, results)
    text = doc.read_text()
    assert "old table" not in text and "`startup.rss`" in text
    assert text.startswith("intro") and text.rstrip().endswith("after")


def test_run_writes_bench_results_json(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(run.importlib, "import_module", lambda _name: _FakeModule())
    monkeypatch.setattr(run, "HERE", tmp_path)
    (tmp_path / "bench_fake.py").write_text("")
    assert run.main(["run"]) == 0
    written = json.loads((tmp_path / "bench-results.json").read_text())
    assert [r["id"] for r in written["rows"]] == [
        "startup",
        "startup.rss",
        "startup.content",
        "drain",
        "demo.seed",
        None,
    ]


class _FakeModule:
    @staticmethod
    def collect() -> list[Row]:
        return _fixture_rows()


def test_every_id_a_benchmark_gives_is_known_to_the_report() -> None:
    """An unknown id fails the whole `make bench` at its very end: catch it here instead."""
    import re
    from pathlib import Path

    from tests.bench.harness import EXTRA_IDS

    found = set()
    for path in Path(__file__).parent.glob("bench_*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\bid="([a-z0-9.]+)"', text))
        found |= set(re.findall(r'^(?:BENCH_)?ID = "([a-z0-9.]+)"', text, re.M))
    assert "calendar.month.cold" in found and "import.20k" in found  # the patterns still match
    assert found - set(IDS + EXTRA_IDS) == set()
