"""CSV import names Mastodon accounts by their full handle (@user@instance) and reads a
`text_mastodon` column; each account's own instance limit applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.commands.import_csv import PLATFORM_TEXT, ImportFailed, import_file
from app.core.accounts import AccountService
from app.core.db import Database
from app.core.ports import ConnectedAccount, Credentials
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.commands.import_world import posts

HEADER = "scheduled_at,timezone,accounts,text,media,text_mastodon\n"


@pytest.fixture
def cafe(db: Database, monkeypatch) -> Database:
    monkeypatch.setenv("HERALD_VAULT_KEY", "k" * 44)
    ws = WorkspaceService(db).create("Cafe", "UTC")
    accounts = AccountService(db, Vault(db, environ={}))
    for n, (host, limit) in enumerate((("big.example", 5000), ("small.example", 500))):
        accounts.save_connected(
            ws.id,
            ConnectedAccount(
                platform=Platform("MASTODON"),
                external_id=str(n + 1),
                handle=f"@cafe@{host}",
                credentials=Credentials("md-token-0001"),
                settings={"instance": f"https://{host}", "text_limits": {"max_length": limit}},
            ),
        )
    return db


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "posts.csv"
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_the_text_mastodon_column_exists():
    assert PLATFORM_TEXT[Platform("MASTODON")] == "text_mastodon"


def test_full_handles_and_the_mastodon_text(cafe, db_url, tmp_path):
    long = "Soup. " * 150  # 900 characters: the big instance allows it
    path = _file(tmp_path, f"2031-05-04 14:00,UTC,@cafe@big.example,short,,{long}")
    assert import_file(cafe, path, "Cafe") == 1
    [post] = posts(db_url)
    [target] = post.targets
    assert target.content_override == long


def test_the_smaller_instance_refuses_the_same_text(cafe, tmp_path):
    long = "Soup. " * 150
    path = _file(tmp_path, f"2031-05-04 14:00,UTC,mastodon:@cafe@small.example,short,,{long}")
    with pytest.raises(ImportFailed) as err:
        import_file(cafe, path, "Cafe")
    assert "500" in str(err.value) and "@cafe@small.example" in str(err.value)
