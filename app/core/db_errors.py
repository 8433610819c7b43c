"""The database's problems explained for a person: every one is a DatabaseError."""

from __future__ import annotations

from pathlib import Path


class DatabaseError(RuntimeError):
    """A database problem explained for a person (newer schema, unreachable server...)."""


class NewerSchemaError(DatabaseError):
    pass


class UnversionedDatabaseError(DatabaseError):
    """The database has tables but no Herald schema version: not Herald's, or its version
    record is gone. Refused untouched: upgrading it would fail half-way or damage it."""


class DamagedDatabaseError(DatabaseError):
    """The SQLite file fails its integrity check. Herald does not open it (not even to read:
    a normal open writes), and names the last good backup."""

    def __init__(self, path: Path, problem: str, backup: Path | None) -> None:
        self.path = path
        self.backup = backup
        beside = f"{path.name}-wal and {path.name}-shm"
        if backup is not None:
            todo = (
                f"to restore the last good backup, close Herald (every window and worker), "
                f"move {path.name} and any {beside} out of {path.parent}, then copy {backup} "
                f"to {path}"
            )
        else:
            todo = (
                f"there is no good backup of it in {path.parent / 'backups'}; close Herald, "
                f"restore it from your own backups, or move it (and any {beside}) aside to "
                "start with an empty database"
            )
        super().__init__(
            f"The database {path} is damaged ({problem}); Herald has not changed it and will "
            f"not open it. {todo[0].upper()}{todo[1:]}."
        )


class DiskFullError(DatabaseError):
    """The disk (or the PostgreSQL server's disk) holding the database has no space left.

    Whatever the failed statement or transaction wrote was rolled back; what was committed
    before is intact."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(
            f"The disk holding Herald's database ({where}) is full; free some space and try "
            "again. Nothing was lost."
        )
