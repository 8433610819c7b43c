"""Build the adapters the engine calls, one per registered network, keyed by platform.

Each network's descriptor names its adapter class ("app.platforms.twitter.adapter:TwitterAdapter");
it is imported here, when adapters are built, so reading the registry never loads HTTP code.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import cast

import httpx

from app import platforms
from app.adapters.base import BaseAdapter
from app.adapters.config import AdapterConfig
from app.adapters.http import RateLimitCallback
from app.adapters.media_server import MediaHost
from app.core.clock import Clock
from app.core.container_ports import ContainerStore
from app.core.ports import PlatformAdapter
from app.platforms.descriptor import PlatformDescriptor
from app.platforms.names import Platform


def load_object(reference: str) -> object:
    """What a descriptor's "module:name" reference names, imported now."""
    module_name, _, name = reference.partition(":")
    if not module_name or not name:
        raise ValueError(f"a reference is 'module:name', not {reference!r}")
    return getattr(importlib.import_module(module_name), name)


def adapter_class(descriptor: PlatformDescriptor) -> type[BaseAdapter]:
    """The class a descriptor's `adapter` ("module:Class") names, imported now."""
    cls = load_object(descriptor.adapter)
    if not (isinstance(cls, type) and issubclass(cls, BaseAdapter)):
        raise TypeError(f"{descriptor.adapter} is not a BaseAdapter subclass")
    return cls


def build_adapters(
    config: AdapterConfig,
    clock: Clock,
    *,
    client: httpx.Client | None = None,
    on_rate_limit: RateLimitCallback | None = None,
    media_host: MediaHost | None = None,
    sleep: Callable[[float], None] = time.sleep,
    containers: ContainerStore | None = None,
) -> dict[Platform, PlatformAdapter]:
    """One adapter per registered network that names one. With `client` given they share
    it (and the caller closes it); otherwise each makes its own, closed by `close_adapters`.
    `media_host` gives a public URL for media to the adapters whose network fetches media
    by URL (their class's `media_by_url`)."""
    adapters: dict[Platform, PlatformAdapter] = {}
    for descriptor in platforms.all_platforms():
        if not descriptor.adapter:
            continue
        cls = adapter_class(descriptor)
        wants_host = cls.media_by_url == "always" or (
            cls.media_by_url == "emulator" and config.emulator
        )
        adapter = cls(
            config,
            clock,
            client,
            on_rate_limit,
            media_host=media_host if wants_host else None,
            sleep=sleep,
        )
        if containers is not None:  # durable media containers (app.core.containers)
            adapter.containers = containers
        # Each network's subclass implements the whole PlatformAdapter port; BaseAdapter
        # alone does not, so the checker needs to be told.
        adapters[Platform(descriptor.name)] = cast(PlatformAdapter, adapter)
    return adapters


def close_adapters(adapters: Mapping[Platform, object]) -> None:
    for adapter in adapters.values():
        close = getattr(adapter, "close", None)
        if callable(close):
            close()
