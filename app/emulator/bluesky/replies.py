"""The `reply` of an app.bsky.feed.post record, checked as the reference PDS checks it.

Recorded on @atproto/pds 0.5.35 (tests/integration/test_bluesky_real_pds.py,
test_what_the_pds_answers_to_reply_refs_it_cannot_use): the PDS validates the refs' shape
against the lexicon (root and parent, each a com.atproto.repo.strongRef with an at-uri and a
CID) and nothing else: a parent it has never seen is accepted (the AppView shows it as not
found). The record keeps its `reply` as sent, so getRecord and getPosts echo it.
"""

from __future__ import annotations

import re
from typing import Any

PREFIX = "Invalid app.bsky.feed.post record: "
#: a CIDv1 in base32 (b…) as the PDS writes them, or a CIDv0 (Qm…)
CID = re.compile(r"^(b[a-z2-7]{20,}|Qm[1-9A-HJ-NP-Za-km-z]{44})$")
AT_URI = re.compile(r"^at://[^/\s]+(/[^/\s]+(/[^/\s]+)?)?$")


def problem(record: dict[str, Any]) -> str | None:
    """The PDS's message for a bad `reply`, or None (also when there is no reply)."""
    if "reply" not in record:
        return None
    reply = record["reply"]
    if not isinstance(reply, dict):
        return PREFIX + "Object expected at $.record.reply"
    for side in ("root", "parent"):
        if side not in reply:
            return PREFIX + f'Missing required key "{side}" at $.record.reply'
    for side in ("root", "parent"):
        ref = reply[side]
        where = f"$.record.reply.{side}"
        if not isinstance(ref, dict):
            return PREFIX + f"Object expected at {where}"
        for key in ("uri", "cid"):
            if key not in ref:
                return PREFIX + f'Missing required key "{key}" at {where}'
        if not AT_URI.match(str(ref["uri"])):
            return PREFIX + f"Invalid AT-URI at {where}.uri"
        if not CID.match(str(ref["cid"])):
            return PREFIX + f'Invalid CID string (got "{ref["cid"]}") at {where}.cid'
    return None


def parent_of(record: dict[str, Any]) -> str | None:
    """The parent's at-uri of a reply record (kept in the emulator post's extra)."""
    reply = record.get("reply")
    if isinstance(reply, dict) and isinstance(reply.get("parent"), dict):
        return str(reply["parent"].get("uri"))
    return None
