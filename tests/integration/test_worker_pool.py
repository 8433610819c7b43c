"""A worker's PostgreSQL pool is sized to its concurrency (issue 24): `--concurrency` + 1
pooled connections at most, plus the one it LISTENs on, so 16 workers fit a default server
(max_connections = 100) with room for desktops; `--pool-size` and HERALD_DB_POOL_SIZE
override it."""

from __future__ import annotations

import argparse
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from app.cli import main as cli_main
from app.commands import worker
from app.core.clock import SystemClock
from app.core.db import open_database
from app.core.db_engine import POOL_SIZE_ENV, create_db_engine
from tests.integration.helpers import (
    connect_emulator,
    published_counts,
    seed_posts,
    start_worker,
    unlimited,
    wait_all,
    worker_logs,
)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    worker.configure(parser)
    return parser.parse_args(list(argv))


def test_the_pool_follows_the_concurrency_unless_told(monkeypatch):
    monkeypatch.delenv(POOL_SIZE_ENV, raising=False)
    assert worker.pool_size(_args()) == 9  # default --concurrency 8, + the claiming loop
    assert worker.pool_size(_args("--concurrency", "2")) == 3
    monkeypatch.setenv(POOL_SIZE_ENV, "4")
    assert worker.pool_size(_args("--concurrency", "2")) == 4
    assert worker.pool_size(_args("--concurrency", "2", "--pool-size", "6")) == 6


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        (["--pool-size", "0"], None, "--pool-size must be positive"),
        ([], "many", f"{POOL_SIZE_ENV} must be a positive whole number"),
    ],
)
def test_a_bad_pool_size_is_one_clear_message(db_url, monkeypatch, capsys, argv, env, needle):
    if env is None:
        monkeypatch.delenv(POOL_SIZE_ENV, raising=False)
    else:
        monkeypatch.setenv(POOL_SIZE_ENV, env)
    code = cli_main(["worker", "--db", db_url, "--until-idle", *argv])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_a_bad_environment_value_leaves_a_desktop_on_the_default_pool(monkeypatch, caplog):
    monkeypatch.setenv(POOL_SIZE_ENV, "-3")
    engine = create_db_engine("postgresql+psycopg://u:p@127.0.0.1:1/none")
    try:
        assert engine.pool.size() == 5  # type: ignore[attr-defined]
        assert POOL_SIZE_ENV in caplog.text
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_sized_pool_never_opens_more(pg_url):
    db = open_database(pg_url, pool_size=2)
    try:
        pool = db.engine.pool
        assert pool.size() == 2  # type: ignore[attr-defined]
        assert pool._max_overflow == 0  # type: ignore[attr-defined]
        held = [db.engine.connect() for _ in range(2)]
        got_third = threading.Event()

        def third() -> None:
            with db.engine.connect():
                got_third.set()

        t = threading.Thread(target=third)
        t.start()
        assert not got_third.wait(0.5), "a third connection was opened past the cap"
        held.pop().close()
        assert got_third.wait(5)
        t.join(5)
        for c in held:
            c.close()
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_draining_worker_holds_its_concurrency_plus_two_connections(
    pg_url, tmp_path, emulator, monkeypatch
):
    """One worker at --concurrency 2 publishes 3 networks × 40 posts; sampled all along, the
    server never sees more than 2 + 1 pooled + 1 LISTEN connections from it."""
    monkeypatch.delenv(POOL_SIZE_ENV, raising=False)
    name = f"herald-pool-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={name}"
    connect_emulator(url, emulator.base_url, monkeypatch)
    db = open_database(url)
    admin = create_engine(pg_url)
    peak = 0
    try:
        unlimited(db)
        seed_posts(db, 40, SystemClock().now(), None, platforms=("TWITTER", "LINKEDIN", "FACEBOOK"))
        db.dispose()  # only the worker's connections carry the name from here on
        proc = start_worker(url, tmp_path, "--until-idle", "--concurrency", "2", "--batch", "8")
        with admin.connect() as conn:
            while proc.poll() is None:
                n = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": name},
                ).scalar_one()
                peak = max(peak, int(n))
                conn.commit()
                threading.Event().wait(0.02)
        assert wait_all([proc], timeout=120) == [0], worker_logs(tmp_path)
        counts = published_counts(emulator.published())
        assert len(counts) == 120 and set(counts.values()) == {1}
        assert 2 <= peak <= 2 + 1 + 1, f"peak {peak} connections"
    finally:
        db.dispose()
        admin.dispose()
