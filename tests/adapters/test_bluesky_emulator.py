"""Herald's Bluesky adapter over the emulator: the metrics a lone PDS cannot give (it has no
AppView), a lost createRecord answer recovered by the record key, a refresh after expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef, AuthError, TransientError
from app.platforms.bluesky.adapter import BlueskyAdapter
from app.platforms.bluesky.connect import EMULATOR_HANDLE, SIGN_IN
from app.platforms.names import Platform


@pytest.fixture
def cfg(emu) -> AdapterConfig:
    return AdapterConfig.for_emulator(emu.base_url, read_timeout=5.0)


def signed_in(cfg, clock) -> AccountRef:
    found = SIGN_IN.connect(cfg, None, EMULATOR_HANDLE, "app-password", clock=clock)
    return AccountRef(
        Platform.BLUESKY,
        found.external_id,
        found.handle,
        found.credentials,
        settings=found.settings,
    )


def test_metrics_from_the_appview_in_batches_of_25(emu, cfg, clock, monkeypatch):
    monkeypatch.setattr(BlueskyAdapter, "card_fetcher", staticmethod(lambda url: None))
    account = signed_in(cfg, clock)
    with BlueskyAdapter(cfg, clock) as adapter:
        uris = [adapter.publish(account, f"post {i}", [], f"k-{i}").external_id for i in range(27)]
        clock.advance(timedelta(hours=26))
        metrics = adapter.fetch_metrics(account, uris[:25])
        metrics.update(adapter.fetch_metrics(account, uris[25:]))
    assert set(metrics) == set(uris)
    assert sum(m.likes for m in metrics.values()) > 0
    assert all(m.impressions is None for m in metrics.values())  # Bluesky counts no views


def test_a_lost_answer_is_found_by_its_record_key_and_not_sent_twice(emu, cfg, clock):
    account = signed_in(cfg, clock)
    emu.emulator.add_faults("bluesky:publish:lost:next=1")
    with BlueskyAdapter(cfg, clock) as adapter:
        # the answer is lost; the adapter reads the record at its key and knows it is out
        first = adapter.publish(account, "once 🦋", [], "key-lost")
        found = adapter.find_existing(account, "key-lost", "once 🦋", clock.now())
        assert found == first.external_id
        again = adapter.publish(account, "once 🦋", [], "key-lost")  # a re-send anyway
        assert again.external_id == found
        emu.emulator.add_faults("bluesky:*:lost:next=2")  # and when the look-up fails too
        with pytest.raises(TransientError) as unknown:
            adapter.publish(account, "twice?", [], "key-lost-2")
        assert unknown.value.code == "outcome_unknown"  # the engine looks before re-sending
    mine = [p["external_id"] for p in emu.published() if p["platform"] == "BLUESKY"]
    assert mine.count(found) == 1 and len(mine) == len(set(mine)) == 2


def test_an_expired_session_is_refreshed(emu, cfg, clock):
    account = signed_in(cfg, clock)
    clock.advance(timedelta(hours=3))  # access tokens live 2 hours
    with BlueskyAdapter(cfg, clock) as adapter:
        with pytest.raises(AuthError) as expired:
            adapter.publish(account, "late", [], "key-late")
        assert expired.value.code == "ExpiredToken"
        fresh = adapter.refresh(account)
        renewed = AccountRef(
            Platform.BLUESKY, account.external_id, account.handle, fresh, settings=account.settings
        )
        assert adapter.publish(renewed, "late", [], "key-late").external_id
        with pytest.raises(AuthError):  # the old refresh token was single-use
            adapter.refresh(account)
