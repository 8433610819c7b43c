"""Issue 23: after `members remove` re-keys a workspace, the workers (the vault key) still
decrypt its accounts and publish; a worker process publishes a post to the emulator."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.cli import main
from app.core.db import open_database
from app.core.models import Account, Workspace
from app.core.posts import PostService
from app.core.workspace_keys import VAULT_HOLDER, WorkspaceKey
from tests.integration.helpers import (
    connect_emulator,
    start_worker,
    unlimited,
    wait_all,
    worker_logs,
)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_worker_publishes_after_a_member_is_removed(
    pg_url, tmp_path, emulator, monkeypatch, capsys
):
    connect_emulator(pg_url, emulator.base_url, monkeypatch)
    add = ["members", "add", "--workspace", "Demo", "--name", "Ann", "--role", "editor"]
    assert main([*add, "--db", pg_url]) == 0
    assert re.search(r"^Member key for Ann", capsys.readouterr().out, re.M)
    db = open_database(pg_url)
    try:
        unlimited(db)
        with db.session() as s:
            before = dict(s.execute(select(WorkspaceKey.holder, WorkspaceKey.wrapped)).all())
        assert len(before) == 2
        remove = ["members", "remove", "--workspace", "Demo", "--name", "Ann"]
        assert main([*remove, "--db", pg_url]) == 0
        with db.session() as s:
            after = dict(s.execute(select(WorkspaceKey.holder, WorkspaceKey.wrapped)).all())
            workspace = s.scalar(select(Workspace.id))
            x = s.scalar(select(Account.id).where(Account.platform == "TWITTER"))
        assert set(after) == {VAULT_HOLDER} and after[VAULT_HOLDER] != before[VAULT_HOLDER]
        assert workspace is not None and x is not None
        PostService(db).create(workspace, "after the re-key #herald", [x], action="now")
        worker = start_worker(pg_url, tmp_path, "--until-idle")
        assert wait_all([worker], timeout=60) == [0], worker_logs(tmp_path)
        texts = [p.get("text") for p in emulator.published()]
        assert texts == ["after the re-key #herald"], (texts, worker_logs(tmp_path))
    finally:
        db.dispose()
