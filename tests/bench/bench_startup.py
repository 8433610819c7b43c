"""Start-up on 10,000 posts: the real `main.py` path from process spawn to the main window's
first Expose event, against two floors measured in the same run, interleaved round by round
(A, B, Herald, A, B, Herald, ...) so load on the shared machine weighs on all three alike:

- floor A: a bare QMainWindow with pyqtgraph imported;
- floor B: a bare QMainWindow + SQLAlchemy's ORM + one SQLite query on the same database.

Each sample is a fresh process (see startup_probe.py), so imports are paid every time.

Herald shows its window's frame first and fills it in right after (app/ui/window_first.py),
so the first expose alone would hide the rest: `startup.content` measures the same start
until the calendar's month has been painted with its posts, interleaved with the same floors
(A, B, Herald to the first expose, Herald to the month, A, B, ...).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.harness import Row, row
from tests.bench.seed import seed_posts

ROUNDS = 9
MODES = ("floorA", "floorB", "herald", "content")
FLOOR_A = "floor A: bare QMainWindow + pyqtgraph"
FLOOR_B = "floor B: bare QMainWindow + ORM + 1 query"


def _probe(mode: str, url: str, env: dict[str, str]) -> dict[str, float]:
    args = [mode] if mode == "floorA" else [mode, url]
    started = time.monotonic()  # the child reports CLOCK_MONOTONIC too (same clock)
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.startup_probe", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return {"seconds": result["monotonic"] - started, "peak_mib": result["peak_mib"]}


def measure(
    url: str, env: dict[str, str], rounds: int = ROUNDS
) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
    _probe("herald", url, env)  # warm the OS file cache once, for nobody's benefit in particular
    for _ in range(rounds):
        for mode in MODES:
            runs[mode].append(_probe(mode, url, env))
    return runs


def rows_from(runs: dict[str, list[dict[str, float]]]) -> list[Row]:
    def seconds(mode: str) -> list[float]:
        return [r["seconds"] for r in runs[mode]]

    def mib(mode: str) -> list[float]:
        return [r["peak_mib"] for r in runs[mode]]

    floor_a = statistics.median(seconds("floorA")) * 1000
    startup = row(
        "startup: main.py to the main window's first expose, 10,000 posts",
        seconds("herald"),
        reference=FLOOR_B,
        reference_values=seconds("floorB"),
        id="startup",
        floor_a_median=floor_a,
        ratio_floor_a=statistics.median(seconds("herald")) * 1000 / floor_a,
        floor_a_min=min(seconds("floorA")) * 1000,
        floor_a_max=max(seconds("floorA")) * 1000,
        floor_b_min=min(seconds("floorB")) * 1000,
        floor_b_max=max(seconds("floorB")) * 1000,
        order="interleaved " + ", ".join(MODES),
    )
    memory = row(
        "startup: peak memory at first expose",
        mib("herald"),
        unit="MiB",
        scale=1.0,
        reference=FLOOR_B,
        reference_values=mib("floorB"),
        id="startup.rss",
        floor_a_median=statistics.median(mib("floorA")),
    )
    content = row(
        "startup: main.py to the calendar's month painted with its posts, 10,000 posts",
        seconds("content"),
        reference=FLOOR_B,
        reference_values=seconds("floorB"),
        id="startup.content",
        floor_a_median=floor_a,
        ratio_floor_a=statistics.median(seconds("content")) * 1000 / floor_a,
        peak_mib=statistics.median(mib("content")),
        order="interleaved " + ", ".join(MODES),
    )
    return [startup, memory, content]


def collect() -> list[Row]:
    from tests.integration.helpers import VAULT_KEY

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed_posts(url, 10_000)
        env: dict[str, Any] = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HERALD_DATA_DIR": tmp,
            "HERALD_VAULT_KEY": VAULT_KEY,  # no keychain prompt in a benchmark
        }
        # An installed Herald starts from its modules' bytecode caches, as the floors' libraries
        # in the venv do: a shell with PYTHONDONTWRITEBYTECODE=1 would make every round compile
        # Herald's ~200 modules from source (the warm-up run writes the caches).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        runs = measure(url, env)
    return rows_from(runs)
