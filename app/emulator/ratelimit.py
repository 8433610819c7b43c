"""Per-account rate-limit counters on the emulator clock (epoch seconds), JSON-serialisable.

Three shapes cover the four platforms:
- `fixed`: a window that opens at the first call and lasts `window_s` (X's 15-minute windows);
- `daily_utc`: a calendar day that resets at midnight UTC (LinkedIn);
- `moving`: a sliding log of the last `window_s` seconds (Instagram's 24 h publishing quota,
  Facebook's calls per hour).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any

DAY = 86400


@dataclass(frozen=True)
class Quota:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window frees up
    used: int


class RateLimiter:
    def __init__(self) -> None:
        self.windows: dict[str, list[float]] = {}  # key -> [window start, count]
        self.logs: dict[str, list[float]] = {}  # key -> sorted call times
        #: calls refused for a spent quota, per key's platform prefix ("x", "li", "ig", …):
        #: a client that keeps its own budgets exactly never causes one
        self.refused: dict[str, int] = {}

    def refuse(self, key: str) -> None:
        """Count one call refused for `key`'s spent quota (the limiter's own refusals are
        counted already; this is for a refusal decided on a peek, consume=False)."""
        prefix = key.split(":", 1)[0]
        self.refused[prefix] = self.refused.get(prefix, 0) + 1

    def _counted(self, key: str, quota: Quota, consume: bool) -> Quota:
        if consume and not quota.allowed:
            self.refuse(key)
        return quota

    def fixed(
        self, key: str, limit: int, window_s: float, now: float, *, consume: bool = True
    ) -> Quota:
        start, count = self.windows.get(key, (now, 0.0))
        if now >= start + window_s or now < start:
            start, count = now, 0.0
        allowed = count < limit
        if allowed and consume:
            count += 1
        self.windows[key] = [start, count]
        used = int(count)
        reset = math.ceil(start + window_s)
        return self._counted(key, Quota(allowed, limit, max(0, limit - used), reset, used), consume)

    def daily_utc(self, key: str, limit: int, now: float, *, consume: bool = True) -> Quota:
        day_start = now - (now % DAY)
        start, count = self.windows.get(key, (day_start, 0.0))
        if start != day_start:
            start, count = day_start, 0.0
        allowed = count < limit
        if allowed and consume:
            count += 1
        self.windows[key] = [start, count]
        used = int(count)
        quota = Quota(allowed, limit, max(0, limit - used), int(day_start + DAY), used)
        return self._counted(key, quota, consume)

    def moving(
        self, key: str, limit: int, window_s: float, now: float, *, consume: bool = True
    ) -> Quota:
        log = self.logs.setdefault(key, [])
        cut = bisect.bisect_right(log, now - window_s)
        if cut:
            del log[:cut]
        # calls "in the future" (the clock was moved back) still count until they age out
        allowed = len(log) < limit
        if allowed and consume:
            bisect.insort(log, now)
        used = len(log)
        reset = math.ceil(log[0] + window_s) if log else math.ceil(now)
        return self._counted(key, Quota(allowed, limit, max(0, limit - used), reset, used), consume)

    def clear(self) -> None:
        self.windows.clear()
        self.logs.clear()
        self.refused.clear()

    def to_dict(self) -> dict[str, Any]:
        return {"windows": self.windows, "logs": self.logs, "refused": self.refused}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RateLimiter:
        limiter = cls()
        limiter.windows = {k: list(v) for k, v in data.get("windows", {}).items()}
        limiter.logs = {k: sorted(v) for k, v in data.get("logs", {}).items()}
        limiter.refused = {str(k): int(v) for k, v in data.get("refused", {}).items()}
        return limiter
