"""SQLite backups (beside the file, in "backups") and the integrity check that names the last
good one when the file is damaged."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.core import filemodes, integrity
from app.core.db_engine import SQLITE_BUSY_TIMEOUT_S
from app.core.db_errors import DamagedDatabaseError

log = logging.getLogger("app.core.db")


def backup_dir_for(path: Path) -> Path:
    """Where the backups of the SQLite file `path` go (beside it, in "backups")."""
    return path.parent / "backups"


#: a ".part" backup older than this was cut short (a kill): removed at the next backup
STALE_PART_S = 3600


def backup_sqlite(path: Path, reason: str) -> Path | None:
    """Consistent copy of a SQLite file (online backup API, WAL-safe) into the backups folder.

    Written under a unique ".part" name and renamed when complete: a copy cut short (a kill,
    a full disk) is never taken for a good backup. Owner-only, like the database."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_dir = filemodes.private_dir(backup_dir_for(path))
    now = time.time()
    for stale in target_dir.glob(f"{path.stem}-*.part"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink()
    target = target_dir / f"{path.stem}-{stamp}-{reason}.db"
    fd, name = tempfile.mkstemp(prefix=f"{target.stem}-", suffix=".part", dir=target_dir)
    os.close(fd)  # mkstemp: 0600
    partial = Path(name)
    try:
        src = sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
            # The copy is a standalone file: no -wal beside it to lose in the rename.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info("database backed up to %s", target)
    return target


def check_integrity(path: Path) -> None:
    """Raise DamagedDatabaseError when the SQLite file at `path` is damaged (read-only)."""
    found = integrity.problem(path)
    if found is not None:
        backup = integrity.last_good_backup(path, backup_dir_for(path))
        raise DamagedDatabaseError(path, found.splitlines()[0], backup)
