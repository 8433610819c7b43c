"""On a full disk `import` shows SQLAlchemy's traceback ending "(sqlite3.OperationalError)
database or disk is full" instead of one line; when the disk fills inside a row's SAVEPOINT
(import_csv's per-row begin_nested), SQLite has already rolled the whole transaction back and
the traceback even ends "no such savepoint: sa_savepoint_N", disk full only in its context. Here the database is capped with SQLite's
`PRAGMA max_page_count` (no root needed); the disk suite (tests/soak/disk.py) does it with a
real 4 MB tmpfs and also shows the worker printing a traceback per log record
("--- Logging error --- ... OSError: [Errno 28] No space left on device") and never exiting.

Where the message belongs: app/core/db.py (a handle_error listener mapping SQLITE_FULL,
SQLITE_IOERR without free space and PostgreSQL 53100 to a DiskFullError(DatabaseError)),
app/commands/import_csv.py run / worker.run (print DatabaseError as one line),
app/core/engine/runner.py run_forever (wait for disk space like for the network),
app/core/logsetup.py (a handleError that reports a failing log file once).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="herald-repro-"))
    os.environ["HERALD_DATA_DIR"] = str(folder)
    from app.commands import import_csv
    from app.core import db as dbmod
    from app.core.models import Account, AccountStatus
    from app.core.workspaces import WorkspaceService
    from app.platforms.names import Platform

    url = f"sqlite:///{folder / 'herald.db'}"
    db = dbmod.open_database(url)
    ws = WorkspaceService(db).create("Repro", "UTC")
    with db.session() as s:
        s.add(
            Account(
                workspace_id=ws.id, platform=Platform.LINKEDIN, handle="li", external_id="1",
                status=AccountStatus.ACTIVE, settings={}, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.commit()
    pages = int(db.engine.connect().exec_driver_sql("PRAGMA page_count").scalar() or 0) + 20
    db.dispose()
    real = dbmod.create_db_engine

    def capped(u: str, **options):
        engine = real(u, **options)
        event.listen(engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages}"))
        return engine

    dbmod.create_db_engine = capped
    when = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    path = folder / "big.csv"
    rows = [f"{when},UTC,li,Post {i} " + "lorem ipsum " * 200 + "," for i in range(200)]
    path.write_text("scheduled_at,timezone,accounts,text,media\n" + "\n".join(rows) + "\n")
    try:
        code = import_csv.run(
            type("Args", (), {"file": str(path), "db": url, "workspace": "Repro"})
        )
    except Exception as exc:
        said = []
        cause: BaseException | None = exc
        while cause is not None:  # the whole chain: the disk-full error may be the context
            said += [line for line in str(cause).splitlines() if "sqlite3." in line]
            cause = cause.__cause__ or cause.__context__
        print(f"import: a traceback instead of one line: {type(exc).__name__}: {said}")
        return 1
    print(f"import: exit {code} (its stderr above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
