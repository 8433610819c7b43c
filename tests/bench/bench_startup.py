"""Startup: Herald's main window shown (offscreen) on 10,000 posts vs a bare QMainWindow with
pyqtgraph imported. Each sample is a fresh process, so imports are paid every time."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.harness import Row, row
from tests.bench.seed import seed_posts

RUNS = 7


def _probe(args: list[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.startup_probe", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def collect() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed_posts(url, 10_000)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HERALD_DATA_DIR": tmp}
        herald = [_probe(["herald", url], env) for _ in range(RUNS)]
        floor = [_probe(["floor"], env) for _ in range(RUNS)]
    startup = row(
        "startup: main window shown, 10,000 posts",
        [h["seconds"] for h in herald],
        reference="bare QMainWindow+pyqtgraph",
        reference_values=[f["seconds"] for f in floor],
    )
    herald_mem = statistics.median(h["peak_mib"] for h in herald)
    floor_mem = statistics.median(f["peak_mib"] for f in floor)
    memory = Row(
        name="startup: peak memory",
        median=herald_mem,
        spread=(max(h["peak_mib"] for h in herald) - min(h["peak_mib"] for h in herald)) / 2,
        unit="MiB",
        reference="bare QMainWindow+pyqtgraph",
        reference_median=floor_mem,
        ratio=herald_mem / floor_mem if floor_mem else None,
        samples=len(herald),
    )
    return [startup, memory]
