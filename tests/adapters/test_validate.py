"""validate() delegates to the shared content rules (app.core.constraints) for its platform."""

from __future__ import annotations

import sys
import types

import pytest

from app.adapters.config import AdapterConfig
from app.adapters.registry import build_adapters, close_adapters
from app.platforms.names import Platform


@pytest.fixture
def fake_constraints(monkeypatch):
    calls = []
    module = types.ModuleType("app.core.constraints")

    def validate(platform, text, media):
        calls.append((platform, text, tuple(media)))
        return [f"{platform.value}:{len(text)}"]

    module.validate = validate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.core.constraints", module)
    return calls


def test_validate_uses_the_rules_engine(fake_constraints, clock, image):
    adapters = build_adapters(AdapterConfig.real(), clock)
    try:
        for platform, adapter in adapters.items():
            assert adapter.validate("hello", [image]) == [f"{platform.value}:5"]
    finally:
        close_adapters(adapters)
    assert [c[0] for c in fake_constraints] == list(Platform)
    assert all(c[2] == (image,) for c in fake_constraints)
