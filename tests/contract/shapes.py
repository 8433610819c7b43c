"""Compare the shape of two JSON answers: field names, nesting and JSON types, not values.

Used to hold the emulator to recorded real answers: for the same request, the emulator's answer
must have every field the recording has, with the same type, and no field the recording lacks
unless the test names it (with the reason, e.g. a field the platform added after the
recording was made). Items of a list are merged before comparing, so a field that only some
items carry is still seen.
"""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(value: Any) -> Any:
    """{"field": shape} for objects, [merged item shape] for arrays, the JSON type otherwise."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [] if merged is None else [merged]
    return json_type(value)


def _merge(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(out.get(key), value)
        return out
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0] if a else None, b[0] if b else None)] if (a or b) else []
    return a if a == b else f"{a}|{b}"


def shape_differences(
    recorded: Any, actual: Any, allowed_extra: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """How `actual` differs in shape from `recorded`; `allowed_extra` names dotted paths
    (e.g. "data.edit_history_tweet_ids", "data[].public_metrics.repost_count") that `actual`
    may have although `recorded` has not."""
    return _diff(shape(recorded), shape(actual), "", frozenset(allowed_extra))


def _diff(want: Any, got: Any, path: str, allowed: frozenset[str]) -> list[str]:
    where = path or "<root>"
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{where}: object expected, got {_kind(got)}"]
        out: list[str] = []
        for key, value in want.items():
            sub = f"{path}.{key}" if path else key
            if key not in got:
                out.append(f"{sub}: missing")
            else:
                out += _diff(value, got[key], sub, allowed)
        for key in got.keys() - want.keys():
            sub = f"{path}.{key}" if path else key
            if sub not in allowed:
                out.append(f"{sub}: not in the recording")
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{where}: array expected, got {_kind(got)}"]
        if not want or not got:
            return [] if not want else [f"{where}: empty array, the recording has items"]
        return _diff(want[0], got[0], f"{path}[]", allowed)
    if want != got:
        return [f"{where}: {want} expected, got {_kind(got)}"]
    return []


def _kind(s: Any) -> str:
    if isinstance(s, dict):
        return "object"
    if isinstance(s, list):
        return "array"
    return str(s)
