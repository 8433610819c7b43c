from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cli import main as cli_main
from app.core.db import open_database
from app.core.models import Post, Target, TargetStatus
from tests.integration.helpers import ROOT, VAULT_KEY, connect_emulator, env


@pytest.fixture
def emulator():
    from app.emulator import EmulatorServer

    srv = EmulatorServer(port=0).start()
    yield srv
    srv.stop()


@pytest.fixture
def connected(db_url, emulator, monkeypatch, capsys):
    connect_emulator(db_url, emulator.base_url, monkeypatch)
    capsys.readouterr()
    return db_url


def test_accounts_add_emulator_and_list_print_platform_handle_status(
    db_url, emulator, monkeypatch, capsys
):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    args = ["accounts", "add-emulator", "--emulator", emulator.base_url, "--db", db_url]
    assert cli_main([*args, "--workspace", "Agency"]) == 0
    added = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in added] == [
        "TWITTER",
        "INSTAGRAM",
        "LINKEDIN",
        "FACEBOOK",
        "THREADS",
    ]
    assert all(line.count("\t") == 2 and line.endswith("\tACTIVE") for line in added)
    assert cli_main(["accounts", "list", "--db", db_url, "--workspace", "Agency"]) == 0
    assert sorted(capsys.readouterr().out.splitlines()) == sorted(added)
    # The emulator's URL is kept per account: its posts go there and nowhere else.
    db = open_database(db_url)
    try:
        from app.core.accounts import AccountService
        from app.core.vault import Vault

        infos = AccountService(db, Vault(db)).list()
        assert {i.settings["api_base"] for i in infos} == {emulator.base_url}
    finally:
        db.dispose()


def test_accounts_list_unknown_workspace_is_one_line_and_nonzero(db_url, capsys):
    assert cli_main(["accounts", "list", "--db", db_url, "--workspace", "Nope"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Nope" in err


def test_add_emulator_unreachable_is_one_line(db_url, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    code = cli_main(
        ["accounts", "add-emulator", "--emulator", "http://127.0.0.1:9", "--db", db_url]
        + ["--workspace", "W"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "herald accounts:" in err


def _csv(path, rows, extra_header=""):
    header = "scheduled_at,timezone,accounts,text,media" + extra_header
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _future(hours=48):
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_import_good_csv_schedules_every_row(connected, tmp_path, capsys):
    when = _future()
    path = _csv(
        tmp_path / "posts.csv",
        [
            f"{when},UTC,@herald_demo;Herald Demo,Hello world,,Short for X",
            f'{when},Europe/Berlin,Herald Demo Page,"Line one\nline two",,',
        ],
        ",text_twitter",
    )
    assert cli_main(["import", str(path), "--db", connected, "--workspace", "Demo"]) == 0
    assert "imported 2 posts" in capsys.readouterr().out
    db = open_database(connected)
    try:
        with db.session() as s:
            posts = s.scalars(select(Post).order_by(Post.id)).all()
            assert [p.base_text for p in posts] == ["Hello world", "Line one\nline two"]
            assert posts[1].scheduled_tz == "Europe/Berlin"
            targets = s.scalars(select(Target)).all()
            assert {TargetStatus(t.status) for t in targets} == {TargetStatus.QUEUED}
            assert sorted(t.content_override or "" for t in targets) == ["", "", "Short for X"]
    finally:
        db.dispose()


def test_import_with_one_bad_row_imports_nothing_and_names_the_rows(connected, tmp_path, capsys):
    when = _future()
    path = _csv(
        tmp_path / "posts.csv",
        [
            f"{when},UTC,@herald_demo,fine,",
            f"{when},UTC,@nobody,unknown account,",
            "2027-03-28T02:30,Europe/Berlin,@herald_demo,in the DST gap,",
            "tomorrow,UTC,@herald_demo,bad date,",
            f"{when},Mars/Olympus,@herald_demo,bad zone,",
            f"{when},UTC,@herald_demo,{'x' * 400},",
            f"{when},UTC,@herald_demo,missing picture,nope.jpg",
        ],
    )
    assert cli_main(["import", str(path), "--db", connected, "--workspace", "Demo"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{path}:3: unknown account '@nobody' in this workspace" in err
    assert any(line.startswith(f"{path}:4: ") and "does not exist" in line for line in err)
    assert any(line.startswith(f"{path}:5: ") and "not a date" in line for line in err)
    assert any(line.startswith(f"{path}:6: ") and "time zone" in line for line in err)
    assert any(line.startswith(f"{path}:7: ") for line in err)  # too long for X
    assert any(line.startswith(f"{path}:8: ") and "nope.jpg" in line for line in err)
    assert not any(line.startswith(f"{path}:2:") for line in err)
    assert "nothing was imported" in err[-1]
    db = open_database(connected)
    try:
        with db.session() as s:
            assert s.scalars(select(Post)).all() == []
    finally:
        db.dispose()


def test_import_unknown_workspace_and_missing_columns(connected, tmp_path, capsys):
    path = _csv(tmp_path / "p.csv", [f"{_future()},UTC,@herald_demo,hi,"])
    assert cli_main(["import", str(path), "--db", connected, "--workspace", "Nope"]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("when,text\nx,y\n")
    assert cli_main(["import", str(bad), "--db", connected, "--workspace", "Demo"]) == 1
    err = capsys.readouterr().err
    assert "Nope" in err and "missing column(s): scheduled_at" in err


def test_worker_until_idle_publishes_due_posts_and_exits_0(connected, emulator, tmp_path):
    db = open_database(connected)
    try:
        with db.session() as s:
            from app.core.models import Account

            now = datetime.now(UTC)
            accounts = s.scalars(select(Account).where(Account.platform != "INSTAGRAM")).all()
            post = Post(
                workspace_id=accounts[0].workspace_id,
                base_text="from the worker",
                scheduled_at=now,
                scheduled_tz="UTC",
                status="SCHEDULED",
                created_at=now,
                updated_at=now,
            )
            for a in accounts:
                post.targets.append(
                    Target(account_id=a.id, status="QUEUED", next_attempt_at=now, updated_at=now)
                )
            s.add(post)
            s.commit()
        proc = subprocess.run(
            [sys.executable, "main.py", "worker", "--db", connected, "--until-idle"],
            cwd=ROOT,
            env=env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.count("published\t") == 4  # not Instagram: no image
        assert VAULT_KEY not in proc.stdout + proc.stderr
        assert sorted(str(p["platform"]).upper() for p in emulator.published()) == [
            "FACEBOOK",
            "LINKEDIN",
            "THREADS",
            "TWITTER",
        ]
    finally:
        db.dispose()


def test_worker_sigterm_exits_cleanly(db_url, tmp_path):
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "main.py", "worker", "--db", db_url],
        cwd=ROOT,
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Herald worker" in proc.stdout.readline()
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_worker_bad_database_url_is_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "main.py", "worker", "--db", "nonsense://", "--until-idle"],
        cwd=ROOT,
        env=env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "herald worker:" in proc.stderr
