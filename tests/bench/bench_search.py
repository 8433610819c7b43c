"""`calendar.search`: search and filters over 10,000 posts (PostQuery.find, SQLite on disk).

- a month of the calendar narrowed by a search word (what typing in the search box costs);
- the list view's full read (every post) narrowed by a search word and a network.

The reference is one frame at 60 Hz: a ratio below 1 means the answer fits in a frame.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.platforms.names import Platform
from tests.bench.harness import Row, row, sample

BENCH_ID = "calendar.search"
FRAME_MS = 1000 / 60


def collect() -> list[Row]:
    from app.core.db import open_database
    from app.core.postquery import PostFilter, PostQuery
    from tests.bench.seed import seed_posts

    around = datetime(2026, 1, 15, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'search.db'}"
        ws = seed_posts(url, 10_000, around=around)
        db = open_database(url)
        try:
            query = PostQuery(db)
            month = PostFilter(text="post 12")
            start, end = around - timedelta(days=21), around + timedelta(days=21)
            assert query.find(ws, month, start, end) == [
                p for p in query.find(ws, None, start, end) if "post 12" in p.excerpt
            ]
            everything = PostFilter(text="post 123", platforms=frozenset({Platform.TWITTER}))
            unfiltered = lambda: query.find(ws, None, start, end)  # noqa: E731
            rows = []
            for name, fn in (
                ("search 10k posts: calendar month", lambda: query.find(ws, month, start, end)),
                ("search 10k posts: list view, text + network", lambda: query.find(ws, everything)),
                ("no search: calendar month (for comparison)", unfiltered),
            ):
                values = sample(fn, repeat=15)
                r = row(f"{BENCH_ID}: {name}", values, note="PostQuery.find on SQLite")
                r.reference, r.reference_median = "one frame (60 Hz)", FRAME_MS
                r.ratio = r.median / FRAME_MS
                rows.append(r)
            return rows
        finally:
            db.engine.dispose()
