"""`main.py accounts add-mastodon`: connect a Mastodon account on any instance.

    python main.py accounts add-mastodon --instance URL --workspace NAME
                                         [--access-token TOKEN] [--db URL]

With `--access-token` (made in the instance's Preferences → Development, scopes
read:statuses write:statuses write:media) no browser is needed; without, Herald registers
itself on the instance and opens the browser for the sign-in, receiving the answer on its
loopback port. A registration made for an earlier account on the same instance is reused
(and made anew when the instance no longer knows it). The workspace is created (in
--timezone, default UTC) when it does not exist yet.
"""

from __future__ import annotations

import argparse
import webbrowser
from collections.abc import Callable
from typing import Any

from app.core.appcontext import AppContext
from app.core.ports import AppCredentials
from app.core.workspaces import WorkspaceError
from app.platforms.names import Platform

#: how the sign-in page is opened (tests replace it)
OPEN_BROWSER: Callable[[str], Any] = webbrowser.open
#: the loopback port of the sign-in (None: the descriptor's, 8771; tests use 0, any free one)
LISTEN_PORT: int | None = None


def configure(sub: Any) -> argparse.ArgumentParser:
    add = sub.add_parser(
        "add-mastodon", help="connect a Mastodon account on any instance (no developer app)"
    )
    add.add_argument("--instance", required=True, metavar="URL", help="e.g. mastodon.social")
    add.add_argument("--workspace", required=True, metavar="NAME")
    add.add_argument(
        "--access-token",
        metavar="TOKEN",
        help="a token from the instance's Preferences → Development (skips the browser)",
    )
    add.add_argument(
        "--timezone", default="UTC", help="zone of the workspace if it has to be created"
    )
    return add


def known_app(context: AppContext, instance: str) -> tuple[AppCredentials | None, str | None]:
    """Herald's registration on this instance (and the redirect it allows) from an account
    already connected there."""
    for info in context.accounts.list():
        if info.platform != Platform("MASTODON") or info.settings.get("instance") != instance:
            continue
        extra = context.accounts.credentials(info.id).extra
        if extra.get("client_id"):
            app = AppCredentials(str(extra["client_id"]), str(extra.get("client_secret") or ""))
            return app, str(extra.get("redirect_uri") or "") or None
    return None, None


def add_mastodon(context: AppContext, args: argparse.Namespace, fail: type[Exception]) -> int:
    """Connect the account and save it; returns its id. Errors are raised as `fail`."""
    import httpx

    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import OAuthError
    from app.platforms.mastodon.connect import connect_mastodon, connect_with_token
    from app.platforms.mastodon.wire import instance_url

    try:
        instance = instance_url(args.instance)
    except ValueError as exc:
        raise fail(str(exc)) from None
    try:
        workspace = context.workspaces.by_name(args.workspace)
    except WorkspaceError:
        workspace = context.workspaces.create(args.workspace, args.timezone)
    config = AdapterConfig.real()
    try:
        if args.access_token is not None:
            account = connect_with_token(instance, args.access_token, config)
        else:
            print(f"Opening the browser to sign in at {instance} ...", flush=True)
            app, redirect = known_app(context, instance)
            account = connect_mastodon(
                instance,
                config,
                known_app=app,
                known_redirect=redirect,
                open_browser=OPEN_BROWSER,
                port=LISTEN_PORT,
            )
    except OAuthError as exc:
        raise fail(str(exc)) from None
    except (OSError, httpx.HTTPError) as exc:
        raise fail(f"cannot reach {instance} ({type(exc).__name__})") from None
    return context.accounts.save_connected(workspace.id, account)
