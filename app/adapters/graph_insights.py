"""Graph insights that survive a retired metric.

Graph refuses a whole `/insights` request when one metric in it is no longer valid (code
100, "(#100) The value must be a valid insights metric"), usually without saying which.
One refused name must not blank the others: drop it, ask again, and report it so the
collector remembers it on the account (app.core.analytics.refusals explains where and why).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from app.adapters.http import as_dict, as_list
from app.core.ports import PermanentError


def is_invalid_metric(exc: PermanentError) -> bool:
    """Graph's "this metric does not exist (any more)" refusal."""
    return (exc.code or "").startswith("graph_100") and "metric" in exc.message.lower()


def insight_values(body: Any) -> dict[str, Any]:
    """{metric name: value} from an insights answer (`values[0].value` or `total_value`)."""
    values: dict[str, Any] = {}
    for entry in as_list(as_dict(body).get("data")):
        entry = as_dict(entry)
        name = entry.get("name")
        vals = as_list(entry.get("values"))
        value = as_dict(vals[0]).get("value") if vals else entry.get("total_value")
        if isinstance(value, dict) and set(value) == {"value"}:
            value = value["value"]
        if isinstance(name, str):
            values[name] = value
    return values


def read_insights(
    ask: Callable[[Sequence[str]], Any],
    wanted: Sequence[str],
    refused: set[str],
) -> tuple[dict[str, Any], list[str]]:
    """Values of the `wanted` metrics Graph still serves, and the names it newly refused.

    `ask(names)` makes one insights request and returns its body (raising PublishError).
    When Graph refuses without naming the metric, each is asked alone once to find it."""
    asking = [m for m in wanted if m not in refused]
    newly: list[str] = []
    while asking:
        try:
            return insight_values(ask(asking)), newly
        except PermanentError as exc:
            if not is_invalid_metric(exc):
                raise
            named = _named(exc.message, asking)
            if not named:
                named = asking if len(asking) == 1 else _probe(ask, asking)
            if not named:
                raise  # every metric passes alone: not a refused name, give up as before
            newly.extend(named)
            asking = [m for m in asking if m not in named]
    return {}, newly


def _named(message: str, asking: Sequence[str]) -> list[str]:
    """The refused metric(s) a refusal names: Instagram points at `metric[i]` and then lists
    the *valid* names (so those must not count); others name the metric in words."""
    index = re.search(r"metric\[(\d+)\]", message)
    if index is not None:
        i = int(index.group(1))
        return [asking[i]] if i < len(asking) else []
    if "one of" in message:
        return []
    return [m for m in asking if re.search(rf"(?<![\w]){re.escape(m)}(?![\w])", message)]


def _probe(ask: Callable[[Sequence[str]], Any], names: Sequence[str]) -> list[str]:
    bad = []
    for name in names:
        try:
            ask([name])
        except PermanentError as exc:
            if not is_invalid_metric(exc):
                raise
            bad.append(name)
    return bad
