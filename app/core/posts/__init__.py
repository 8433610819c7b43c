"""Posts: compose, schedule, move, delete and repair them. The core service the calendar and the
composer call (no Qt). No ORM object leaves this package: callers get frozen dataclasses.

Scheduling checks every target's effective text and media with the content rules
(app.core.constraints); an error blocks scheduling with `SchedulingError`, a warning does not.
A local wall time that falls in a DST gap or happens twice raises the time utilities' own
NonexistentTimeError / AmbiguousTimeError: the composer asks the person, it never guesses.
One whose UTC instant would leave years 1-9999 raises OutOfCalendarError (a ValueError).
The same picture given twice is attached once.

The parts: values (what callers get), service (the PostService facade), writing / compose /
media_files (a draft becoming a post), moving, repair, reading / summaries (queries), and
store / targets / shapes (what they share).
"""

from typing import TYPE_CHECKING, Any

from app.core.posts.summaries import group_rows, summary_query
from app.core.posts.values import (
    ATTENTION,
    EXCERPT_CHARS,
    Action,
    MediaFacts,
    PostBatchError,
    PostDetail,
    PostDraft,
    PostError,
    PostSummary,
    SchedulingError,
    TargetInfo,
    TargetProblem,
)

if TYPE_CHECKING:
    from app.core.constraints import effective_text, validate, weighted_length
    from app.core.media import inspect_media
    from app.core.posts.service import PostService
    from app.core.posts.shapes import facts_of
    from app.core.posts.writing import INSERT_BATCH
    from app.core.textrules.account_rules import ACCOUNT_LIMITS, counted_length, rules_for_account
    from app.core.textrules.graphemes import grapheme_count, utf8_length

# Imported on first use: the calendar's month read before the first frame (issue 20) needs
# only the summaries and values, not the content rules, media probing or the engine hand-off
# that the service brings in.
_LAZY = {
    "effective_text": "app.core.constraints",
    "validate": "app.core.constraints",
    "weighted_length": "app.core.constraints",
    "inspect_media": "app.core.media",
    "PostService": "app.core.posts.service",
    "facts_of": "app.core.posts.shapes",
    "INSERT_BATCH": "app.core.posts.writing",
    "ACCOUNT_LIMITS": "app.core.textrules.account_rules",
    "counted_length": "app.core.textrules.account_rules",
    "rules_for_account": "app.core.textrules.account_rules",
    "grapheme_count": "app.core.textrules.graphemes",
    "utf8_length": "app.core.textrules.graphemes",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups (and monkeypatching) see a plain attribute
    return value


__all__ = [
    "ACCOUNT_LIMITS",
    "ATTENTION",
    "EXCERPT_CHARS",
    "INSERT_BATCH",
    "Action",
    "MediaFacts",
    "PostBatchError",
    "PostDetail",
    "PostDraft",
    "PostError",
    "PostService",
    "PostSummary",
    "SchedulingError",
    "TargetInfo",
    "TargetProblem",
    "counted_length",
    "effective_text",
    "facts_of",
    "grapheme_count",
    "group_rows",
    "inspect_media",
    "rules_for_account",
    "summary_query",
    "utf8_length",
    "validate",
    "weighted_length",
]
