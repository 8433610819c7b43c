"""CSV import names Bluesky accounts by handle (domain-style, with dots) and reads the
`text_bluesky` column (the columns come from the registry: app/commands/import_csv.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.commands.import_csv import ImportFailed, import_file
from app.core.db import Database, open_database
from app.core.models import Account, AccountStatus
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.commands.import_world import WORKSPACE, make_world, posts

HEADER = "scheduled_at,timezone,accounts,text,media,text_bluesky\n"


@pytest.fixture
def world(db_url: str, db: Database) -> Database:
    make_world(db_url)
    other = open_database(db_url)
    try:
        ws = WorkspaceService(other).by_name(WORKSPACE)
        with other.session() as s:
            s.add(
                Account(
                    workspace_id=ws.id,
                    platform=Platform.BLUESKY,
                    handle="corpus.bsky.social",
                    external_id="did:plc:corpus",
                    status=AccountStatus.ACTIVE,
                    settings={},
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
            s.commit()
    finally:
        other.dispose()
    return db


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "posts.csv"
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_bluesky_handles_and_their_own_text(world, db_url, tmp_path):
    path = _file(
        tmp_path,
        "2031-05-04 14:00,UTC,@corpus.bsky.social;corpus_x,Long text for X,,Short for Bluesky 🦋",
        "2031-05-05 14:00,UTC,bluesky:corpus.bsky.social,Only Bluesky,,",
    )
    assert import_file(world, path, WORKSPACE) == 2
    first, second = posts(db_url)
    with world.session() as s:
        platform_of = {a.id: Platform(a.platform) for a in s.query(Account)}
    texts = {platform_of[t.account_id]: t.content_override for t in first.targets}
    assert texts == {Platform.BLUESKY: "Short for Bluesky 🦋", Platform.TWITTER: None}
    assert [platform_of[t.account_id] for t in second.targets] == [Platform.BLUESKY]


def test_a_bluesky_text_over_300_graphemes_is_refused_with_the_line(world, db_url, tmp_path):
    path = _file(tmp_path, f"2031-05-04 14:00,UTC,corpus.bsky.social,ok,,{'é' * 301}")
    with pytest.raises(ImportFailed) as caught:
        import_file(world, path, WORKSPACE)
    [message] = caught.value.errors
    assert message.startswith(f"{path}:2:") and "Bluesky" in message and "300" in message
    assert posts(db_url) == []
