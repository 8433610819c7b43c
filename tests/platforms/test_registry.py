"""The registry of networks: complete descriptors, one source of truth, room for a fifth."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import platforms
from app.adapters.config import AdapterConfig
from app.commands import platforms as platforms_command
from app.core.analytics.budget import READ_DEFAULTS
from app.core.constraints import validate
from app.core.engine.ratelimits import DEFAULT_BUDGETS
from app.core.textrules.platform_rules import rules_for
from app.platforms.descriptor import (
    Analytics,
    Auth,
    PlatformDescriptor,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.platforms.names import PLATFORM_LABELS, Platform

REPO = Path(__file__).resolve().parents[2]


def _fake() -> PlatformDescriptor:
    return PlatformDescriptor(
        name="CONDOR",
        display_name="Condor",
        icon="fa6s.dove",
        colour="#1185fe",
        text=TextRules(max_length=300),
        auth=Auth(kind="oauth2", scopes=("atproto",)),
        rate_budgets=RateBudgets(publish=RateBudget(1666, 3600), read=RateBudget(3000, 300)),
        analytics=Analytics(fields=("likeCount",), not_reported=("impressions",)),
        priors="",
        setup_help="condor.example → Settings → App passwords.",
    )


@pytest.fixture
def fake_network() -> Iterator[PlatformDescriptor]:
    descriptor = platforms.register(_fake())
    try:
        yield descriptor
    finally:
        platforms.unregister(descriptor.name)


def test_the_four_networks_are_registered_in_order():
    assert [d.name for d in platforms.all_platforms()] == [p.value for p in Platform]


@pytest.mark.parametrize("platform", list(Platform))
def test_every_descriptor_is_complete(platform):
    d = platforms.get(platform)
    assert d.name == platform.value
    for f in dataclasses.fields(d):
        value = getattr(d, f.name)
        if isinstance(value, str):
            assert value.strip(), f"{platform}: {f.name} is empty"
    assert d.colour.startswith("#") and len(d.colour) == 7
    assert d.text.max_length > 0
    if d.auth.kind == "app-password":  # no OAuth: no scopes, no redirect, no developer app
        assert not d.auth.needs_developer_app
    else:
        assert d.auth.scopes and d.auth.redirect_port > 0
    assert d.rate_budgets.read.limit > 0 and d.rate_budgets.read.window_s > 0
    assert d.analytics.fields


def test_get_accepts_any_case_and_refuses_an_unknown_name():
    assert platforms.get("twitter") is platforms.get(Platform.TWITTER)
    with pytest.raises(KeyError, match="unknown platform 'MYSPACE'"):
        platforms.get("MYSPACE")


def test_registering_a_name_twice_is_refused_and_changes_nothing():
    before = platforms.all_platforms()
    with pytest.raises(ValueError, match="TWITTER is already registered"):
        platforms.register(dataclasses.replace(platforms.get("TWITTER"), display_name="Other"))
    assert platforms.all_platforms() == before
    assert platforms.get("TWITTER").display_name == "X"


@pytest.mark.parametrize("platform", list(Platform))
def test_text_rules_are_the_descriptors(platform):
    d, rules = platforms.get(platform), rules_for(platform)
    assert rules.name == d.display_name == PLATFORM_LABELS[platform]
    assert rules.max_length == d.text.max_length
    assert rules.length_counting == d.text.counting
    assert (rules.max_hashtags, rules.max_mentions) == (d.text.max_hashtags, d.text.max_mentions)
    assert rules.links_clickable == d.text.links_clickable
    assert rules.media == d.media


@pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.LINKEDIN, Platform.FACEBOOK])
def test_the_constraint_checker_enforces_the_descriptors_limit(platform):
    limit = platforms.get(platform).text.max_length
    assert not [v for v in validate(platform, "a" * limit) if v.code == "too_long"]
    assert [v for v in validate(platform, "a" * (limit + 1)) if v.code == "too_long"]


def test_the_constraint_checker_counts_x_weighted():
    # 140 CJK characters weigh 280 on X: at the limit; one more is over it.
    assert platforms.get("TWITTER").text.counting == "x_weighted"
    assert not [v for v in validate(Platform.TWITTER, "字" * 140) if v.code == "too_long"]
    assert [v for v in validate(Platform.TWITTER, "字" * 141) if v.code == "too_long"]


@pytest.mark.parametrize("platform", list(Platform))
def test_budgets_agree_with_the_engine_and_analytics(platform):
    d = platforms.get(platform)
    assert READ_DEFAULTS[platform] == (d.rate_budgets.read.limit, d.rate_budgets.read.window_s)
    publish = d.rate_budgets.publish
    engine = DEFAULT_BUDGETS.get(platform)
    if publish is None:
        assert engine is None
    else:
        assert engine is not None
        assert (engine.limit, engine.window_s, engine.utc_day) == (
            publish.limit,
            publish.window_s,
            publish.utc_day,
        )


def test_adapter_config_asks_for_the_descriptors_scopes_and_ports():
    cfg = AdapterConfig.real()
    assert cfg.x_scopes == platforms.get("TWITTER").auth.scopes
    assert cfg.instagram_scopes == platforms.get("INSTAGRAM").auth.scopes
    assert cfg.linkedin_scopes == platforms.get("LINKEDIN").auth.scopes
    assert cfg.linkedin_page_scopes == platforms.get("LINKEDIN").auth.extra_scopes
    assert cfg.facebook_scopes == platforms.get("FACEBOOK").auth.scopes
    for platform in Platform:
        assert cfg.redirect_port(platform) == platforms.get(platform).auth.redirect_port


@pytest.mark.parametrize("platform", list(Platform))
def test_priors_location_points_at_the_shipped_profile(platform):
    path, _, key = platforms.get(platform).priors.partition("#")
    data = json.loads((REPO / path).read_text(encoding="utf-8"))
    section, _, name = key.partition(".")
    assert name == platform.value
    assert len(data[section][name]["week"]) == 7


def test_theme_and_setup_help_agree_with_the_descriptors():
    pytest.importorskip("PySide6")
    from app.ui import developer_apps, theme

    for platform in Platform:
        d = platforms.get(platform)
        assert theme.PLATFORM_ICONS[platform.value] == (d.icon, d.colour)
        assert developer_apps.PORTAL_HINTS[platform] == d.setup_help
        listed = d in developer_apps.networks()  # only networks that need a developer app
        assert (platform in developer_apps.SECRET_OPTIONAL) == (d.auth.secret_optional and listed)


def test_a_fake_fifth_network_appears_in_the_registry_and_the_listing(fake_network):
    assert platforms.all_platforms()[-1] is fake_network
    assert platforms.get("condor") is fake_network
    assert platforms_command.lines()[-1] == "CONDOR\tCondor\t300\toauth2"


def test_unregistering_the_fake_network_removes_it(fake_network):
    platforms.unregister(fake_network.name)
    assert "CONDOR" not in [d.name for d in platforms.all_platforms()]
    platforms.register(fake_network)  # the fixture removes it again
