"""Fault injection rules and the compact SPEC grammar used by `--faults` and the control API.

SPEC grammar (commas separate rules, colons separate a rule's fields)::

    SPEC     := RULE ("," RULE)*
    RULE     := PLATFORM ":" ENDPOINT ":" KIND (":" MODIFIER)*
    PLATFORM := twitter | instagram | linkedin | facebook | bluesky | mastodon | threads | *
                (x: alias of twitter)
    ENDPOINT := publish | media_upload | token | metrics | lookup | container_status
              | authorize | account | delete | cdn | *
    KIND     := 500 | 502 | 503 | timeout | 429 | malformed | truncated | invalid_token
              | revoked_refresh | duplicate | lost | error
    MODIFIER := FLOAT            probability in [0, 1], e.g. 0.2  (same as p=0.2)
              | p=FLOAT
              | next=N           fire on the next N matching calls only
              | KEY=VALUE        a parameter of the kind (see below)

Examples: ``twitter:publish:503:0.2`` (20 % of X posts get a 503),
``instagram:*:timeout:next=3`` (the next 3 Instagram calls hang),
``linkedin:publish:429:next=1:reset_in=120``, ``facebook:publish:lost``.

A rule with neither a probability nor `next` fires on every matching call until cleared.
Rules are tried in the order they were added; the first that fires wins. Random draws use a
generator seeded from the emulator seed, so a run is reproducible.

Kinds and their parameters:
- ``500``/``502``/``503``: the platform's own 5xx body; nothing is created.
- ``timeout``: the handler thread waits ``delay`` seconds (default: the server's
  ``timeout_delay_s``) then closes the connection; ``process=1`` runs the request after the
  wait (so the post may exist although the client gave up).
- ``429``: the platform's throttling error; ``reset_in`` seconds (default 60; LinkedIn:
  until midnight UTC); ``code`` picks the Graph code (4, 17, 32 or 613).
- ``malformed``: 200 with a body that is not valid JSON; ``truncated``: the full Content-Length
  announced, half the body sent, connection closed. Nothing is created unless ``process=1``
  (then the real response is what gets mangled).
- ``invalid_token``: the platform's invalid-access-token error (the token itself stays valid).
- ``revoked_refresh``: revokes every token of the account presenting the token, then the
  request is handled normally, so it is refused for real (refresh tokens included).
- ``duplicate``: the platform's duplicate-content error.
- ``lost``: the request is handled (the post is created) and the connection is closed
  without a response: the crash-reconciliation case.
- ``error``: Instagram ``container_status`` only: the container turns to status ERROR.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

PLATFORMS = ("twitter", "instagram", "linkedin", "facebook", "bluesky", "mastodon", "threads")
ENDPOINTS = (
    "publish",
    "media_upload",
    "token",
    "metrics",
    "lookup",
    "container_status",
    "authorize",
    "account",
    "delete",
    "cdn",
    "comment",
)
KINDS = (
    "500",
    "502",
    "503",
    "timeout",
    "429",
    "malformed",
    "truncated",
    "invalid_token",
    "revoked_refresh",
    "duplicate",
    "lost",
    "error",
)
_ALIASES = {
    "x": "twitter",
    "ig": "instagram",
    "li": "linkedin",
    "fb": "facebook",
    "md": "mastodon",
    "th": "threads",
}
_KIND_ALIASES = {"rate_limit": "429", "revoked": "revoked_refresh", "drop": "lost"}


def normalize_platform(platform: str) -> str:
    key = str(platform).strip().lower()
    key = _ALIASES.get(key, key)
    if key != "*" and key not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r} (expected one of {', '.join(PLATFORMS)})")
    return key


def normalize_endpoint(endpoint: str) -> str:
    key = str(endpoint).strip().lower()
    if key != "*" and key not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {endpoint!r} (expected one of {', '.join(ENDPOINTS)})")
    return key


def normalize_kind(kind: str | int) -> str:
    key = str(kind).strip().lower()
    key = _KIND_ALIASES.get(key, key)
    if key not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r} (expected one of {', '.join(KINDS)})")
    return key


@dataclass
class FaultRule:
    platform: str
    endpoint: str
    kind: str
    probability: float | None = None
    count: int | None = None  # remaining firings; None = unlimited
    params: dict[str, Any] = field(default_factory=dict)

    def matches(self, platform: str, endpoint: str) -> bool:
        return self.platform in ("*", platform) and self.endpoint in ("*", endpoint)

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "endpoint": self.endpoint,
            "kind": self.kind,
            "probability": self.probability,
            "count": self.count,
            "params": dict(self.params),
        }


def make_rule(
    platform: str,
    endpoint: str,
    kind: str | int,
    *,
    probability: float | None = None,
    count: int | None = None,
    **params: Any,
) -> FaultRule:
    if probability is not None and not 0.0 <= float(probability) <= 1.0:
        raise ValueError(f"probability must be within [0, 1], got {probability!r}")
    if count is not None and int(count) < 1:
        raise ValueError(f"count must be at least 1, got {count!r}")
    return FaultRule(
        platform=normalize_platform(platform),
        endpoint=normalize_endpoint(endpoint),
        kind=normalize_kind(kind),
        probability=None if probability is None else float(probability),
        count=None if count is None else int(count),
        params=dict(params),
    )


def _param_value(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def parse_spec(spec: str) -> list[FaultRule]:
    """Parse a SPEC string (see the module docstring); raise ValueError with a clear message."""
    rules: list[FaultRule] = []
    for raw in spec.split(","):
        raw = raw.strip()
        if not raw:
            continue
        fields = raw.split(":")
        if len(fields) < 3:
            raise ValueError(f"fault rule {raw!r} needs PLATFORM:ENDPOINT:KIND")
        platform, endpoint, kind, *mods = fields
        probability: float | None = None
        count: int | None = None
        params: dict[str, Any] = {}
        for mod in mods:
            key, eq, value = mod.partition("=")
            try:
                if not eq:
                    probability = float(key)
                elif key in ("p", "probability"):
                    probability = float(value)
                elif key in ("next", "count"):
                    count = int(value)
                else:
                    params[key] = _param_value(value)
            except ValueError:
                raise ValueError(f"fault rule {raw!r}: bad modifier {mod!r}") from None
        try:
            rules.append(
                make_rule(platform, endpoint, kind, probability=probability, count=count, **params)
            )
        except ValueError as exc:
            raise ValueError(f"fault rule {raw!r}: {exc}") from None
    return rules


class FaultSet:
    """The active rules. Not thread-safe by itself: the emulator calls it under its lock."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: list[FaultRule] = []
        self._rng = random.Random(f"faults:{seed}")

    def add(self, rule: FaultRule) -> None:
        self.rules.append(rule)

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, platform: str, endpoint: str) -> FaultRule | None:
        """The rule that fires for this call, if any (consuming one of its `next` firings)."""
        for rule in self.rules:
            if not rule.matches(platform, endpoint):
                continue
            if rule.probability is not None and self._rng.random() >= rule.probability:
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None
