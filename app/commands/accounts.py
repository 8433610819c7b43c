"""`main.py accounts add-emulator|add-bluesky|list`: connect accounts, list them.

    python main.py accounts add-emulator --emulator URL [--db URL] --workspace NAME
    python main.py accounts add-bluesky --service URL --handle HANDLE --app-password PASSWORD
        --workspace NAME [--db URL]
    python main.py accounts add-mastodon --instance URL --workspace NAME [--access-token T]
    python main.py accounts list [--db URL] [--workspace NAME]

`add-bluesky` signs in with an app password (app/commands/accounts_bluesky.py); the session
goes to the vault, the password nowhere.

`add-emulator` runs the real OAuth flow (PKCE, state, loopback redirect) against a running
emulator, with no browser, and connects one account of each platform; the emulator's URL is
stored in each account's settings so the engine sends its posts there and nowhere else. The
workspace is created (in --timezone, default UTC) when it does not exist yet.
`list` prints one account per line: PLATFORM<TAB>HANDLE<TAB>STATUS.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands import accounts_bluesky, accounts_mastodon
from app.commands.worker import first_line
from app.core.accounts import AccountInfo
from app.core.appcontext import AppContext
from app.core.db import DatabaseError
from app.core.vault import VaultError, tty_passphrase_prompt
from app.core.workspaces import WorkspaceError
from app.platforms.names import Platform

PROG = "herald accounts"


class CommandError(Exception):
    """One line for stderr."""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add-emulator", help="connect one account of each platform on a running emulator"
    )
    add.add_argument("--emulator", required=True, metavar="URL", help="e.g. http://127.0.0.1:8700")
    add.add_argument("--workspace", required=True, metavar="NAME")
    add.add_argument(
        "--timezone", default="UTC", help="zone of the workspace if it has to be created"
    )
    mastodon = accounts_mastodon.configure(sub)
    lst = sub.add_parser("list", help="print PLATFORM<TAB>HANDLE<TAB>STATUS per account")
    lst.add_argument("--workspace", metavar="NAME", help="only this workspace's accounts")
    bsky = accounts_bluesky.configure(sub)
    for p in (add, mastodon, lst, bsky):
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")


def line(info: AccountInfo) -> str:
    return f"{info.platform.value}\t{info.handle}\t{info.status.value}"


def run(args: argparse.Namespace) -> int:
    try:
        context = bootstrap.open_context(
            getattr(args, "db", None), passphrase_prompt=tty_passphrase_prompt
        )
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        if args.accounts_command == "add-emulator":
            _add_emulator(context, args)
        elif args.accounts_command == accounts_bluesky.COMMAND:
            accounts_bluesky.run(context, args, line)
        elif args.accounts_command == "add-mastodon":
            account_id = accounts_mastodon.add_mastodon(context, args, CommandError)
            print(line(context.accounts.get(account_id)), flush=True)
        else:
            _list(context, args)
    except (CommandError, accounts_bluesky.BlueskyCommandError, WorkspaceError, VaultError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except DatabaseError as exc:  # a full disk...
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        context.close()
    return 0


def _list(context: AppContext, args: argparse.Namespace) -> None:
    workspace_id = None
    if args.workspace:
        workspace_id = context.workspaces.by_name(args.workspace).id
    # Listing needs no secrets: the vault is never unlocked here.
    for info in context.accounts.list(workspace_id):
        print(line(info))


def _add_emulator(context: AppContext, args: argparse.Namespace) -> None:
    import httpx

    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import OAuthError, connect, loopback_browser
    from app.adapters.source import API_BASE, EMULATOR_APP

    url = args.emulator.rstrip("/")
    if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        raise CommandError("--emulator must be the emulator's loopback URL (http://127.0.0.1:PORT)")
    workspaces = context.workspaces
    try:
        workspace = workspaces.by_name(args.workspace)
    except WorkspaceError:
        workspace = workspaces.create(args.workspace, args.timezone)
    service = context.accounts
    config = AdapterConfig.for_emulator(url)
    for platform in Platform:
        try:
            found = connect(
                platform,
                EMULATOR_APP,
                config,
                open_browser=loopback_browser,
                port=0,
                timeout=30,
            )
        except OAuthError as exc:
            raise CommandError(f"{platform.label}: {exc}") from None
        except (OSError, httpx.HTTPError) as exc:
            raise CommandError(f"cannot reach the emulator at {url} ({exc})") from None
        if not found:
            raise CommandError(f"{platform.label}: the emulator granted no account")
        account = found[0]
        account = replace(account, settings={**dict(account.settings), API_BASE: url})
        account_id = service.save_connected(workspace.id, account)
        print(line(service.get(account_id)), flush=True)
