"""`make bench`: run every tests/bench/bench_*.py, print one table, write bench-results.json.

`python -m tests.bench.run [NAME ...] [--docs]`: NAMEs pick benchmark modules by part of
their name (`startup`, `analytics`, ...); `--docs` also rewrites the table in
docs/readme/bench.md from the results (then run tools/build_readme.py).

Each module's `collect()` returns harness.Row objects; a module that fails is reported as a
failed row, and the run goes on so one broken benchmark does not hide the others.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from tests.bench import report
from tests.bench.harness import Row

HERE = Path(__file__).parent
BENCH_IDS = {"calendar.search": "bench_search"}  # id -> module, for `run.py <id>`


def machine() -> dict[str, str | int | None]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


fmt = report.fmt
DOC = HERE.parents[1] / "docs" / "readme" / "bench.md"


def main(argv: list[str]) -> int:
    docs = "--docs" in argv[1:]
    # ids -> modules
    only = [{"import.20k": "bench_import"}.get(a, a) for a in argv[1:] if a != "--docs"]
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if only:
        only = [BENCH_IDS.get(o, o) for o in only]
        modules = [m for m in modules if any(o in m for o in only)]
    rows: list[Row] = []
    failures: list[str] = []
    for name in modules:
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"tests.bench.{name}")
            rows.extend(module.collect())
        except Exception:
            failures.append(name)
            traceback.print_exc()
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    header = f"{'benchmark':58} {'median':>12} {'± spread':>10} {'reference':>36} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        ref = f"{r.reference} {fmt(r.reference_median)}" if r.reference else "—"
        spread = "single" if r.samples == 1 else ("one run" if r.spread is None else fmt(r.spread))
        print(
            f"{r.name[:58]:58} {fmt(r.median) + ' ' + r.unit:>12} {spread:>10} "
            f"{ref[:36]:>36} {fmt(r.ratio):>7}"
        )
    info = machine()
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['os']}")
    results = report.results(rows, info, failures)
    Path("bench-results.json").write_text(json.dumps(results, indent=2))
    if docs:
        report.update_doc(DOC, results)
    if failures:
        print(f"failed benchmarks: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
