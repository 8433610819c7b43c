"""Issue 19's done-when for chains: one 4-part chain scheduled for an X, Mastodon, Bluesky and
Threads account publishes on the emulator every part, in order, exactly once, with each part's
platform id stored; on Bluesky each part carries root/parent strong refs, on Threads each is a
reply (`reply_to_id`) to the part before."""

from __future__ import annotations

from datetime import datetime

from app.core import chains
from app.core.enums import PostStatus, TargetStatus
from app.testing import advance

WHEN = datetime(2026, 1, 5, 10, 0)
PARTS = [
    "We baked 400 loaves this week. Here is how. 1/4",
    "First, the starter: fed twice a day at 24 °C. 2/4",
    "Then a long cold proof, 14 hours in the fridge. 3/4",
    "Come taste it Saturday at the market! 🥖 4/4",
]
NETWORKS = {"x": "TWITTER", "mastodon": "MASTODON", "bluesky": "BLUESKY", "threads": "THREADS"}
PARENT_KEY = {
    "TWITTER": "in_reply_to_tweet_id",
    "MASTODON": "in_reply_to_id",
    "BLUESKY": "in_reply_to_id",
    "THREADS": "reply_to_id",
}


def test_one_four_part_chain_publishes_on_x_mastodon_bluesky_and_threads(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    accounts = {net: herald_accounts[net] for net in NETWORKS}
    post_id = herald_context.posts.create(
        herald_workspace.id,
        PARTS[0],
        [a.id for a in accounts.values()],
        scheduled_local=WHEN,
        action="schedule",
    ).id
    assert chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now()) == 12

    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()

    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED
    parts = chains.parts_of(herald_context.db, post_id)
    assert len(parts) == 12 and all(p.status == TargetStatus.PUBLISHED for p in parts)
    ids_by_target = chains.chain_ids(herald_context.db, post_id)
    target_of = {p.platform.value: p.target_id for p in parts}
    published = herald_emulator.published()
    for platform in NETWORKS.values():
        made = [p for p in published if p["platform"] == platform]
        assert [p["text"] for p in made] == PARTS, platform  # each part once, in order
        ids = ids_by_target[target_of[platform]]
        assert [p["external_id"] for p in made] == ids, platform  # every id stored
        parents = [p["extra"].get(PARENT_KEY[platform]) for p in made]
        assert parents == [None, *ids[:3]], platform  # each part answers the one before


def test_bluesky_parts_carry_root_and_parent_strong_refs(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    bluesky = herald_accounts["bluesky"]
    post_id = herald_context.posts.create(
        herald_workspace.id, PARTS[0], [bluesky.id], scheduled_local=WHEN, action="schedule"
    ).id
    chains.set_chain(herald_context.db, post_id, PARTS[:3], None, herald_clock.now())
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()

    made = [p for p in herald_emulator.published() if p["platform"] == "BLUESKY"]
    records = [p["extra"]["record"] for p in made]
    refs = [{"uri": p["external_id"], "cid": p["extra"]["cid"]} for p in made]
    assert "reply" not in records[0]
    assert records[1]["reply"] == {"root": refs[0], "parent": refs[0]}
    assert records[2]["reply"] == {"root": refs[0], "parent": refs[1]}
