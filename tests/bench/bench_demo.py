"""The 90-day demo seed (`main.py --demo`'s first start, `main.py demo-seed`): posts written
by the PostService, published by the engine through the real adapters to a fresh emulator on
loopback, measured at their checkpoints, the best times computed. One run (it takes tens of
seconds), so the row is a single sample; the goal is under 20 s."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.bench.harness import Row, row

DAYS = 90


def seed_once(tmp: Path) -> tuple[float, int]:
    """(seconds, snapshots) for one 90-day seed on a fresh emulator and database."""
    from cryptography.fernet import Fernet

    from app.core.db import open_database
    from app.core.vault import ENV_KEY, Vault
    from app.demo.seed import seed_history
    from app.emulator import EmulatorServer

    os.environ.setdefault("HERALD_DATA_DIR", str(tmp / "data"))
    srv = EmulatorServer(port=0, seed=7).start()
    db = open_database(f"sqlite:///{tmp / 'demo.db'}")
    try:
        vault = Vault(db, environ={ENV_KEY: Fernet.generate_key().decode()})
        started = time.perf_counter()
        report = seed_history(
            db, srv.base_url, days=DAYS, set_emulator_clock=srv.set_clock, vault=vault
        )
        return time.perf_counter() - started, report.snapshots
    finally:
        db.dispose()
        srv.stop()


def collect() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="herald-bench-demo-") as tmp:
        seconds, snapshots = seed_once(Path(tmp))
    return [
        row(
            f"demo seed: {DAYS} days of history through the emulator",
            [seconds],
            unit="s",
            scale=1.0,
            id="demo.seed",
            goal_s=20,
            snapshots=snapshots,
        )
    ]


if __name__ == "__main__":
    import cProfile
    import pstats
    import sys

    with tempfile.TemporaryDirectory(prefix="herald-bench-demo-") as d:
        if "--profile" in sys.argv:
            prof = cProfile.Profile()
            prof.enable()
            print(seed_once(Path(d)))
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        else:
            print(seed_once(Path(d)))
