"""ConnectService: how one sign-in runs (developer app, endpoints, options), decided in app/core
from the descriptor and the stored developer app, with the sign-in itself lent by the adapters."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.accounts import AccountService
from app.core.appcontext import AppContext
from app.core.connecting import (
    DEMO_APP,
    ConnectService,
    NeedsDeveloperApp,
    SignInKit,
)
from app.core.ports import AppCredentials


class FakeConfig:
    def __init__(self, base: str) -> None:
        self.base = base


def _sign_in(platform: Any, app: AppCredentials, config: Any, /, **options: Any) -> list:
    return []


def _browser(url: str) -> bool:
    return True


KIT = SignInKit(
    sign_in=_sign_in,
    real_config=lambda: FakeConfig("real"),
    emulator_config=FakeConfig,
    loopback_browser=_browser,
)


@pytest.fixture
def accounts(db, clock) -> AccountService:
    return AppContext(db=db, clock=clock).accounts


def test_a_real_network_without_a_developer_app_asks_for_one(accounts, clock):
    service = ConnectService(accounts, clock, KIT)
    with pytest.raises(NeedsDeveloperApp):
        service.plan("TWITTER")


def test_a_real_network_signs_in_with_the_stored_app_and_the_system_browser(accounts, clock):
    accounts.set_app_credentials("TWITTER", AppCredentials("my-id", "my-secret"))
    opened: list[str] = []
    plan = ConnectService(accounts, clock, KIT).plan(
        "TWITTER", login_hint="bakery", open_browser=opened.append
    )
    assert plan.app == AppCredentials("my-id", "my-secret")
    assert plan.config.base == "real" and plan.sign_in is _sign_in and not plan.demo
    assert plan.options == {"login_hint": "bakery", "clock": clock, "open_browser": opened.append}


def test_the_second_way_to_connect_sets_the_descriptors_flag(accounts, clock):
    accounts.set_app_credentials("LINKEDIN", AppCredentials("li-id", "li-secret"))
    service = ConnectService(accounts, clock, KIT)
    assert service.plan("LINKEDIN", with_option=True).options["linkedin_pages"] is True
    assert "linkedin_pages" not in service.plan("LINKEDIN").options
    # A network without a second way ignores the request.
    accounts.set_app_credentials("TWITTER", AppCredentials("x-id"))
    assert "linkedin_pages" not in service.plan("TWITTER", with_option=True).options


def test_the_demo_connects_to_the_emulator_without_a_browser(accounts, clock):
    service = ConnectService(accounts, clock, KIT, emulator_url="http://127.0.0.1:9999")
    plan = service.plan("INSTAGRAM")
    assert service.demo and plan.demo
    assert plan.app == DEMO_APP
    assert plan.config.base == "http://127.0.0.1:9999"
    assert plan.options["open_browser"] is _browser and plan.options["port"] == 0


def test_the_default_kit_is_the_adapters_oauth_flow(accounts, clock):
    from app.adapters import oauth

    kit = ConnectService(accounts, clock).kit()
    assert kit.sign_in is oauth.connect
    assert kit.loopback_browser is oauth.loopback_browser
    assert kit.real_config().redirect_uri("TWITTER") == "http://127.0.0.1:8765/callback"


def test_an_app_context_connects_in_demo_mode_only_when_asked(db, clock):
    assert not AppContext(db=db, clock=clock).connecting.demo
    demo = AppContext(db=db, clock=clock, demo=True, emulator_url="http://127.0.0.1:1")
    assert demo.connecting.emulator_url == "http://127.0.0.1:1"
    assert AppContext(db=db, clock=clock, sign_in_kit=KIT).connecting.kit() is KIT
