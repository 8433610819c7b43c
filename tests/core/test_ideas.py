"""The ideas board and labels (issue 22): columns stored per workspace, cards are undated
drafts, a card dropped on a day is scheduled with the content rules applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.core.clock import FakeClock
from app.core.db import Database
from app.core.ideas import DEFAULT_COLUMNS, IdeaError, IdeasService
from app.core.models import Account, PostStatus, TargetStatus
from app.core.posts import PostService, SchedulingError
from app.core.queues import QueueService, parse_slots
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url) -> Iterator[Database]:
    yield from sqlite_or_postgres(request.param, db_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Bakery", "UTC").id


@pytest.fixture
def ideas(db, clock) -> IdeasService:
    return IdeasService(db, clock)


@pytest.fixture
def x(db, clock, ws) -> int:
    with db.session() as s:
        row = Account(
            workspace_id=ws, platform=Platform.TWITTER, handle="@bakery", external_id="x-1",
            credentials_encrypted=None, settings={}, created_at=clock.now(),
        )  # fmt: skip
        s.add(row)
        s.commit()
        return row.id


def names(board) -> list[tuple[str, list[str]]]:
    return [(c.name, [card.post.excerpt for card in cards]) for c, cards in board]


def test_default_columns_then_named_reordered_and_removed(ideas, ws):
    assert [c.name for c in ideas.columns(ws)] == list(DEFAULT_COLUMNS)
    assert [c.name for c in ideas.columns(ws)] == list(DEFAULT_COLUMNS)  # created once
    extra = ideas.add_column(ws, "  Later  ")
    ideas.rename_column(extra.id, "Someday")
    ideas.move_column(extra.id, 0)
    assert [c.name for c in ideas.columns(ws)] == ["Someday", *DEFAULT_COLUMNS]
    with pytest.raises(IdeaError, match="already a column named 'Ideas'"):
        ideas.add_column(ws, "ideas")
    with pytest.raises(IdeaError, match="Give the column a name"):
        ideas.rename_column(extra.id, "   ")
    ideas.add_card(ws, "Behind the ovens", extra.id)
    ideas.remove_column(extra.id)
    assert names(ideas.board(ws))[0] == ("Ideas", ["Behind the ovens"])


def test_cards_move_and_keep_their_order(ideas, ws, db, clock):
    first, doing, ready = ideas.columns(ws)
    a = ideas.add_card(ws, "a", first.id)
    b = ideas.add_card(ws, "b", first.id)
    c = ideas.add_card(ws, "c", first.id)
    loose = PostService(db, clock).create(ws, "from the composer", []).id  # not placed yet
    ideas.move_card(c, ready.id, 0)
    ideas.move_card(a, first.id, 1)
    assert names(ideas.board(ws)) == [
        ("Ideas", ["b", "a", "from the composer"]),
        ("In progress", []),
        ("Ready", ["c"]),
    ]
    ideas.move_card(loose, doing.id, 0)
    assert names(ideas.board(ws))[1] == ("In progress", ["from the composer"])
    with pytest.raises(IdeaError, match="Write the idea first"):
        ideas.add_card(ws, "  ", first.id)
    assert b


def test_a_card_dropped_on_a_day_is_scheduled_and_leaves_the_board(ideas, ws, x, db, clock):
    first = ideas.columns(ws)[0]
    card = ideas.add_card(ws, "Croissant Friday", first.id, [x])
    when = datetime(2026, 1, 9, 9, 0, tzinfo=UTC)
    detail = ideas.schedule(card, when)
    assert detail.scheduled_at == when and detail.status == PostStatus.SCHEDULED
    assert {t.status for t in detail.targets} == {TargetStatus.QUEUED}
    assert names(ideas.board(ws))[0] == ("Ideas", [])


def test_a_card_without_accounts_is_not_scheduled_and_says_why(ideas, ws):
    card = ideas.add_card(ws, "No accounts yet", ideas.columns(ws)[0].id)
    with pytest.raises(SchedulingError, match="Choose at least one account"):
        ideas.schedule(card, datetime(2026, 1, 9, 9, 0, tzinfo=UTC))
    assert names(ideas.board(ws))[0] == ("Ideas", ["No accounts yet"])


def test_a_card_into_the_queue_leaves_the_board(ideas, ws, x, db, clock):
    QueueService(db, clock).set_slots([x], parse_slots("Mon–Fri 17:00"))
    card = ideas.add_card(ws, "Queue me", ideas.columns(ws)[0].id, [x])
    placed = QueueService(db, clock).queue_post(card)
    assert placed.when == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    assert names(ideas.board(ws))[0] == ("Ideas", [])


def test_labels_on_cards_and_posts(ideas, ws, x, db, clock):
    red = ideas.add_label(ws, "Promo", "#DC2626")
    blue = ideas.add_label(ws, "Recipe", "#2563eb")
    with pytest.raises(IdeaError, match="#rrggbb"):
        ideas.add_label(ws, "Bad", "red")
    with pytest.raises(IdeaError, match="already a label"):
        ideas.add_label(ws, "Promo", "#000000")
    card = ideas.add_card(ws, "Half-price Monday", ideas.columns(ws)[0].id)
    ideas.set_labels(card, [red.id, blue.id])
    [(column, [shown]), *_] = ideas.board(ws)
    assert [label.name for label in shown.labels] == ["Promo", "Recipe"]
    assert shown.labels[0].colour == "#dc2626"
    other = WorkspaceService(db, clock).create("Other", "UTC").id
    foreign = ideas.add_label(other, "Promo", "#000000")
    with pytest.raises(IdeaError, match="another workspace"):
        ideas.set_labels(card, [foreign.id])
    assert [label.name for label in ideas.labels_of([card])[card]] == ["Promo", "Recipe"]
