"""Per-network tables that read the registry at each lookup, so a network registered after
start-up (a plugin, a test's fake one) is in them without anyone rebuilding a dict.

    READ_DEFAULTS = PerPlatform(lambda d: (d.rate_budgets.read.limit, d.rate_budgets.read.window_s))
    READ_DEFAULTS[Platform.TWITTER]  # (900, 900)

A network for which `read` returns None is not in the table (Facebook has no publish budget).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from app.platforms import registry
from app.platforms.descriptor import PlatformDescriptor
from app.platforms.names import Platform

V = TypeVar("V")


class PerPlatform(Mapping[Platform, V]):
    """A read-only Platform -> value table computed from each descriptor on demand."""

    def __init__(self, read: Callable[[PlatformDescriptor], V | None]) -> None:
        self._read = read

    def __getitem__(self, key: Platform | str) -> V:
        try:
            descriptor = registry.get(key)
        except KeyError:
            raise KeyError(key) from None
        value = self._read(descriptor)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[Platform]:
        return iter([p for p in Platform if self._read(registry.get(p)) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or not registry.is_registered(key):
            return False
        return self._read(registry.get(key)) is not None

    def __repr__(self) -> str:
        return f"PerPlatform({dict(self.items())!r})"
