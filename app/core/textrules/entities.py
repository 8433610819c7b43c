"""Hashtags and @-mentions, as counted against Instagram's caption limits.

Instagram publishes the limits (30 hashtags, 20 @-tags) but not its parser, so these follow the
common rules: a tag starts at the beginning of the text or after a character that cannot be part
of a word, so "a#b", "mail@example.com" and "#1#2" count once or not at all.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# "#" (or the full-width "＃") then letters, digits, underscores or combining marks. The sign
# comes first and the look-behind after it, so the regex engine can skip ahead to each "#".
_HASHTAG = re.compile(r"[#＃](?<![\w#＃&][#＃])\w[\w\u0300-\u036f\u200c\u200d]*")
# "@" (or "＠") then an Instagram username: letters, digits, "." and "_", at most 30.
_MENTION = re.compile(r"[@＠](?<![\w@＠.][@＠])[A-Za-z0-9._]{1,30}")


class Tag(NamedTuple):
    text: str
    start: int
    end: int


def hashtags(text: str) -> list[Tag]:
    if "#" not in text and "＃" not in text:
        return []
    return [Tag(m.group(), m.start(), m.end()) for m in _HASHTAG.finditer(text)]


def mentions(text: str) -> list[Tag]:
    if "@" not in text and "＠" not in text:
        return []
    return [Tag(m.group(), m.start(), m.end()) for m in _MENTION.finditer(text)]
