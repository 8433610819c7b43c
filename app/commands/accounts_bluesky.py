"""`main.py accounts add-bluesky`: connect a Bluesky account with an app password.

    python main.py accounts add-bluesky --service URL --handle HANDLE --app-password PASSWORD
        --workspace NAME [--db URL]

Signs in at --service (default https://bsky.social; the account's own PDS is then read from
its DID document), stores the session in the vault and prints the account's line
(BLUESKY<TAB>HANDLE<TAB>ACTIVE). The app password itself is stored nowhere: the session's
refresh token keeps the account connected (90 days on the reference PDS, renewed on use).
The workspace is created (in --timezone, default UTC) when it does not exist yet.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.core.accounts import AccountInfo
from app.core.appcontext import AppContext
from app.core.workspaces import WorkspaceError

COMMAND = "add-bluesky"


class BlueskyCommandError(Exception):
    """One line for stderr."""


def configure(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="connect a Bluesky account with an app password (no developer app)"
    )
    p.add_argument(
        "--service",
        default="https://bsky.social",
        metavar="URL",
        help="where the account signs in (default https://bsky.social)",
    )
    p.add_argument("--handle", required=True, metavar="HANDLE", help="e.g. you.bsky.social")
    p.add_argument(
        "--app-password",
        required=True,
        metavar="PASSWORD",
        help="made in Bluesky: Settings → Privacy and security → App passwords",
    )
    p.add_argument("--workspace", required=True, metavar="NAME")
    p.add_argument(
        "--timezone", default="UTC", help="zone of the workspace if it has to be created"
    )
    return p


def _sign_in() -> Any:
    from app.platforms.bluesky.connect import SIGN_IN

    return SIGN_IN


def run(context: AppContext, args: argparse.Namespace, line: Callable[[AccountInfo], str]) -> None:
    from app.adapters.config import AdapterConfig
    from app.platforms.bluesky.connect import ConnectError

    try:
        account = _sign_in().connect(
            AdapterConfig.real(), args.service, args.handle, args.app_password
        )
    except ConnectError as exc:
        raise BlueskyCommandError(str(exc)) from None
    try:
        workspace = context.workspaces.by_name(args.workspace)
    except WorkspaceError:
        workspace = context.workspaces.create(args.workspace, args.timezone)
    account_id = context.accounts.save_connected(workspace.id, account)
    print(line(context.accounts.get(account_id)), flush=True)
