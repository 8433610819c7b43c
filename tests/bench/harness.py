"""Shared shape for every benchmark: median over repeated runs, spread, ratio to a reference.

A bench module is `tests/bench/bench_<area>.py` exposing `collect() -> list[Row]`;
`python -m tests.bench.run` (make bench) runs them all, prints a table and writes
bench-results.json.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# The stable ids of bench-results.json rows (README table, comparisons between runs).
IDS = (
    "startup",
    "startup.rss",
    "calendar.month",
    "composer.keystroke",
    "besttime.1m",
    "dashboard.1m",
    "drain",
    "demo.seed",
)
#: ids of rows that are tracked between runs and shown under the goals' rows, but are no goal
EXTRA_IDS = ("calendar.month.cold", "calendar.search", "import.20k", "startup.content")


@dataclass
class Row:
    name: str
    median: float  # in `unit`
    # half the inter-quartile range (or max-min when few samples), same unit; None for a
    # single sample, which has no spread (it is shown as "single sample", never "± 0")
    spread: float | None
    unit: str = "ms"
    reference: str | None = None
    reference_median: float | None = None
    ratio: float | None = None  # median / reference_median (below 1 = faster than reference)
    samples: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    id: str | None = None  # one of IDS for the rows the README and the goals track
    minimum: float | None = None
    maximum: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sample(fn: Callable[[], object], repeat: int = 15, number: int = 1) -> list[float]:
    """Seconds per call of fn, one value per repeat (each the mean over `number` calls)."""
    fn()  # warm-up: imports, caches, JIT-less but still lazy things
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        out.append((time.perf_counter() - t0) / number)
    return out


def summarize(values: list[float], scale: float = 1000.0) -> tuple[float, float | None]:
    """(median, spread) scaled (seconds -> ms by default); spread None for one sample."""
    med = statistics.median(values) * scale
    if len(values) == 1:
        return med, None
    if len(values) >= 4:
        q = statistics.quantiles(values, n=4)
        spread = (q[2] - q[0]) / 2 * scale
    else:
        spread = (max(values) - min(values)) / 2 * scale
    return med, spread


def row(
    name: str,
    values: list[float],
    *,
    unit: str = "ms",
    scale: float = 1000.0,
    reference: str | None = None,
    reference_values: list[float] | None = None,
    id: str | None = None,
    **extra: Any,
) -> Row:
    med, spread = summarize(values, scale)
    r = Row(
        name=name,
        median=med,
        spread=spread,
        unit=unit,
        samples=len(values),
        extra=extra,
        id=id,
        minimum=min(values) * scale,
        maximum=max(values) * scale,
    )
    if reference is not None and reference_values:
        ref_med, _ = summarize(reference_values, scale)
        r.reference = reference
        r.reference_median = ref_med
        r.ratio = med / ref_med if ref_med else None
    return r


def compare(
    name: str,
    fn: Callable[[], object],
    reference: str,
    reference_fn: Callable[[], object],
    *,
    repeat: int = 15,
    number: int = 1,
    id: str | None = None,
    **extra: Any,
) -> Row:
    """Ours and the reference interleaved (one of each per round), so a change in the
    machine's load during the run weighs on both alike."""
    fn()
    reference_fn()  # warm-up of both
    ours: list[float] = []
    ref: list[float] = []
    for _ in range(repeat):
        ours += sample_once(fn, number)
        ref += sample_once(reference_fn, number)
    return row(name, ours, reference=reference, reference_values=ref, id=id, **extra)


def sample_once(fn: Callable[[], object], number: int = 1) -> list[float]:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return [(time.perf_counter() - t0) / number]
