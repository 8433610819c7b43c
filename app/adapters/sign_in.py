"""The sign-in the adapters lend the connect flow (app.core.connecting names it by string,
since app/core imports no adapter)."""

from __future__ import annotations

from app.adapters.config import AdapterConfig
from app.adapters.oauth import connect, loopback_browser
from app.adapters.password_sign_in import connect_with_password
from app.core.connecting import SignInKit

KIT = SignInKit(
    sign_in=connect,
    real_config=AdapterConfig.real,
    emulator_config=AdapterConfig.for_emulator,
    loopback_browser=loopback_browser,
    password_sign_in=connect_with_password,
)
