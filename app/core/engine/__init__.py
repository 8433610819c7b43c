"""The publishing engine: claim due work, publish it once, retry by policy, reconcile crashes."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    # The runner is imported on first use: posts that are scheduled from the UI reach
    # app.core.engine.handoff, and importing that must not load the whole engine before the
    # window's first frame (issue 20).
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from app.core.engine import runner

    value = getattr(runner, name)
    globals()[name] = value
    return value
