"""LinkedIn adapter against the emulator: OAuth, Posts API, statistics, refresh, faults."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.adapters.linkedin import LinkedInAdapter
from app.constants import Platform
from app.core.ports import AccountRef, AuthError, Credentials
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    CountingClient,
    connect_account,
    emulator_config,
    expect_fault,
    fault_id,
)


@pytest.fixture
def cfg(emu):
    return emulator_config(emu)


@pytest.fixture
def account(cfg, clock):
    return connect_account(Platform.LINKEDIN, cfg, clock)


@pytest.fixture
def adapter(cfg, clock):
    with LinkedInAdapter(cfg, clock) as a:
        yield a


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


def test_org_statistics_in_batches(cfg, clock, account):
    counter = CountingClient()
    try:
        adapter = LinkedInAdapter(cfg, clock, counter.client)
        ids = [adapter.publish(account, f"update {i}", [], f"k{i}").external_id for i in range(25)]
        clock.advance(timedelta(hours=24))
        # Statistics are asked for as the organization would (the emulator answers for any URN).
        org = replace(account, external_id="urn:li:organization:2414183")
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
    emu.add_fault("linkedin", "publish", "lost", count=1)
    since = clock.now()
    expect_fault(
        lambda: adapter.publish(account, "maybe (posted)", [], "k"), *PUBLISH_FAULTS[-1][3:]
    )
    assert adapter.find_existing(account, "k", "maybe (posted)", since) in {
        p["external_id"] for p in emu.published()
    }


@pytest.mark.parametrize("case", PUBLISH_FAULTS + READ_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock):
    endpoint, kind, params, expected, code = case
    existing = adapter.publish(account, "already there", [], "k0").external_id
    emu.add_fault("linkedin", endpoint, kind, count=1, **params)
    if endpoint == "publish":
        call = lambda: adapter.publish(account, "faulty", [], "k1")  # noqa: E731
    elif endpoint == "metrics":
        call = lambda: adapter.fetch_metrics(account, [existing])  # noqa: E731
    else:
        call = lambda: adapter.find_existing(account, "k", "x", clock.now())  # noqa: E731
    expect_fault(call, expected, code)


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, case):
    endpoint, kind, params, expected, code = case
    emu.add_fault("linkedin", endpoint, kind, count=1, **params)
    expect_fault(lambda: adapter.refresh(account), expected, code)


def test_no_refresh_token_means_reconnect(adapter):
    acc = AccountRef(Platform.LINKEDIN, "urn:li:person:x", "x", Credentials("t"))
    with pytest.raises(AuthError, match="reconnect"):
        adapter.refresh(acc)
