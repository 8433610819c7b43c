"""Is an SQLite file damaged? `PRAGMA quick_check` through a read-only connection.

Run before Herald opens the file for real: the normal connection switches on WAL mode and
may checkpoint on close, both writes, and nothing may write to a damaged file. quick_check
reads every page and checks the b-trees (not the indexes' contents): a few seconds for a
large database, much less for a usual one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: SQLite's primary result codes that mean the bytes are not a sound database
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def _read_only(path: Path) -> sqlite3.Connection:
    # No -wal file: everything is in the main file, and `immutable` reads it without creating
    # the -wal and -shm files a WAL database otherwise gets even on a read-only open.
    has_wal = path.with_name(path.name + "-wal").exists()
    uri = path.resolve().as_uri() + ("?mode=ro" if has_wal else "?mode=ro&immutable=1")
    return sqlite3.connect(uri, uri=True, timeout=15)


def tables(path: Path) -> list[str]:
    """The tables of a sound SQLite file, read without writing anything."""
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:
        con = _read_only(path)
        try:
            rows = con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error:  # unreadable for another reason: opening it properly says why
        return []
    return sorted(str(name) for (name,) in rows)


def problem(path: Path) -> str | None:
    """What is wrong with the SQLite file at `path` (SQLite's first complaint), or None when
    it is sound, empty or missing. A file that cannot be read for another reason (busy,
    permissions) is not called damaged: opening it properly reports that."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        con = _read_only(path)
    except sqlite3.Error:
        return None
    try:
        rows = con.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(exc)
        return None
    finally:
        con.close()
    said = [str(row[0]) for row in rows] or ["no answer to the integrity check"]
    if said == ["ok"]:
        return None
    # quick_check prefixes its findings with "*** in database main ***": keep the findings.
    lines = [ln for text in said for ln in text.splitlines() if ln and not ln.startswith("***")]
    return "; ".join(lines) or said[0]


def last_good_backup(path: Path, folder: Path) -> Path | None:
    """The newest backup of `path` in `folder` (Herald names them STEM-STAMP-REASON.db) that
    passes the same check."""
    if not folder.is_dir():
        return None
    candidates = sorted(
        (p for p in folder.glob(f"{path.stem}-*.db") if p.is_file()),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )
    for candidate in candidates:
        if candidate.stat().st_size > 0 and problem(candidate) is None:
            return candidate
    return None
