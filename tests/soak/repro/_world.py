"""A scratch data folder, an in-process emulator and a database with connected accounts."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.platforms.names import Platform
from tests.soak.common import VAULT_KEY


@dataclass
class World:
    folder: Path
    emulator: object
    db: object
    accounts: dict[Platform, list[int]]


@contextmanager
def world(accounts: Mapping[Platform, int], **emulator_options: object) -> Iterator[World]:
    folder = Path(tempfile.mkdtemp(prefix="herald-repro-"))
    os.environ["HERALD_DATA_DIR"] = str(folder)
    os.environ["HERALD_VAULT_KEY"] = VAULT_KEY
    from app.core.db import open_database
    from app.emulator import EmulatorServer
    from tests.soak.common import connect_accounts

    emulator = EmulatorServer(port=0, container_polls=0, **emulator_options).start()
    db = open_database(f"sqlite:///{folder / 'herald.db'}")
    try:
        ids = connect_accounts(db, emulator.base_url, "Repro", dict(accounts))
        yield World(folder, emulator, db, ids)
    finally:
        db.dispose()
        emulator.stop()


def engine(db: object, clock: object):
    from app import bootstrap

    # Composed like the worker: the database's accounts are on the emulator, so is the run.
    context = bootstrap.compose(db, clock=clock)
    return context.publishing_engine(), context.adapters
