"""The registry of networks: one descriptor per network, read by every layer.

    from app import platforms
    platforms.get("TWITTER").text.max_length      # 280
    [d.name for d in platforms.all_platforms()]    # TWITTER, INSTAGRAM, LINKEDIN, FACEBOOK
    platforms.Platform.TWITTER                     # a network's name (app.platforms.names)

Each network lives in its own package (`app/platforms/twitter/` ...), which exports
`DESCRIPTOR`. This package imports neither Qt nor the UI (an import-linter contract).
"""

from __future__ import annotations

from app.platforms.descriptor import PlatformDescriptor
from app.platforms.names import Platform
from app.platforms.registry import all_platforms, get, register, unregister

__all__ = ["Platform", "PlatformDescriptor", "all_platforms", "get", "register", "unregister"]


def _register_builtins() -> None:
    from app.platforms import bluesky, facebook, instagram, linkedin, mastodon, threads, twitter

    for package in (twitter, instagram, linkedin, facebook, bluesky, mastodon, threads):
        register(package.DESCRIPTOR)


_register_builtins()
