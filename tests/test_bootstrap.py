"""app/bootstrap.py is Herald's one composition root: every entry (the commands, the GUI, the
demo, the testers' plugin) gets its AppContext from it, it builds nothing before it is asked
for, and it chooses once where the adapters send requests (issue 17)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from app import bootstrap
from app.adapters.source import API_BASE, EmulatorAdapters, RealAdapters
from app.cli import main as cli_main
from app.core.ports import ConnectedAccount, Credentials
from app.core.vault import ENV_KEY, Vault
from app.platforms.names import Platform

ROOT = Path(__file__).resolve().parents[1]
EMULATOR = "http://127.0.0.1:8700"


@pytest.fixture
def opened(monkeypatch):
    """Every context bootstrap.open_context hands out during the test."""
    contexts: list = []
    real_open = bootstrap.open_context

    def spy(*args, **kwargs):
        contexts.append(real_open(*args, **kwargs))
        return contexts[-1]

    monkeypatch.setattr(bootstrap, "open_context", spy)
    return contexts


def _connect(context, platform: Platform, external_id: str, emulator: str | None = None) -> None:
    workspaces = context.workspaces.list()
    ws = workspaces[0] if workspaces else context.workspaces.create("Shop", "UTC")
    settings = {API_BASE: emulator} if emulator else {}
    account = ConnectedAccount(platform, external_id, f"@{external_id}", Credentials("t"), settings)
    context.accounts.save_connected(ws.id, account)


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv(ENV_KEY, Fernet.generate_key().decode())


# ------------------------------------------------------------------ laziness (issue 20)


def test_opening_builds_no_vault_adapters_or_engine_until_asked(tmp_path):
    script = f"""
import json, sys
from app import bootstrap
MODULES = ["keyring", "cryptography", "httpx", "app.adapters", "app.core.vault",
           "app.core.engine", "app.commands", "app.emulator", "PySide6"]
context = bootstrap.open_context("sqlite:///{tmp_path / "lazy.db"}")
context.workspaces.list()
before = sorted(m for m in MODULES if m in sys.modules)
adapters = type(context.adapters).__name__
after = sorted(m for m in MODULES if m in sys.modules)
context.close()
print(json.dumps([before, adapters, after]))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    before, adapters, after = json.loads(proc.stdout.splitlines()[-1])
    assert before == []
    assert adapters == "RealAdapters"
    assert "app.adapters" in after and "httpx" in after
    assert "app.core.engine" not in after and "app.commands" not in after


# ------------------------------------------------------------------ where requests go


def test_a_database_without_emulator_accounts_runs_against_the_real_platforms(db_url, keyed):
    context = bootstrap.open_context(db_url)
    try:
        _connect(context, Platform.TWITTER, "1")
        assert isinstance(context.adapters, RealAdapters)
        assert context.adapters is context.adapters  # decided once
    finally:
        context.close()


def test_a_database_of_emulator_accounts_runs_against_that_emulator(db_url, keyed):
    """`accounts add-emulator` data: the emulator's URL in each account's settings."""
    context = bootstrap.open_context(db_url)
    try:
        _connect(context, Platform.TWITTER, "1", EMULATOR + "/")
        _connect(context, Platform.LINKEDIN, "2", EMULATOR)
        source = context.adapters
        assert isinstance(source, EmulatorAdapters) and source.url == EMULATOR
    finally:
        context.close()


def test_a_mixed_database_runs_against_the_real_platforms_and_says_so(db_url, keyed, caplog):
    context = bootstrap.open_context(db_url)
    try:
        _connect(context, Platform.TWITTER, "1", EMULATOR)
        _connect(context, Platform.LINKEDIN, "2")
        with caplog.at_level(logging.WARNING, logger="app.bootstrap"):
            assert isinstance(context.adapters, RealAdapters)
        assert EMULATOR in caplog.text and "real platforms" in caplog.text
    finally:
        context.close()


def test_an_emulator_given_at_composition_takes_every_account(db, clock, keyed):
    context = bootstrap.compose(db, clock=clock, emulator_url=EMULATOR)
    _connect(context, Platform.TWITTER, "1")  # a real account: still the emulator
    source = context.adapters
    assert isinstance(source, EmulatorAdapters) and source.url == EMULATOR
    assert source.clock is clock


# ------------------------------------------------------------------ each entry uses it


def test_the_worker_publishes_with_the_roots_context(db_url, opened, monkeypatch):
    from app.commands import worker

    seen = {}

    class Engine:
        def __init__(self, db, clock, adapters, events, accounts, settings, db_clock=None):
            seen.update(db=db, clock=clock, adapters=adapters, events=events, accounts=accounts)
            self.owner = "test"

        def run_forever(self, stop, *, until_idle=False):
            return None

    monkeypatch.setattr(worker, "setup_logging", lambda: None)
    monkeypatch.setattr(worker, "PublishingEngine", Engine)
    assert cli_main(["worker", "--db", db_url, "--until-idle", "--quiet"]) == 0
    (context,) = opened
    assert seen["db"] is context.db and seen["clock"] is context.clock
    assert seen["adapters"] is context.__dict__["adapters"]
    assert seen["events"] is context.events and seen["accounts"] is context.accounts


@pytest.mark.parametrize(
    "argv",
    [
        ["accounts", "list"],
        ["audit"],
        ["members", "list"],
        ["recommend", "--workspace", "Nobody"],
        ["import", "posts.csv", "--workspace", "Nobody"],
    ],
    ids=lambda argv: argv[0],
)
def test_each_database_command_opens_herald_through_the_root(
    db_url, opened, tmp_path, monkeypatch, argv
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "posts.csv").write_text("when,text,platforms\n", "utf-8")
    cli_main([*argv, "--db", db_url])
    assert len(opened) == 1
    assert str(opened[0].db.url) == db_url


def test_the_gui_is_given_the_roots_opener(monkeypatch):
    import app.ui.launch

    given = {}

    def run_gui(args, open_context):
        given["open"] = open_context
        return 0

    monkeypatch.setattr(app.ui.launch, "run_gui", run_gui)
    assert cli_main(["--db", "sqlite://"]) == 0
    # The root's opener, imported when first called (the window is shown before it).
    root = sys.modules["app.bootstrap"]  # as the opener finds it (other tests may reload it)
    monkeypatch.setattr(root, "open_context", lambda *a, **k: ("root", a, k))
    assert given["open"]("sqlite://", demo_env=None) == ("root", ("sqlite://",), {"demo_env": None})


def test_the_gui_builds_its_window_on_one_context_from_the_root(tmp_path):
    script = f"""
import sys
from app import bootstrap
from app.cli import main
opened = []
real_open = bootstrap.open_context
def spy(*args, **kwargs):
    opened.append(real_open(*args, **kwargs))
    return opened[-1]
bootstrap.open_context = spy
code = main(["--self-check", "--db", "sqlite:///{tmp_path / "gui.db"}"])
print("contexts", len(opened), "code", code)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HERALD_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "offscreen",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "self-check ok" in proc.stdout
    assert "contexts 1 code 0" in proc.stdout


def test_the_demo_context_runs_on_the_demos_database_vault_and_emulator(tmp_path):
    key = Fernet.generate_key().decode()
    stopped = []
    env = SimpleNamespace(
        db_url=f"sqlite:///{tmp_path / 'demo.db'}",
        emulator=SimpleNamespace(base_url=EMULATOR),
        vault=lambda db: Vault(db, environ={ENV_KEY: key}),
        close=lambda: stopped.append(True),
    )
    context = bootstrap.open_context(None, demo_env=env)
    try:
        assert context.demo and context.emulator_url == EMULATOR
        assert str(context.db.url) == env.db_url
        context.vault.unlock()  # the demo's own key: no keychain, no passphrase
        assert isinstance(context.adapters, EmulatorAdapters)
        assert context.adapters.url == EMULATOR
    finally:
        context.close()
    assert stopped == [True]  # the demo's emulator stops with its context


def test_the_demo_seeds_its_history_through_a_context_from_the_root(tmp_path, monkeypatch):
    import threading

    from app.core.db import open_database
    from app.demo import SeedCancelled, seed_history
    from app.emulator import EmulatorServer

    composed = []
    real_compose = bootstrap.compose

    def spy(*args, **kwargs):
        composed.append(real_compose(*args, **kwargs))
        return composed[-1]

    monkeypatch.setattr(bootstrap, "compose", spy)
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path / "data"))
    cancelled = threading.Event()
    cancelled.set()  # stop at the first simulated day: the composition is what is tested
    srv = EmulatorServer(port=0, seed=7).start()
    url = srv.base_url
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        vault = Vault(db, environ={ENV_KEY: Fernet.generate_key().decode()})
        with pytest.raises(SeedCancelled):
            seed_history(
                db, url, days=1, set_emulator_clock=srv.set_clock, vault=vault, cancel=cancelled
            )
    finally:
        db.dispose()
        srv.stop()
    (context,) = composed
    assert context.emulator_url == url and context.vault is vault
    assert context.db is db and context.db_clock is context.clock  # the simulated days
    assert {a.platform for a in context.accounts.list()} == set(Platform)
    assert isinstance(context.__dict__["adapters"], EmulatorAdapters)


def test_the_testers_plugin_composes_its_context_with_the_root(herald_context, herald_emulator):
    source = herald_context.adapters
    assert isinstance(source, EmulatorAdapters)
    assert source.url == herald_emulator.base_url
    assert herald_context.clock is herald_context.db_clock  # advance() moves both
