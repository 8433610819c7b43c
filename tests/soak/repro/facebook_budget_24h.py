"""Facebook: when the first budget news Herald gets for a Page is a throttle, the Page is
allowed 1 post per 24 hours afterwards, and its other due posts are pushed back a full day.

app/core/engine/ratelimits.py apply_info() creates the missing budget row with
limit = info.limit or info.remaining or 1 (= 1: a throttle says remaining 0, no limit) and a
24 h window (no documented default for Facebook). When the throttle clears, reserve() starts a
new window with remaining = limit = 1, and claim._reserve_budgets() moves every other claimed
target to next_attempt_at = reset_at = now + 24 h.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import select

from app.core.clock import SystemClock
from app.core.models import RateLimitBudget, Target
from app.platforms.names import Platform
from tests.soak.common import make_picture, seed_posts
from tests.soak.repro._world import engine, world


def main() -> int:
    with world({Platform.FACEBOOK: 1}) as w:
        clock = SystemClock()
        eng, adapters = engine(w.db, clock)
        pic = make_picture(w.folder / "p.jpg")
        try:
            seed_posts(w.db, 1, w.accounts, clock.now(), pic, "first")
            w.emulator.add_fault("facebook", "publish", "429", count=1, reset_in=1)
            print("first post:", dict(eng.run_once().outcomes), "(Graph: regain access in 1 min)")
            seed_posts(w.db, 6, w.accounts, clock.now(), pic, "more")
            with w.db.session() as s:
                b = s.scalars(select(RateLimitBudget)).one()
                print(f"budget row after the throttle: limit={b.limit} window={b.window_s}s")
            print("waiting 62 s for the throttle to clear...")
            time.sleep(62)
            print("after the reset:", dict(eng.run_until_idle().outcomes))
            with w.db.session() as s:
                late = [
                    t for t in s.scalars(select(Target)) if t.status == "QUEUED"
                    and (t.next_attempt_at - clock.now()).total_seconds() > 3600
                ]  # fmt: skip
            for t in late:
                print(f"  target {t.id} QUEUED until {t.next_attempt_at:%Y-%m-%d %H:%M} UTC")
            return 1 if late else 0
        finally:
            eng.close()
            adapters.close()


if __name__ == "__main__":
    sys.exit(main())
