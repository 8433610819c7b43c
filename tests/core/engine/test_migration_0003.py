"""Targets that were mid-retry when Herald was upgraded keep being looked up before a re-send."""

from alembic import command
from sqlalchemy import text, update

from app.core.db import alembic_config, open_database
from app.core.models import Target
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect


def test_0003_marks_targets_that_were_mid_retry(db, clock, ws, accounts):
    a = connect(accounts, ws, Platform.LINKEDIN, clock)
    b = connect(accounts, ws, Platform.FACEBOOK, clock)
    _, (retrying, fresh) = add_post(db, ws, [a, b], clock.now())
    with db.session() as s:
        s.execute(update(Target).where(Target.id == retrying).values(attempts=2))
        s.commit()
    db.dispose()
    command.downgrade(alembic_config(db.url), "0002")
    command.upgrade(alembic_config(db.url), "head")
    again = open_database(db.url)
    try:
        with again.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, maybe_sent_since FROM targets")).all())
        assert rows[retrying] is not None and rows[fresh] is None
    finally:
        again.dispose()
