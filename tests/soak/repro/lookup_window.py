"""The look-up before a retry searches from the *retry's* due time minus 10 minutes
(app/core/engine/store.py load_work sets Work.due = next_attempt_at; runner._lookup and
reconcile.lookup use `due - LOOKUP_MARGIN`). With the 1/5/15-minute back-off the 4th attempt
(due at T+21 min) looks from T+11 min and cannot see a post the 1st attempt made at T whose
answer was lost: it sends the post again. Use the post's scheduled time (or the first
attempt's) as the floor.

Seen in the 10,000-post chaos run: 21 duplicates, every pair 16-22 minutes apart (retries
queue behind the backlog), and 14 targets FAILED whose post had gone out 20 minutes earlier.
Here: the 1st attempt's answer is lost after the post is made, the look-ups before the 2nd and
3rd attempts fail (503), the 4th looks in the wrong window.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.clock import FakeClock
from app.core.models import Target
from app.platforms.names import Platform
from tests.soak.common import make_picture, seed_posts
from tests.soak.repro._world import engine, world


def main() -> int:
    with world({Platform.LINKEDIN: 1}, timeout_delay_s=0.2) as w:
        clock = FakeClock(datetime.now(UTC))
        eng, adapters = engine(w.db, clock)
        try:
            seed_posts(w.db, 1, w.accounts, clock.now(), make_picture(w.folder / "p.jpg"), "w")
            w.emulator.add_fault("linkedin", "publish", "timeout", count=1, process=1, delay=0.2)
            w.emulator.add_fault("linkedin", "lookup", "503", count=2)
            for minutes in (0, 1, 5, 15):
                clock.advance(timedelta(minutes=minutes, seconds=1))
                print(f"+{minutes:2d} min:", dict(eng.run_once().outcomes))
            with w.db.session() as s:
                status = str(s.scalars(select(Target)).one().status)
            made = len(w.emulator.published())
            print(f"target: {status}; posts at the platform: {made}")
            return 1 if made > 1 else 0
        finally:
            eng.close()
            adapters.close()


if __name__ == "__main__":
    sys.exit(main())
