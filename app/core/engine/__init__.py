"""The publishing engine: claim due work, publish it once, retry by policy, reconcile crashes."""

from app.core.engine.runner import (
    AdapterSource,
    EngineSettings,
    NetworkState,
    Outcome,
    PublishingEngine,
    RunResult,
)

__all__ = [
    "AdapterSource",
    "EngineSettings",
    "NetworkState",
    "Outcome",
    "PublishingEngine",
    "RunResult",
]
