"""`prepare_demo`: everything `main.py --demo` runs on, kept apart from the user's own data.

In `data_dir` (e.g. <user data>/demo):
- demo.db: the demo's database (never the user's);
- demo-emulator.json: the emulator's state (its posts, tokens and metrics), so the next run
  finds the same history;
- demo-vault.key: the vault key of the demo database. Demo mode needs no OS keychain: the
  only secrets it ever holds are tokens the local emulator issued, worthless anywhere else;
- demo.json: when the demo was seeded and which workspace it is.

A demo seeded less than a day ago is reused (a second `--demo` opens at once); an older one is
seeded again, so the calendar always shows the present. The emulator's port changes on every
run, so the accounts are pointed at the new one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.db import Database, open_database
from app.core.vault import ENV_KEY, Vault
from app.demo.emulator import DemoError, repoint_accounts
from app.demo.seed import DEFAULT_WORKSPACE, DEFAULT_ZONE, Progress, SeedReport, seed_history

if TYPE_CHECKING:
    from app.emulator import EmulatorServer

log = logging.getLogger(__name__)

DB_FILE = "demo.db"
STATE_FILE = "demo-emulator.json"
KEY_FILE = "demo-vault.key"
MARKER_FILE = "demo.json"
MARKER_VERSION = 1
#: a demo seeded longer ago than this is seeded again (its "upcoming" week has gone by)
REUSE_FOR = timedelta(hours=24)
#: the emulator's engagement model (peak hours) for the demo
EMULATOR_SEED = 7
DEMO_DAYS = 90
#: posts that fell due while the demo was closed go out on start instead of being "missed"
GRACE_MINUTES = 24 * 60


@dataclass
class DemoEnvironment:
    db_url: str
    emulator: EmulatorServer
    workspace_id: int
    vault_key: str = field(repr=False)
    #: the seeding report when this run seeded; None when a previous seeding was reused
    report: SeedReport | None = None

    def vault(self, db: Database) -> Vault:
        """The demo database's vault (a fixed key of its own, never the OS keychain)."""
        return Vault(db, environ={ENV_KEY: self.vault_key})

    def close(self) -> None:
        """Stop the emulator (its state is saved for the next run)."""
        self.emulator.stop()


def prepare_demo(
    data_dir: str | Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    days: int = DEMO_DAYS,
) -> DemoEnvironment:
    """Start the demo's emulator (in-process, 127.0.0.1, a free port) and make sure the demo
    database is seeded. The caller stops the emulator with `env.close()`."""
    from app.emulator import EmulatorServer

    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key = _vault_key(folder)
    db_url = f"sqlite:///{folder / DB_FILE}"
    marker = _reusable_marker(folder)
    if marker is None:
        _forget(folder)
    state_file = folder / STATE_FILE
    # While seeding, the emulator keeps its state in memory (saving it after each of
    # thousands of requests would be slow); it is written once at the end.
    emulator = EmulatorServer(
        port=0,
        seed=EMULATOR_SEED,
        state_file=state_file if marker is not None else None,
        audience_tz=DEFAULT_ZONE,
    ).start()
    try:
        db = open_database(db_url)
        try:
            env = DemoEnvironment(db_url, emulator, 0, key)
            vault = env.vault(db)
            if marker is not None:
                env.workspace_id = int(marker["workspace_id"])
                _reuse(db, vault, env)
                if progress is not None:
                    progress("Opening the demo", 1.0)
            else:
                env.report = seed_history(
                    db,
                    emulator.base_url,
                    workspace=DEFAULT_WORKSPACE,
                    timezone=DEFAULT_ZONE,
                    days=days,
                    set_emulator_clock=emulator.set_clock,
                    progress=progress,
                    cancel=cancel,
                    vault=vault,
                )
                env.workspace_id = env.report.workspace_id
                _set_grace(db)
                emulator.emulator.state_file = state_file
                emulator.emulator.persist()
                _write_marker(folder, env.workspace_id)
        finally:
            db.dispose()
    except BaseException:
        emulator.stop()
        raise
    return env


# ------------------------------------------------------------------ reuse


def _reuse(db: Database, vault: Vault, env: DemoEnvironment) -> None:
    from app.core.accounts import AccountService
    from app.core.workspaces import WorkspaceError, WorkspaceService

    try:
        WorkspaceService(db).get(env.workspace_id)
    except WorkspaceError:
        raise DemoError("the demo database lost its workspace; delete it to start over") from None
    moved = repoint_accounts(AccountService(db, vault), env.workspace_id, env.emulator.base_url)
    log.info("demo reused: %d accounts now use %s", moved, env.emulator.base_url)


def _reusable_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a complete, recent seeding whose files are all there, or None."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text("utf-8"))
        seeded = datetime.fromisoformat(marker["seeded_at"])
        int(marker["workspace_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if marker.get("version") != MARKER_VERSION:
        return None
    if not (folder / DB_FILE).is_file() or not (folder / STATE_FILE).is_file():
        return None
    age = datetime.now(UTC) - seeded
    if age < timedelta(0) or age > REUSE_FOR:
        return None
    return marker


def _write_marker(folder: Path, workspace_id: int) -> None:
    data = {
        "version": MARKER_VERSION,
        "seeded_at": datetime.now(UTC).isoformat(),
        "workspace_id": workspace_id,
    }
    tmp = folder / (MARKER_FILE + ".part")
    tmp.write_text(json.dumps(data), "utf-8")
    tmp.replace(folder / MARKER_FILE)


def _forget(folder: Path) -> None:
    """Remove a stale or incomplete demo (database, emulator state, marker)."""
    for name in (MARKER_FILE, DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", STATE_FILE):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()


def _set_grace(db: Database) -> None:
    from app.core.settings import GRACE_MINUTES as KEY
    from app.core.settings import SettingsService

    SettingsService(db).set(KEY, GRACE_MINUTES)


# ------------------------------------------------------------------ the demo's vault key


def _vault_key(folder: Path) -> str:
    """The demo database's Fernet key, made on first use (owner-only file)."""
    from cryptography.fernet import Fernet

    path = folder / KEY_FILE
    try:
        key = path.read_text("ascii").strip()
        Fernet(key.encode("ascii"))
        return key
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        # A damaged key cannot open the demo database's tokens: start the demo over.
        _forget(folder)
    key = Fernet.generate_key().decode("ascii")
    tmp = folder / (KEY_FILE + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key)
    tmp.replace(path)
    _forget(folder)  # a database without its key is of no use
    return key
