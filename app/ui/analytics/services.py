"""What the analytics area is given when it is built (app/ui/views.py assembles it from the
AppContext; app/ui/wiring.py hands it the scheduler's metrics collector once that runs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.clock import Clock
from app.core.db import Database
from app.core.events import EventHub

#: builds a MetricsCollector (app.core.analytics.collector) for "Refresh metrics"
CollectorFactory = Callable[[], Any]


def _ignore(_text: str) -> None:
    pass


@dataclass
class AnalyticsServices:
    db: Database
    clock: Clock
    events: EventHub
    #: None until a collector can reach the networks (the scheduler is running)
    collector_factory: CollectorFactory | None = None
    #: one line for the person (the window's status bar)
    notify: Callable[[str], None] = _ignore
