"""Alembic environment: Herald passes its open connection in `config.attributes`.

All pending migrations run in ONE transaction, so a kill (SIGKILL, power loss) leaves the
schema at the old version or the new one, never between. Herald's upgrade opens that
transaction itself (`write_transaction`: BEGIN IMMEDIATE on SQLite) and Alembic joins it.
Run standalone (the `alembic` command), the same holds: `transactional_ddl` is forced on, as
SQLite does roll DDL back (Alembic's SQLite default assumes it does not, and would run each
statement on its own), and Herald's engine issues a real BEGIN on SQLite (pysqlite would
otherwise commit each DDL statement at once).
"""

from __future__ import annotations

from alembic import context

from app.core.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
        transaction_per_migration=False,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from app.core.db import create_db_engine

    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
