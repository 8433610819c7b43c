"""Connecting an account: which developer app, which endpoints and which options one sign-in
runs with, so a view only shows progress and saves what was granted.

The sign-in itself (system browser or the emulator, loopback listener, token exchange) belongs
to the adapters. The composition root hands it in as a `SignInKit`; app/core imports no
adapter, and names the default kit only as a string, the way a descriptor names its adapter.
"""

from __future__ import annotations

import pkgutil
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app import platforms
from app.core.accounts import AccountService
from app.core.clock import Clock
from app.core.ports import AppCredentials, ConnectedAccount

#: the adapters' default kit, "module:attribute", resolved when an account is first connected
DEFAULT_SIGN_IN_KIT = "app.adapters.sign_in:KIT"
#: the emulator accepts any client id; the demo connects with this one
DEMO_APP = AppCredentials(client_id="herald-demo")


#: Runs one blocking sign-in (platform, app credentials, adapter config, keyword options such as
#: open_browser, cancel, linkedin_pages) and returns the accounts it grants.
SignIn = Callable[..., list[ConnectedAccount]]


@dataclass(frozen=True)
class SignInKit:
    """What the adapters lend the connect flow."""

    sign_in: SignIn
    #: the endpoints of the real networks, and of the emulator at a base URL
    real_config: Callable[[], Any]
    emulator_config: Callable[[str], Any]
    #: stands in for the browser against the emulator: follows its authorize redirect
    loopback_browser: Callable[[str], Any]
    #: signs in with a handle and an app password (auth kind "app-password": Bluesky)
    password_sign_in: SignIn | None = None


@dataclass(frozen=True)
class ConnectPlan:
    """One sign-in, ready to run off the UI thread:
    `sign_in(platform, app, config, **options)`."""

    platform: str
    sign_in: SignIn
    app: AppCredentials
    config: Any
    options: dict[str, Any] = field(default_factory=dict)
    demo: bool = False


class NeedsDeveloperApp(LookupError):
    """Connecting to the real network needs the person's own developer app (client id)."""


class ConnectService:
    def __init__(
        self,
        accounts: AccountService,
        clock: Clock,
        kit: SignInKit | None = None,
        *,
        emulator_url: str | None = None,
    ) -> None:
        self.accounts = accounts
        self.clock = clock
        self._kit = kit
        #: set in the demo: every account connects against the emulator, with no browser
        self.emulator_url = emulator_url

    @property
    def demo(self) -> bool:
        return self.emulator_url is not None

    def kit(self) -> SignInKit:
        if self._kit is None:
            kit = pkgutil.resolve_name(DEFAULT_SIGN_IN_KIT)
            if not isinstance(kit, SignInKit):
                raise TypeError(f"{DEFAULT_SIGN_IN_KIT} is not a SignInKit")
            self._kit = kit
        return self._kit

    def plan_password(
        self, platform: str, *, handle: str, password: str, service: str | None = None
    ) -> ConnectPlan:
        """How to connect a network that signs in with an app password (no developer app):
        `sign_in(platform, None, config, handle=..., password=..., service=...)`."""
        kit = self.kit()
        if kit.password_sign_in is None:
            raise ImportError("this build of Herald cannot sign in with an app password")
        options: dict[str, Any] = {
            "handle": handle,
            "password": password,
            "service": service,
            "clock": self.clock,
        }
        if self.emulator_url is not None:
            config = kit.emulator_config(self.emulator_url)
            return ConnectPlan(platform, kit.password_sign_in, DEMO_APP, config, options, demo=True)
        return ConnectPlan(platform, kit.password_sign_in, DEMO_APP, kit.real_config(), options)

    def plan(
        self,
        platform: str,
        *,
        login_hint: str | None = None,
        with_option: bool = False,
        open_browser: Callable[[str], Any] | None = None,
        instance: str | None = None,
    ) -> ConnectPlan:
        """How to connect `platform` (a network name). `with_option`: the network's second
        way to connect (its descriptor's `connect_option`, e.g. a LinkedIn company page).

        Raises NeedsDeveloperApp when no developer app is stored for a real network, and
        VaultError when the stored one cannot be read. `instance`: the server's address for
        a network that registers itself there (Mastodon; no developer app)."""
        network = platforms.get(platform)
        kit = self.kit()
        options: dict[str, Any] = {"login_hint": login_hint, "clock": self.clock}
        if with_option and network.connect_option is not None:
            options[network.connect_option.sign_in_flag] = True
        if network.auth.registers_itself:
            options["instance"] = instance
        if self.emulator_url is not None:
            # No browser: follow the emulator's authorize redirect; any free port will do.
            options.update(open_browser=kit.loopback_browser, port=0)
            config = kit.emulator_config(self.emulator_url)
            return ConnectPlan(platform, kit.sign_in, DEMO_APP, config, options, demo=True)
        app = self.accounts.app_credentials(platform)  # type: ignore[arg-type]
        if app is None and network.auth.registers_itself:
            app = AppCredentials(client_id="")  # registered during the sign-in
        if app is None:
            raise NeedsDeveloperApp(network.name)
        options["open_browser"] = open_browser or webbrowser.open
        return ConnectPlan(platform, kit.sign_in, app, kit.real_config(), options)
