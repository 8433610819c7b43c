"""Route tables: each platform module registers its handlers with the real paths it serves."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.emulator.wire import Request, Response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

Handler = Callable[["Emulator", Request, "re.Match[str]"], Response]
FaultBuilder = Callable[["Emulator", Request, "Route", str, dict[str, Any]], Response]

# Graph paths may carry an API version (v25.0) or none at all.
GRAPH_VERSION = r"(?:/v\d+\.\d+)?"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str  # fault-injection name: publish, metrics, token, lookup...
    handler: Handler
    locked: bool = True  # run under the state lock (False: the handler locks itself)


@dataclass
class RouteTable:
    routes: list[Route] = field(default_factory=list)

    def add(
        self, method: str, pattern: str, endpoint: str, *, locked: bool = True
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            compiled = re.compile("^" + pattern + "/?$")
            self.routes.append(Route(method, compiled, endpoint, fn, locked))
            return fn

        return register

    def match(self, method: str, path: str) -> tuple[Route, re.Match[str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            m = route.pattern.match(path)
            if m:
                return route, m
        return None


@dataclass(frozen=True)
class PlatformAPI:
    key: str  # twitter | instagram | linkedin | facebook
    prefix: str  # first path segment: x | instagram | linkedin | facebook
    table: RouteTable
    fault_response: FaultBuilder
    not_found: Callable[[Request], Response]
