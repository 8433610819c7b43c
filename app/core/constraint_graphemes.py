"""The length check of a network that counts grapheme clusters and caps the UTF-8 size
(Bluesky: 300 graphemes and 3,000 bytes). Called by app.core.constraints."""

from __future__ import annotations

from app.core.constraint_warnings import ConstraintWarning, WarningCode
from app.core.textrules.graphemes import (
    byte_offset_to_index,
    grapheme_count,
    grapheme_offset,
    utf8_length,
)


def check_grapheme_text(
    name: str, max_length: int, max_bytes: int | None, text: str, found: list[ConstraintWarning]
) -> None:
    count = grapheme_count(text)
    if count > max_length:
        found.append(
            ConstraintWarning(
                WarningCode.TOO_LONG,
                "error",
                f"{name} allows {max_length:,} characters (an emoji with its modifiers counts "
                f"as one); this post has {count:,}.",
                start=grapheme_offset(text, max_length),
                end=len(text),
            )
        )
        return
    if max_bytes is not None:
        size = utf8_length(text)
        if size > max_bytes:
            found.append(
                ConstraintWarning(
                    WarningCode.TOO_LONG,
                    "error",
                    f"{name} allows {max_bytes:,} bytes of text (accents, emoji and CJK take "
                    f"2 to 4 bytes each); this post has {size:,}.",
                    start=byte_offset_to_index(text, max_bytes),
                    end=len(text),
                )
            )
