"""Shared bits of the Mastodon adapter tests: an account on a made-up instance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.core.ports import AccountRef, Credentials
from app.platforms.names import Platform

INSTANCE = "https://social.example"
RECORDED = Path(__file__).resolve().parents[2] / "contract" / "recorded" / "mastodon"
TOKEN = "md-token-123"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def account(**settings: Any) -> AccountRef:
    return AccountRef(
        platform=Platform("MASTODON"),
        external_id="117020565966271181",
        handle="@mastodonpy_test@social.example",
        credentials=Credentials(TOKEN, None, None, {"client_id": "cid", "client_secret": "cs"}),
        settings={"instance": INSTANCE, **settings},
    )
