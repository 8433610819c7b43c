"""A target whose last attempt's outcome is unknown is marked FAILED although the post went
out: the user sees "failed" and a "Retry" that would publish it a second time.

Two ways, both in app/core/engine (runner.py _publish/_lookup, policy.after_transient):
1. the 4th attempt is sent, the platform makes the post, the answer is lost (timeout, reset):
   TransientError(outcome_unknown) on the last attempt -> FAILED, no lookup first;
2. an earlier attempt's answer was lost, and the lookup before the last retry fails (5xx):
   TransientError(lookup_failed) on the last attempt -> FAILED.
Either should end NEEDS_CONFIRMATION (or look once more), as a lease-expiry reconciliation
does. Seen in the chaos soak: 14-16 of 4,000 targets per run. This script shows way 1.
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
            seed_posts(w.db, 1, w.accounts, clock.now(), make_picture(w.folder / "p.jpg"), "x")
            # three 503s, then the platform makes the post and the answer never comes
            w.emulator.add_fault("linkedin", "publish", "503", count=3)
            w.emulator.add_fault("linkedin", "publish", "timeout", count=1, process=1, delay=0.2)
            for minutes in (0, 1, 5, 15):
                clock.advance(timedelta(minutes=minutes, seconds=1))
                print(f"+{minutes:2d} min:", dict(eng.run_once().outcomes))
            with w.db.session() as s:
                t = s.scalars(select(Target)).one()
                status, code = str(t.status), t.error_code
            made = len(w.emulator.published())
            print(f"target: {status} [{code}]; posts at the platform: {made}")
            return 1 if status == "FAILED" and made else 0
        finally:
            eng.close()
            adapters.close()


if __name__ == "__main__":
    sys.exit(main())
