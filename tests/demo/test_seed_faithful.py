"""The demo seed's output stays what it was (issue 20: the seed made faster must make the
same history): a short seed ending at a fixed instant writes the same posts, publishes them
at the same minutes, measures them at the same checkpoints and instants as the seed did
before it was sped up (`SHAPE`, recorded from that code), and every stored snapshot holds
exactly what the emulator reports for that post at that instant, read again through the
real adapter. (The emulator numbers posts from one counter across networks and the engine
publishes the networks side by side, so the ids, and the numbers drawn from them, vary
from run to run: they are checked against the emulator rather than against a recording.)"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from app.core.db import open_database
from app.core.models import Account, AnalyticsSnapshot, Post, Target

DAYS = 4
END = datetime(2026, 11, 20, 17, 3, tzinfo=UTC)  # the seed's "real now"
#: (posts, targets, snapshots, sha256 of their shape), from the seed before issue 20's work
#: real seconds a stop of the clocks may take while the emulator answers
SERVED_WITHIN_S = 120
SHAPE = (86, 86, 258, "85c2edd93729ef0b487636c243314d1f200d4e549e1787b5b8bb5439ecb01944")


class _Fixed(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return END if tz is not None else END.replace(tzinfo=None)


def _shape(db) -> tuple[int, int, int, str]:
    with db.session() as s:
        targets = s.execute(
            select(
                Account.platform,
                Post.base_text,
                Post.scheduled_at,
                Post.status,
                Target.status,
                Target.published_at,
                Target.attempts,
            )
            .join(Target, Target.account_id == Account.id)
            .join(Post, Post.id == Target.post_id)
            .where(Post.scheduled_at < END)
        ).all()
        snaps = s.execute(
            select(
                Account.platform,
                Post.base_text,
                AnalyticsSnapshot.checkpoint,
                AnalyticsSnapshot.fetched_at,
            )
            .join(Target, Target.id == AnalyticsSnapshot.target_id)
            .join(Account, Account.id == Target.account_id)
            .join(Post, Post.id == Target.post_id)
        ).all()
        posts = len({(r[1], r[2]) for r in targets})
    rows = sorted(repr(tuple(map(str, r))) for r in targets) + ["--"]
    rows += sorted(repr(tuple(map(str, r))) for r in snaps)
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return posts, len(targets), len(snaps), digest


def _numbers(srv, adapter, ref, at: datetime, expected: dict[str, tuple]) -> dict[str, tuple]:
    srv.set_clock(at.replace(tzinfo=UTC))
    got = adapter.fetch_metrics(ref, list(expected))
    return {ext: (m.likes, m.shares, m.comments, m.impressions) for ext, m in got.items()}


def _measured_as_reported(db, srv, vault) -> int:
    """Every snapshot against the emulator's answer for its post at its `fetched_at`."""
    from app import bootstrap

    with db.session() as s:
        rows = s.execute(
            select(
                Target.account_id,
                Target.external_id,
                AnalyticsSnapshot.fetched_at,
                AnalyticsSnapshot.likes,
                AnalyticsSnapshot.shares,
                AnalyticsSnapshot.comments,
                AnalyticsSnapshot.impressions,
            ).join(Target, Target.id == AnalyticsSnapshot.target_id)
        ).all()
    groups: dict[tuple[int, datetime], dict[str, tuple]] = defaultdict(dict)
    for account_id, ext, fetched_at, *numbers in rows:
        groups[(account_id, fetched_at)][ext] = tuple(numbers)
    context = bootstrap.compose(db, emulator_url=srv.base_url, demo=True, vault=vault)
    try:
        for (account_id, fetched_at), expected in sorted(groups.items()):
            info = context.accounts.get(account_id)
            adapter = context.adapters.adapter(info)
            ref = context.accounts.account_ref(account_id, context.adapters.app_credentials(info))
            # The emulator's clock runs on from where it was set (real seconds pass while a
            # stop is served): what it said lies between its answers at the instant and a
            # little after.
            low, high = (
                _numbers(srv, adapter, ref, fetched_at + timedelta(seconds=lag), expected)
                for lag in (0, SERVED_WITHIN_S)
            )
            for ext, numbers in expected.items():
                assert all(
                    a == b == c or a <= b <= c
                    for a, b, c in zip(low[ext], numbers, high[ext], strict=True)
                ), (info.platform, fetched_at, low[ext], numbers, high[ext])
    finally:
        context.close_adapters()
    return len(rows)


def test_a_short_seed_makes_the_same_history(tmp_path, monkeypatch):
    from app.core.vault import ENV_KEY, Vault
    from app.demo import seed
    from app.emulator import EmulatorServer

    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(seed, "datetime", _Fixed)
    monkeypatch.setattr(seed._Run, "upcoming", lambda _self, _now: (0, 0))
    srv = EmulatorServer(port=0, seed=7).start()
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        vault = Vault(db, environ={ENV_KEY: Fernet.generate_key().decode()})
        report = seed.seed_history(
            db, srv.base_url, days=DAYS, set_emulator_clock=srv.set_clock, vault=vault
        )
        shape = _shape(db)
        assert shape[2] == report.snapshots > 0
        print("shape:", shape)
        assert shape == SHAPE
        assert _measured_as_reported(db, srv, vault) == report.snapshots
    finally:
        db.dispose()
        srv.stop()


if __name__ == "__main__":
    pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"])
