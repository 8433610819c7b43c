"""Where the two cores went during the drain: the workers (their rusage), the emulator (this
process: the bench runs it in a thread), and the rest of the machine (/proc/stat's busy time
less those two: on a machine that runs nothing else, the PostgreSQL server). Linux only; the
figures are None elsewhere."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuMark:
    machine_busy_s: float | None
    machine_total_s: float | None
    own_s: float
    children_s: float


def _proc_stat() -> tuple[float, float] | tuple[None, None]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None, None
    ticks = [int(x) for x in first[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    hz = os.sysconf("SC_CLK_TCK")
    return (total - idle) / hz, total / hz


def mark() -> CpuMark:
    busy, total = _proc_stat()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuMark(busy, total, own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime)


def split(before: CpuMark, after: CpuMark) -> dict[str, float | None]:
    """CPU seconds between two marks: workers, emulator, the rest, and how busy the machine
    was (busy / total, 1.0 = every core all the time)."""
    workers = after.children_s - before.children_s
    emulator = after.own_s - before.own_s
    out: dict[str, float | None] = {
        "workers_s": round(workers, 1),
        "emulator_s": round(emulator, 1),
        "rest_s": None,
        "machine_busy_share": None,
    }
    if None not in (before.machine_busy_s, after.machine_busy_s):
        busy = after.machine_busy_s - before.machine_busy_s  # type: ignore[operator]
        total = after.machine_total_s - before.machine_total_s  # type: ignore[operator]
        out["rest_s"] = round(max(0.0, busy - workers - emulator), 1)
        out["machine_busy_share"] = round(busy / total, 3) if total else None
    return out
