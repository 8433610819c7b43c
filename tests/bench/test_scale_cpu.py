"""bench-scale's CPU split (issue 24): a child's CPU is the workers', this process's the
emulator's, and the machine's busy share is a fraction."""

from __future__ import annotations

import subprocess
import sys

from tests.bench.scale import cpu


def test_the_split_puts_a_childs_cpu_with_the_workers():
    before = cpu.mark()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
    sum(i * i for i in range(300_000))
    out = cpu.split(before, cpu.mark())
    assert out["workers_s"] is not None and out["workers_s"] > 0.05
    assert out["emulator_s"] is not None and out["emulator_s"] >= 0
    if out["machine_busy_share"] is not None:  # Linux
        assert 0 < out["machine_busy_share"] <= 1
        assert out["rest_s"] is not None and out["rest_s"] >= 0
