"""The registry itself: the descriptors of the networks Herald knows, in registration order.

A module of its own so that `app.platforms.names` (the `Platform` type) can read it without
importing the built-in network packages first.
"""

from __future__ import annotations

from app.platforms.descriptor import PlatformDescriptor

_REGISTRY: dict[str, PlatformDescriptor] = {}


def register(descriptor: PlatformDescriptor) -> PlatformDescriptor:
    """Add a network; a name already registered is refused (two truths for one network)."""
    key = descriptor.name
    if not key or key != key.upper() or not key.isidentifier():
        # The name is the value in the database and the attribute `Platform.NAME`.
        raise ValueError(f"a platform name is an upper-case identifier, not {key!r}")
    if key in _REGISTRY:
        raise ValueError(f"platform {key} is already registered")
    _REGISTRY[key] = descriptor
    return descriptor


def unregister(name: str) -> None:
    """Remove a network (tests that register a fake one clean up with this)."""
    _REGISTRY.pop(str(name).upper(), None)


def get(name: str) -> PlatformDescriptor:
    """The descriptor of a network given as its Platform value ("TWITTER"); a Platform
    member works too (it is a str)."""
    try:
        return _REGISTRY[str(name).upper()]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise KeyError(f"unknown platform {name!r}; expected one of {known}") from None


def is_registered(name: str) -> bool:
    """Whether `name` is exactly a registered network's name (case matters: it is stored)."""
    return name in _REGISTRY


def all_platforms() -> tuple[PlatformDescriptor, ...]:
    """Every registered network, in registration order (the four built-in ones first)."""
    return tuple(_REGISTRY.values())
