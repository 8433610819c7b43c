import threading

from sqlalchemy import select, text

from app.core.models import Workspace
from app.core.workspaces import WorkspaceService


def test_read_then_write_survives_a_concurrent_commit(db, clock):
    """A deferred SQLite transaction that read first fails at once ("database is locked")
    when another connection commits before it writes; a write session waits its turn."""
    WorkspaceService(db, clock).create("A", "UTC")
    read_done = threading.Event()
    other_committed = threading.Event()
    errors: list[Exception] = []

    def other_writer() -> None:
        read_done.wait(5)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE workspaces SET timezone='Europe/Paris'"))
        other_committed.set()

    writer = threading.Thread(target=other_writer)
    writer.start()
    try:
        with db.write_session() as s:
            s.scalar(select(Workspace.id))
            read_done.set()
            # The other writer now waits for our lock instead of invalidating our snapshot.
            other_committed.wait(0.5)
            s.add(Workspace(name="B", timezone="UTC", created_at=clock.now()))
            s.commit()
    except Exception as exc:  # pragma: no cover - the failure this test guards against
        errors.append(exc)
    writer.join(10)
    assert errors == []
    assert other_committed.is_set()
    assert {w.name for w in WorkspaceService(db, clock).list()} == {"A", "B"}
