"""Reading the networks' rate-limit headers (X's x-rate-limit-*, Meta's usage percentages,
Retry-After) into RateLimitInfo; a header that cannot be read is ignored, never an error."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from app.adapters.values import as_dict, as_int, as_list
from app.core.ports import RateLimitInfo

log = logging.getLogger(__name__)

#: reads a network's rate-limit headers: (headers, scope, now) -> what they say, or None
RateLimitReader = Callable[[Mapping[str, str], str, datetime], "RateLimitInfo | None"]


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _epoch(value: int | None) -> datetime | None:
    if value is None or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    raw = headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return now + timedelta(seconds=int(raw))
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def x_rate_limit(headers: Mapping[str, str], scope: str) -> RateLimitInfo | None:
    """X: the endpoint's 15-minute window, or the 24-hour user/app cap when that one is spent."""
    windows: list[RateLimitInfo] = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        limit = _int_header(headers, f"{prefix}-limit")
        remaining = _int_header(headers, f"{prefix}-remaining")
        reset = _epoch(_int_header(headers, f"{prefix}-reset"))
        if limit is None and remaining is None and reset is None:
            continue
        windows.append(RateLimitInfo(limit, remaining, reset, scope))
    if not windows:
        return None
    spent = [w for w in windows if w.remaining is not None and w.remaining <= 0]
    if spent:
        far = datetime.max.replace(tzinfo=UTC)
        return max(spent, key=lambda w: w.reset_at or far)
    return windows[0]


def _usage_pct(value: Any) -> int | None:
    d = as_dict(value)
    numbers = [as_int(d.get(k)) for k in ("call_count", "total_cputime", "total_time") if k in d]
    return max(numbers) if numbers else None


def graph_rate_limit(headers: Mapping[str, str], scope: str, now: datetime) -> RateLimitInfo | None:
    """Meta: X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage are percentages used.

    Expressed as limit=100, remaining=100-used; the business-use-case header may say when
    access comes back (estimated_time_to_regain_access, minutes)."""
    worst: int | None = None
    regain: datetime | None = None
    for name in ("x-app-usage", "x-page-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if raw:
            try:
                pct = _usage_pct(json.loads(raw))
            except ValueError:
                pct = None
            if pct is not None:
                worst = pct if worst is None else max(worst, pct)
    raw = headers.get("x-business-use-case-usage")
    if raw:
        try:
            buc = json.loads(raw)
        except ValueError:
            buc = None
        for entries in as_dict(buc).values():
            for entry in as_list(entries):
                pct = _usage_pct(entry)
                if pct is not None:
                    worst = pct if worst is None else max(worst, pct)
                minutes = as_int(as_dict(entry).get("estimated_time_to_regain_access"))
                if minutes > 0:
                    when = now + timedelta(minutes=minutes)
                    regain = when if regain is None else max(regain, when)
    if worst is None and regain is None:
        return None
    remaining = None if worst is None else max(0, 100 - worst)
    return RateLimitInfo(100 if worst is not None else None, remaining, regain, scope)


def read_rate_limit(
    read: RateLimitReader | None, headers: Mapping[str, str], scope: str, now: datetime
) -> RateLimitInfo | None:
    """What a network's rate-limit headers say, through its adapter's reader (None: the
    network sends none, as LinkedIn)."""
    if read is None:
        return None
    try:
        return read(headers, scope, now)
    except Exception:  # a header we cannot read must never fail a publish
        log.debug("unreadable rate-limit headers", exc_info=True)
    return None
