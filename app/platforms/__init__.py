"""The registry of networks: one descriptor per network, read by every layer.

    from app import platforms
    platforms.get("TWITTER").text.max_length      # 280
    [d.name for d in platforms.all_platforms()]    # TWITTER, INSTAGRAM, LINKEDIN, FACEBOOK

Each network lives in its own package (`app/platforms/twitter/` ...), which exports
`DESCRIPTOR`. This package imports neither Qt nor the UI (an import-linter contract).
"""

from __future__ import annotations

from app.platforms.descriptor import PlatformDescriptor

__all__ = ["PlatformDescriptor", "all_platforms", "get", "register", "unregister"]

_REGISTRY: dict[str, PlatformDescriptor] = {}


def register(descriptor: PlatformDescriptor) -> PlatformDescriptor:
    """Add a network; a name already registered is refused (two truths for one network)."""
    key = descriptor.name.upper()
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


def all_platforms() -> tuple[PlatformDescriptor, ...]:
    """Every registered network, in registration order (the four built-in ones first)."""
    return tuple(_REGISTRY.values())


def _register_builtins() -> None:
    from app.platforms import facebook, instagram, linkedin, twitter

    for package in (twitter, instagram, linkedin, facebook):
        register(package.DESCRIPTOR)


_register_builtins()
