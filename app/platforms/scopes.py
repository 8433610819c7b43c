"""The scopes a platform granted, as stored with an account (settings["scopes"]; scopes are
not secret). Pure functions: every layer, descriptors included, may read them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

SCOPES_KEY = "scopes"


def parse_scopes(value: object) -> frozenset[str] | None:
    """A token answer's `scope` ("a,b" or "a b") or a stored list; None when absent."""
    if isinstance(value, str):
        return frozenset(s for s in re.split(r"[\s,]+", value) if s)
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(s) for s in value if s)
    return None


def granted_scopes(settings: Mapping[str, Any]) -> frozenset[str] | None:
    """The scopes stored with an account; None when Herald never learned them."""
    return parse_scopes(settings.get(SCOPES_KEY))


def scopes_setting(scopes: Iterable[str]) -> list[str]:
    return sorted(set(scopes))
