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

from app.core.constraints import effective_text, validate, weighted_length
from app.core.media import inspect_media
from app.core.posts.service import PostService
from app.core.posts.shapes import facts_of
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
from app.core.posts.writing import INSERT_BATCH
from app.core.textrules.account_rules import ACCOUNT_LIMITS, counted_length, rules_for_account
from app.core.textrules.graphemes import grapheme_count, utf8_length

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
