"""Which post formats a network supports, as data (issue 19): a chain of replies, a first
comment, video, carousels and alt text. Read by the composer (what to offer), the engine
(what it may send) and `python main.py platforms`.

Shared between helpers: the chains work owns `chain` and `first_comment`, the media work
owns `video`, `carousel`, `carousel_max` and `alt_text`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostFormats:
    #: a post may be a chain: part 1 is the post, parts 2..n reply to the part before
    chain: bool = False
    #: an optional comment published on the post right after it
    first_comment: bool = False
    video: bool = False
    carousel: bool = False
    #: most items in a carousel (None: no carousel, or no limit Herald knows of)
    carousel_max: int | None = None
    #: images may carry alt text (a description for screen readers)
    alt_text: bool = False

    def names(self) -> tuple[str, ...]:
        """The supported formats' names, in a fixed order (for listings)."""
        flags = ("chain", "first_comment", "video", "carousel", "alt_text")
        return tuple(f for f in flags if getattr(self, f))
