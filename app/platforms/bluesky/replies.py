"""Chains on Bluesky (issue 19): part k+1 is an `app.bsky.feed.post` whose `reply` holds two
strong refs (uri + cid), `root` (part 1) and `parent` (part k) — lexicon
app.bsky.feed.post#replyRef, com.atproto.repo.strongRef.

Herald stores a post's at-uri only, so the parent's cid (and the root, which the parent's own
`reply.root` names when the parent is itself a reply) comes from one getRecord of the parent.

The record key of a part is a TID derived from the kind and the parent's at-uri: a chain has
one next part under each of its posts, so a re-send writes at the same key (the PDS holds at
most one record there) and the look-up after a crash is one getRecord, with no listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.adapters.http import as_dict, as_str
from app.core.ports import (
    AccountRef,
    PermanentError,
    PublishResult,
)
from app.platforms.bluesky import tid

if TYPE_CHECKING:
    from app.platforms.bluesky.adapter import BlueskyAdapter


def reply_rkey(kind: str, parent_uri: str) -> str:
    """The record key of the `kind` ("part") published under `parent_uri`."""
    return tid.from_key(f"herald-{kind}:{parent_uri}")


def strong_ref(view: dict[str, Any]) -> dict[str, str]:
    return {"uri": str(view.get("uri")), "cid": str(view.get("cid"))}


def reply_refs(adapter: BlueskyAdapter, account: AccountRef, parent_uri: str) -> dict[str, Any]:
    """The `reply` of a record answering `parent_uri`: root = the parent's own root when it
    is a reply, else the parent; parent = the parent (each a uri + cid strong ref)."""
    from app.platforms.bluesky.adapter import COLLECTION, rkey_of

    did = parent_uri.removeprefix("at://").split("/", 1)[0]
    if did != account.external_id or f"/{COLLECTION}/" not in parent_uri:
        raise PermanentError(
            f"Bluesky: {parent_uri} is not a post of this account.", code="bad_parent"
        )
    view = adapter.get_record(account, rkey_of(parent_uri))
    if view is None or not as_str(view.get("cid")):
        raise PermanentError(
            "Bluesky: the post this part answers is gone (deleted?); the chain stops here.",
            code="parent_gone",
        )
    parent = strong_ref(view)
    root = as_dict(as_dict(as_dict(view.get("value")).get("reply")).get("root"))
    if not (as_str(root.get("uri")) and as_str(root.get("cid"))):
        root = parent
    return {"root": strong_ref(root), "parent": parent}


def publish_reply(
    adapter: BlueskyAdapter, account: AccountRef, text: str, parent_uri: str, kind: str
) -> PublishResult:

    rkey = reply_rkey(kind, parent_uri)
    record = adapter.build_record(account, text, [])
    record["reply"] = reply_refs(adapter, account, parent_uri)
    return adapter.create_at(account, rkey, record)


def find_reply(
    adapter: BlueskyAdapter, account: AccountRef, kind: str, parent_uri: str
) -> str | None:
    from app.platforms.bluesky.adapter import post_uri

    rkey = reply_rkey(kind, parent_uri)
    return post_uri(account.external_id, rkey) if adapter.get_record(account, rkey) else None
