"""A chain on a network without chains (issue 19): that account's post carries the whole text,
unnumbered, when it fits; a whole text over the network's limit is refused with the rule in
words and nothing changes; a text the person tailored for that network is kept; removing the
chain gives the network the post's text again."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.core import chains
from app.core.chain_split import unnumbered, whole_text
from app.core.enums import PostStatus
from app.core.models import Target
from app.testing import advance

WHEN = datetime(2026, 1, 5, 10, 0)
PARTS = [
    "We baked 400 loaves this week. Here is how. 1/3",
    "First, the starter: fed twice a day at 24 °C. 2/3",
    "Come taste it Saturday at the market! 🥖 3/3",
]
WHOLE = (
    "We baked 400 loaves this week. Here is how. First, the starter: fed twice a day at "
    "24 °C. Come taste it Saturday at the market! 🥖"
)


def _overrides(db, post_id):
    with db.session() as s:
        return dict(
            s.execute(
                select(Target.account_id, Target.content_override).where(Target.post_id == post_id)
            ).all()
        )


def _post(ctx, ws, accounts, text=PARTS[0], overrides=None):
    return ctx.posts.create(
        ws.id,
        text,
        [a.id for a in accounts],
        scheduled_local=WHEN,
        action="schedule",
        overrides=overrides,
    ).id


def test_unnumbered_strips_only_the_chains_own_numbers():
    assert whole_text(PARTS) == WHOLE
    assert unnumbered(["Top 10/10 tips 1/2", "Rated 5/5 2/2"]) == ["Top 10/10 tips", "Rated 5/5"]
    assert unnumbered(["Score 3/4", "the end"]) == ["Score 3/4", "the end"]


def test_linkedin_gets_the_whole_text_unnumbered_in_one_post(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    x, li = herald_accounts["x"], herald_accounts["linkedin"]
    post_id = _post(herald_context, herald_workspace, [x, li])
    chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now())
    assert _overrides(herald_context.db, post_id) == {x.id: None, li.id: WHOLE}

    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()

    assert herald_context.posts.get(post_id).status == PostStatus.PUBLISHED
    made = herald_emulator.published()
    assert [p["text"] for p in made if p["platform"] == "LINKEDIN"] == [WHOLE]
    assert [p["text"] for p in made if p["platform"] == "TWITTER"] == PARTS


def test_a_whole_text_over_the_limit_is_refused_in_words_and_nothing_changes(
    herald_context, herald_workspace, herald_accounts, herald_clock
):
    x, li = herald_accounts["x"], herald_accounts["linkedin"]
    post_id = _post(herald_context, herald_workspace, [x, li])
    long_parts = [("Sourdough, slowly. " * 14).strip() + f" {k}/13" for k in range(1, 14)]
    whole = whole_text(long_parts)
    assert len(whole) > 3000
    with pytest.raises(chains.ChainError) as refused:
        chains.set_chain(herald_context.db, post_id, long_parts, None, herald_clock.now())
    assert str(refused.value) == (
        f"LinkedIn has no threads: the whole text is {len(whole):,} characters, the limit "
        "3,000. Shorten the thread, or leave LinkedIn out of this post."
    )
    assert chains.parts_of(herald_context.db, post_id) == []
    assert _overrides(herald_context.db, post_id) == {x.id: None, li.id: None}


def test_a_tailored_text_is_kept_and_removing_the_chain_undoes_the_whole_text(
    herald_context, herald_workspace, herald_accounts, herald_clock
):
    x, li, fb = herald_accounts["x"], herald_accounts["linkedin"], herald_accounts["facebook"]
    own = "Our LinkedIn readers get the long version at the market."
    post_id = _post(herald_context, herald_workspace, [x, li, fb], overrides={li.id: own})
    chains.set_chain(herald_context.db, post_id, PARTS, None, herald_clock.now())
    assert _overrides(herald_context.db, post_id) == {x.id: None, li.id: own, fb.id: WHOLE}

    edited = [*PARTS[:2], "See you Saturday! 3/3"]
    chains.set_chain(herald_context.db, post_id, edited, None, herald_clock.now())
    assert _overrides(herald_context.db, post_id)[fb.id] == whole_text(edited)

    chains.set_chain(herald_context.db, post_id, [PARTS[0]], None, herald_clock.now())
    assert _overrides(herald_context.db, post_id) == {x.id: None, li.id: own, fb.id: None}
