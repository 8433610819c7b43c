"""A worker killed with SIGKILL in the middle of publishing chains (issue 19), then
restarted: every part of every chain is out exactly once, in order, each replying to the
part before it. Parts the dead worker had sent without hearing back are looked up on the
platform (each network's find_reply: X's timeline, Bluesky's getRecord at the part's record
key, Threads' list of the user's replies) before anything is sent again."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from app.core import chains
from app.core.chain_models import TargetPart
from app.core.clock import SystemClock
from app.core.db import open_database
from app.core.models import Post
from tests.integration.helpers import (
    connect_emulator,
    published_counts,
    seed_posts,
    start_worker,
    target_statuses,
    unlimited,
    wait_all,
    wait_until,
    worker_logs,
)

CHAINS = 10
PARTS = 4


def _part_statuses(db) -> Counter[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return Counter(str(st) for st in s.scalars(select(TargetPart.status)))


#: network -> (the emulator's name for faults, where its posts keep the parent's id)
NETWORKS = {
    "TWITTER": ("twitter", "in_reply_to_tweet_id"),
    "BLUESKY": ("bluesky", "in_reply_to_id"),
    "THREADS": ("threads", "reply_to_id"),
}


@pytest.mark.slow
@pytest.mark.parametrize("platform", list(NETWORKS))
def test_sigkill_mid_chain_then_restart_sends_no_part_twice(
    platform, tmp_path, emulator, monkeypatch
):
    fault_name, parent_key = NETWORKS[platform]
    db_url = f"sqlite:///{tmp_path / 'herald.db'}"
    connect_emulator(db_url, emulator.base_url, monkeypatch)
    db = open_database(db_url)
    try:
        unlimited(db)
        now = SystemClock().now()
        seed_posts(db, CHAINS, now, None, prefix="chain", platforms=(platform,))
        # Part 1 of every chain goes out first, before the chains are set: the kill then
        # falls among the replies.
        first = start_worker(db_url, tmp_path, "--until-idle")
        assert wait_all([first], timeout=120) == [0], worker_logs(tmp_path)
        assert target_statuses(db) == {"PUBLISHED": CHAINS}
        with db.session() as s:
            posts = list(s.execute(select(Post.id, Post.base_text).order_by(Post.id)))
        for post_id, text in posts:
            rest = [f"{text} part {k}/{PARTS}" for k in range(2, PARTS + 1)]
            chains.set_chain(db, post_id, [text, *rest], None, now)
        # The network makes the next 8 replies 3 s late (and never answers): the worker that
        # sent them dies first, so they are doubtful when it restarts.
        emulator.add_fault(fault_name, "publish", "timeout", count=8, delay=3, process=1)
        worker = start_worker(db_url, tmp_path, "--lease-seconds", "2", "--batch", "8")
        assert wait_until(lambda: _part_statuses(db)["IN_FLIGHT"] >= 8, timeout=60)
        time.sleep(1.5)  # claimed: now sent, and hanging at the network for 3 s
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        assert len(emulator.published()) == CHAINS, "a reply was answered before the kill"
        time.sleep(3.5)  # the hanging replies are made on the platform
        assert len(emulator.published()) > CHAINS, "the kill came too early to test anything"
        restarted = start_worker(db_url, tmp_path, "--lease-seconds", "2", "--until-idle")
        assert wait_all([restarted], timeout=180) == [0], worker_logs(tmp_path)

        published = emulator.published()
        counts = published_counts(published)
        assert all(n == 1 for n in counts.values()), [k for k, n in counts.items() if n > 1]
        assert len(published) == CHAINS * PARTS
        assert target_statuses(db) == {"PUBLISHED": CHAINS}
        assert _part_statuses(db) == {"PUBLISHED": CHAINS * (PARTS - 1)}
        by_id = {p["external_id"]: p for p in published}
        for post_id, _ in posts:
            (ids,) = chains.chain_ids(db, post_id).values()
            assert None not in ids
            replied = [by_id[i]["extra"].get(parent_key) for i in ids]
            assert replied == [None, *ids[:-1]]  # in order, each to the part before
    finally:
        db.dispose()
