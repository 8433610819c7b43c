"""LinkedIn adapter against the emulator: OAuth, Posts API, statistics, refresh, faults."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.core.ports import AccountRef, AuthError, Credentials, DuplicatePostError
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    CountingClient,
    check_injected_fault,
    check_lost_publish_is_found,
    check_token_fault,
    connect_account,
    fault_id,
)


@pytest.fixture
def platform():
    return Platform.LINKEDIN


def test_connect_person(account, emu, clock):
    assert account.external_id == emu.users["linkedin"]["urn"]
    assert account.handle == emu.users["linkedin"]["name"]
    assert account.credentials.expires_at == clock.now() + timedelta(days=60)


def test_publish_and_metrics(adapter, account, emu, clock):
    result = adapter.publish(account, "Hiring (two roles) — apply @ our site", [], "li-1")
    assert result.external_id.startswith("urn:li:")
    post = {p["external_id"]: p for p in emu.published()}[result.external_id]
    assert post["idempotency_key"] == "li-1"
    assert "Hiring" in post["text"]
    clock.advance(timedelta(hours=24))
    metrics = adapter.fetch_metrics(account, [result.external_id])
    assert result.external_id in metrics


def test_org_statistics_in_batches(cfg, clock):
    org = connect_account(Platform.LINKEDIN, cfg, clock, index=1, linkedin_pages=True)
    assert org.external_id == "urn:li:organization:2414183"
    counter = CountingClient()
    try:
        adapter = LinkedInAdapter(cfg, clock, counter.client)
        ids = [adapter.publish(org, f"update {i}", [], f"k{i}").external_id for i in range(25)]
        clock.advance(timedelta(hours=24))
        metrics = adapter.fetch_metrics(org, ids)
        stats_calls = sum(n for (m, p), n in counter.calls.items() if "ShareStatistics" in p)
    finally:
        counter.close()
    assert stats_calls == 2  # 20 + 5
    assert set(metrics) == set(ids)
    assert sum(m.impressions for m in metrics.values()) > 0


def test_refresh_and_expiry(adapter, account, clock):
    clock.advance(timedelta(days=61))
    with pytest.raises(AuthError):
        adapter.publish(account, "expired", [], "k")
    fresh = adapter.refresh(account)
    assert fresh.expires_at == clock.now() + timedelta(days=60)
    # LinkedIn does not rotate its refresh token, and a refresh does not extend it.
    assert fresh.refresh_token == account.credentials.refresh_token
    assert adapter.publish(replace(account, credentials=fresh), "renewed", [], "k2").external_id


def test_lost_response_is_reconciled(adapter, account, emu, clock):
    check_lost_publish_is_found(adapter, account, emu, clock, "maybe (posted)")


# LinkedIn's duplicate answer names the post it already has.
LINKEDIN_FAULTS = [
    (*c[:3], DuplicatePostError, *c[4:]) if c[1] == "duplicate" else c
    for c in PUBLISH_FAULTS + READ_FAULTS
]


@pytest.mark.parametrize("case", LINKEDIN_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock):
    check_injected_fault(adapter, account, emu, clock, case)


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, case):
    check_token_fault(adapter, account, emu, case)


def test_no_refresh_token_means_reconnect(adapter):
    acc = AccountRef(Platform.LINKEDIN, "urn:li:person:x", "x", Credentials("t"))
    with pytest.raises(AuthError, match="reconnect"):
        adapter.refresh(acc)
