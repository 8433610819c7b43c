"""Herald's composition root: the one place that puts the application together.

Every entry uses it: `main.py`'s commands (app/commands/*), the GUI (app/cli.py hands
`open_context` to app/ui/launch.py), the demo (app/demo/*) and the testers' plugin
(app/testing.py). It builds the database, the clocks (this machine's, possibly skewed for
tests, and the database's), the vault, the event hub, the services and the engine's
AdapterSource, and chooses once, here, where the adapters send requests:

- an emulator URL given by the caller (the demo, the testers' plugin, `demo-seed`): every
  account goes to that emulator;
- otherwise the database's own accounts decide, once, when the adapters are first needed:
  accounts connected on an emulator (`accounts add-emulator`) keep its URL in their settings,
  and a database whose accounts are all on one emulator runs against it; any other
  database runs against the real platforms.

Nothing is built before it is asked for (issue 20, start-up cost): no vault or keyring, no
adapters, no engine. This module imports only what a context needs at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from app.core.appcontext import AppContext
from app.core.clock import Clock, OffsetClock, SystemClock
from app.core.db import Database, open_database
from app.core.events import EventHub

if TYPE_CHECKING:
    from app.core.accounts import AccountService
    from app.core.engine import AdapterSource
    from app.core.vault import Vault
    from app.demo import DemoEnvironment

log = logging.getLogger(__name__)

PassphrasePrompt = Callable[[bool], str | None]


def open_context(
    db_url: str | None = None,
    *,
    clock_offset: float = 0.0,
    passphrase_prompt: PassphrasePrompt | None = None,
    demo_env: DemoEnvironment | None = None,
    pool_size: int | None = None,
) -> AppContext:
    """Open the database at `db_url` (default: the user's) and compose Herald on it.
    `pool_size`: PostgreSQL connections at most (a worker's; see create_db_engine).

    `clock_offset` (seconds): run as if this machine's clock were that far ahead (a testing
    aid); the database's clock stays the machine's. `demo_env` (app.demo.prepare_demo):
    the demo's own database, vault key and emulator, stopped when the context closes.
    Raises app.core.db.DatabaseError (or SQLAlchemy's errors) when the database cannot be
    opened."""
    from app.core.dbclock import database_clock

    machine = SystemClock()
    clock: Clock = OffsetClock(machine, clock_offset) if clock_offset else machine
    db = open_database(demo_env.db_url if demo_env is not None else db_url, pool_size=pool_size)
    if demo_env is None:
        return compose(
            db,
            clock=clock,
            db_clock=database_clock(db, machine),
            passphrase_prompt=passphrase_prompt,
        )
    # The demo's vault key lives beside the demo database: no keychain or passphrase.
    context = compose(
        db,
        clock=clock,
        db_clock=database_clock(db, machine),
        emulator_url=demo_env.emulator.base_url,
        demo=True,
        vault=demo_env.vault(db),
    )
    context.on_close.append(demo_env.close)
    return context


def compose(
    db: Database,
    *,
    clock: Clock | None = None,
    db_clock: Clock | None = None,
    events: EventHub | None = None,
    emulator_url: str | None = None,
    demo: bool = False,
    vault: Vault | None = None,
    passphrase_prompt: PassphrasePrompt | None = None,
    adapter_sleep: Callable[[float], None] = time.sleep,
) -> AppContext:
    """Herald composed on an open database. `emulator_url`: send every account to that
    emulator (otherwise the database's accounts decide, see the module's text).
    `adapter_sleep`: how the adapters wait between polls (the demo's simulated days and the
    testers' fake clock do not wait in real time)."""
    context = AppContext(
        db=db,
        clock=clock if clock is not None else SystemClock(),
        demo=demo,
        emulator_url=emulator_url,
        events=events if events is not None else EventHub(),
        passphrase_prompt=passphrase_prompt,
        db_clock=db_clock,
        adapter_source=partial(adapter_source, sleep=adapter_sleep),
    )
    if vault is not None:
        context.vault = vault  # a cached_property: set here, it is never built
    return context


def adapter_source(
    context: AppContext, *, sleep: Callable[[float], None] = time.sleep
) -> AdapterSource:
    """The engine's AdapterSource for `context`: its emulator, or the real platforms."""
    from app.adapters.source import EmulatorAdapters, RealAdapters
    from app.core.containers import DbContainers

    # media containers outlive a crash between making and publishing them (issue 19)
    containers = DbContainers(context.db, context.clock)
    url = context.emulator_url or stored_destination(context.accounts)
    if url is not None:
        log.info("adapters: every account goes to the emulator at %s", url)
        return EmulatorAdapters(context.clock, url, sleep=sleep, containers=containers)
    return RealAdapters(context.clock, context.accounts, containers=containers)


def stored_destination(accounts: AccountService) -> str | None:
    """The emulator every account of the database was connected on, or None (real
    platforms): a database of accounts from `accounts add-emulator` keeps working as it
    always has. Reads no secrets."""
    from app.adapters.source import stored_emulator_url

    found = {stored_emulator_url(info.settings) for info in accounts.list()}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        emulators = sorted(url for url in found if url is not None)
        log.warning(
            "accounts of this database were connected on %s and elsewhere; this run sends "
            "every account to the real platforms (emulator accounts will need reconnecting)",
            ", ".join(emulators),
        )
    return None
