"""What the engine knows about the world outside a target: is the network up (and when does
one target probe it again), is the database's disk writable. Each says a change once."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from app.core import events as ev
from app.core.clock import Clock
from app.core.engine.results import NetworkState

log = logging.getLogger(__name__)


class Connectivity:
    """Online or offline. While offline, claiming sends one target at a time, every
    `network_retry`, to find out whether the network is back."""

    def __init__(self, events: ev.EventHub, db_clock: Clock, network_retry: timedelta) -> None:
        self._events = events
        self._db_clock = db_clock
        self._network_retry = network_retry
        self._lock = threading.Lock()
        self._online = True
        self._reason: str | None = None
        self._probe_at: datetime | None = None

    @property
    def state(self) -> NetworkState:
        return NetworkState(self._online, self._reason)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def probe_at(self) -> datetime | None:
        """While offline: when the next probe may be sent."""
        return self._probe_at

    def probing(self, now: datetime) -> None:
        """A probe was claimed: the next one waits."""
        with self._lock:
            self._probe_at = now + self._network_retry

    def offline(self, reason: str) -> None:
        with self._lock:
            was_online = self._online
            self._online = False
            self._reason = reason
            if self._probe_at is None or was_online:
                self._probe_at = self._db_clock.now() + self._network_retry
        if was_online:
            log.warning("network unavailable; publishing paused (%s)", reason)
            self._events.publish(ev.NETWORK_STATE, online=False, reason=reason)

    def online_again(self) -> None:
        with self._lock:
            was_offline = not self._online
            self._online = True
            self._reason = None
            self._probe_at = None
        if was_offline:
            log.info("network is back; publishing resumed")
            self._events.publish(ev.NETWORK_STATE, online=True, reason=None)


class Storage:
    """Whether the database's disk takes writes."""

    def __init__(self, events: ev.EventHub) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._ok = True

    def state(self, *, ok: bool, reason: str | None = None) -> None:
        """Say once when the disk fills up and once when it is writable again."""
        with self._lock:
            if ok == self._ok:
                return
            self._ok = ok
        if ok:
            log.info("the database can be written again; publishing resumed")
        else:
            log.warning("%s Publishing is paused until there is space.", reason)
        self._events.publish(ev.STORAGE_STATE, ok=ok, reason=reason)
