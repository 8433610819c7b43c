"""Herald's pytest plugin for testers (registered as the `herald` pytest11 entry point).

Fixtures (all prefixed `herald_`; each cleans up after itself):

    herald_clock      FakeClock at 2026-01-05 09:00 UTC; moves only when told to
    herald_db         a fresh SQLite database in the test's tmp_path (data folder there too)
    herald_vault      the database's vault, keyed by a throw-away HERALD_VAULT_KEY
    herald_context    the AppContext the window and engine share (db, clock, events, vault),
                      composed by app.bootstrap with every account sent to herald_emulator
    herald_zone       the workspace's zone, "UTC"; override it to test another zone, e.g.
                      @pytest.mark.parametrize("herald_zone", ["Europe/London"])
    herald_workspace  workspace "Herald Test" in herald_zone (wall times in tests are its times)
    herald_emulator   EmulatorServer on 127.0.0.1:<free port> on herald_clock's time, with
                      add_fault / clear_faults / published / revoke_tokens / configure
    herald_accounts   one emulator account per platform in herald_workspace, connected through
                      the real OAuth flow: herald_accounts["x"], ["instagram"], ...
    herald_engine     PublishingEngine, real adapters to herald_emulator: run_once() /
                      run_until_idle(); started at set-up, so posts passed by an advance() go
                      out late, not MISSED
    herald_window     the MainWindow on all of the above, shown and registered with qtbot
    herald_queues     the QueueService (weekly slots, add to queue, pause...) on herald_context
    herald_approvals  the ApprovalService (submit, approve, request changes, comment) on
                      herald_context; who acts is the OS user on SQLite, see herald_act_as
    herald_act_as     act_as("Ann"): from now on this test acts as the person "Ann" (the OS
                      user name Herald reads on SQLite, where members are matched by name)

Helpers: `compose_post(qtbot, window, text, ...)` drives the composer by objectName and
clicks Schedule (or `action="queue"`: Add to queue, `"next"`: Share next); `advance(clock,
emulator, seconds)` moves Herald's and the emulator's clocks; `set_queue_slots(context,
accounts, "Mon–Fri 09:00, 17:00")` gives accounts weekly queue slots; `queue_times(context,
post_ids)` reads the posts' times back as wall times in the workspace's zone;
`add_members(context, workspace, {"Ann": "editor", "Bob": "approver"})` adds members.

Kept cheap to import (it is loaded in every pytest run): fixtures import Herald when used.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from app.core.accounts import AccountInfo
    from app.core.clock import FakeClock
    from app.core.workspaces import WorkspaceInfo
    from app.platforms.names import Platform

CLOCK_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
WORKSPACE = "Herald Test"
WORKSPACE_ZONE = "UTC"
BUTTONS = {
    "schedule": "scheduleButton",
    "draft": "saveDraftButton",
    "now": "publishNowButton",
    "queue": "addToQueueButton",
    "next": "shareNextButton",
}


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def herald_clock() -> FakeClock:
    from app.core.clock import FakeClock

    return FakeClock(CLOCK_START)


@pytest.fixture
def herald_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from app.core.db import open_database

    # Media copies, logs and backups go to the test's folder, never the user's.
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path / "herald-data"))
    db = open_database(f"sqlite:///{tmp_path / 'herald-test.db'}")
    yield db
    db.dispose()


@pytest.fixture
def herald_vault(herald_db: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import base64

    from app.core.vault import ENV_KEY, Vault

    # A key of its own: no keychain needed, and `main.py` commands run in-process (or in
    # child processes) see the same one.
    monkeypatch.setenv(ENV_KEY, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return Vault(herald_db)


@pytest.fixture
def herald_context(
    herald_db: Any, herald_clock: FakeClock, herald_vault: Any, herald_emulator: Any
) -> Iterator[Any]:
    from app import bootstrap

    # Composed like the app, on the test's clock (the database's clock too, so advance()
    # moves due times and leases alike on any database), with every account sent to
    # herald_emulator: a test never reaches a real platform.
    context = bootstrap.compose(
        herald_db,
        clock=herald_clock,
        db_clock=herald_clock,
        vault=herald_vault,
        emulator_url=herald_emulator.base_url,
    )
    yield context
    context.close_adapters()


@pytest.fixture
def herald_zone() -> str:
    return WORKSPACE_ZONE


@pytest.fixture
def herald_workspace(herald_context: Any, herald_zone: str) -> WorkspaceInfo:
    return herald_context.workspaces.create(WORKSPACE, herald_zone)


@pytest.fixture
def herald_emulator(herald_clock: FakeClock) -> Iterator[Any]:
    from app.emulator import EmulatorServer

    # Instagram containers and X video/GIF processing are ready at once: the adapters would
    # otherwise wait in real time for a clock that only moves when the test moves it.
    server = EmulatorServer(
        port=0, seed=0, now=herald_clock.now, container_polls=0, x_media_processing_s=0
    ).start()
    yield server
    server.stop()


@pytest.fixture
def herald_accounts(
    herald_context: Any, herald_workspace: WorkspaceInfo, herald_emulator: Any
) -> EmulatorAccounts:
    from app.demo.emulator import connect_emulator_accounts

    connected = connect_emulator_accounts(
        herald_context.accounts,
        herald_workspace.id,
        herald_emulator.base_url,
        clock=herald_context.clock,
    )
    return EmulatorAccounts(herald_workspace, tuple(connected))


@pytest.fixture
def herald_engine(herald_context: Any) -> Iterator[Any]:
    engine = herald_context.publishing_engine()
    # Herald is open from the test's first line: the engine's once-per-start check for posts
    # missed while it was closed runs now, on an empty database, not at the first run_once()
    # after an advance() past a post's time plus the grace period (that post would become
    # MISSED and never go out). To test the missed-posts path, advance first and then start a
    # PublishingEngine of your own, as a restart does.
    engine.start()
    yield engine
    engine.close()


@pytest.fixture
def herald_window(qtbot: Any, herald_context: Any, herald_workspace: WorkspaceInfo) -> Any:
    from app.ui.main_window import MainWindow

    window = MainWindow(herald_context)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def herald_queues(herald_context: Any) -> Any:
    from app.core.queues import QueueService

    ctx = herald_context
    return QueueService(ctx.db, ctx.clock, ctx.events)


@pytest.fixture
def herald_approvals(herald_context: Any) -> Any:
    from app.core.approvals import ApprovalService

    ctx = herald_context
    return ApprovalService(ctx.db, ctx.clock, ctx.events)


@pytest.fixture
def herald_act_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    def act_as(person: str) -> None:
        # getpass.getuser() reads these first: the audit log and the role checks then see
        # `person` as the OS user, exactly as they would for that person's own login.
        for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
            monkeypatch.setenv(var, person)

    return act_as


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class EmulatorAccounts:
    """The accounts `herald_accounts` connected: index by platform ("x", "twitter",
    "instagram", "linkedin", "facebook" or a Platform), iterate, or take `.ids`."""

    workspace: WorkspaceInfo
    accounts: tuple[AccountInfo, ...]

    def __getitem__(self, platform: str | Platform) -> AccountInfo:
        try:
            wanted = _platform(platform)
        except ValueError:
            raise KeyError(platform) from None
        for account in self.accounts:
            if account.platform == wanted:
                return account
        raise KeyError(platform)

    def __iter__(self) -> Iterator[AccountInfo]:
        return iter(self.accounts)

    def __len__(self) -> int:
        return len(self.accounts)

    @property
    def ids(self) -> list[int]:
        return [a.id for a in self.accounts]


def _platform(value: Any) -> Platform:
    from app.platforms.names import Platform

    # A name or a display name ("X", "LinkedIn"), as a tester would write it.
    return Platform.parse(str(getattr(value, "value", value)))


# ------------------------------------------------------------------ helpers


def advance(clock: FakeClock, emulator: Any = None, seconds: float | timedelta = 0) -> datetime:
    """Move Herald's clock by `seconds` and put the emulator's clock (an EmulatorServer or
    its URL) at the same instant; returns the new time. Nothing is published by this: run
    the engine (herald_engine.run_until_idle()) or let a scheduler thread wake up.

    Jumping past a post's time is safe: herald_engine counts as running all along, so a post
    that fell due during the jump goes out late when the engine runs, never MISSED."""
    delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
    now = clock.advance(delta)
    if isinstance(emulator, str):
        from app.demo.emulator import RemoteClock, loopback_url

        remote = RemoteClock(loopback_url(emulator))
        try:
            remote(now)
        finally:
            remote.close()
    elif emulator is not None:
        emulator.set_clock(now)
    return now


def set_queue_slots(context: Any, accounts: Iterable[Any], slots: str) -> None:
    """Give every account (ids, AccountInfo) the same weekly queue slots, written the way
    the slots editor shows them: "Mon–Fri 09:00, 17:00; Sat 10:00"."""
    from app.core.queues import QueueService, parse_slots

    ids = [int(getattr(a, "id", a)) for a in accounts]
    QueueService(context.db, context.clock, context.events).set_slots(ids, parse_slots(slots))


def add_members(context: Any, workspace: Any, roles: Mapping[str, str]) -> None:
    """Add each person with their role ("admin", "editor", "approver", "viewer") to the
    workspace (a WorkspaceInfo or its name)."""
    from app.core.members.service import MemberService, parse_role

    name = str(getattr(workspace, "name", workspace))
    members = MemberService(context.db, context.clock)
    for person, role in roles.items():
        members.add(name, person, parse_role(role))


def queue_times(context: Any, post_ids: Iterable[int]) -> list[datetime | None]:
    """Each post's time as a naive wall time in its workspace's zone (None: no time, e.g.
    held by a paused queue); deleted posts are left out."""
    from app.core.timeutil import from_utc

    out: list[datetime | None] = []
    for post_id in post_ids:
        post = context.posts.get(post_id)
        if post.deleted:
            continue
        zone = context.workspaces.get(post.workspace_id).timezone
        when = post.scheduled_at
        out.append(None if when is None else from_utc(when, zone).replace(tzinfo=None))
    return out


# The composer driver lives in its own module; testers import it from here.
from app.testing_composer import compose_post as compose_post  # noqa: E402
