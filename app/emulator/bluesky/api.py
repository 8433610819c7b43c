"""Bluesky under /bluesky: the XRPC methods Herald calls on a PDS and on the AppView.

    POST /xrpc/com.atproto.server.createSession     {identifier, password}
    POST /xrpc/com.atproto.server.refreshSession    Bearer refreshJwt (single use)
    GET  /xrpc/com.atproto.identity.resolveHandle?handle=
    GET  /xrpc/com.atproto.repo.describeRepo?repo=
    POST /xrpc/com.atproto.repo.uploadBlob          raw bytes, Content-Type = mime
    POST /xrpc/com.atproto.repo.createRecord        {repo, collection, rkey?, record}
    GET  /xrpc/com.atproto.repo.getRecord?repo&collection&rkey
    POST /xrpc/com.atproto.repo.deleteRecord        {repo, collection, rkey}
    GET  /xrpc/com.atproto.repo.listRecords?repo&collection&limit&cursor&reverse
    GET  /xrpc/app.bsky.feed.getPosts?uris=...      at most 25; likes, reposts, replies, quotes
    and the video service's methods (getServiceAuth, app.bsky.video.*): video.py

As the reference PDS does: a record key must be a TID; a second create at a key that holds
a record is a 500 "Internal Server Error" (recorded); text over 300 graphemes or 3,000 bytes
is 400 InvalidRequest; an `app.bsky.embed.video` must hold a video/mp4 blob. Error bodies are {"error", "message"} (auth.py).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import regex

from app.emulator.bluesky import auth, replies
from app.emulator.bluesky import video as bluesky_video
from app.emulator.bluesky.auth import P, token_of, xrpc_error
from app.emulator.names import NETWORK_OF
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import Post, iso_z, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

POST = "app.bsky.feed.post"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
B32 = "234567abcdefghijklmnopqrstuvwxyz"
MAX_URIS = 25
table = RouteTable(list(bluesky_video.table.routes))  # the video service: video.py


def _cid(data: bytes) -> str:
    return "bafyrei" + base32(hashlib.sha256(data).digest())[:52]


def base32(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), []
    while n:
        n, r = divmod(n, 32)
        out.append(B32[r])
    return "".join(reversed(out)) or "2"


def _next_tid(emu: Emulator) -> str:
    value = (int(emu.now_ts() * 1_000_000) << 10) | (emu.state.counter % 1024)
    emu.state.counter += 1
    return "".join(B32[(value >> (5 * i)) & 31] for i in range(12, -1, -1))


def _record_post(emu: Emulator, did: str, rkey: str) -> Post | None:
    post = emu.state.post(P, f"at://{did}/{POST}/{rkey}")
    return None if post is None or post.deleted else post


def _view(post: Post) -> dict[str, Any]:
    return {"uri": post.external_id, "cid": post.extra["cid"], "value": post.extra["record"]}


@table.add("POST", r"/xrpc/com\.atproto\.server\.createSession", "token")
def create_session(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return auth.create_session(emu, req)


@table.add("POST", r"/xrpc/com\.atproto\.server\.refreshSession", "token")
def refresh_session(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return auth.refresh_session(emu, req)


@table.add("GET", r"/xrpc/com\.atproto\.identity\.resolveHandle", "lookup")
def resolve_handle(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    user = auth.find_account(emu, req.query.get("handle") or "")
    if user is None:
        return xrpc_error(400, "HandleNotFound", "Unable to resolve handle")
    return json_response(200, {"did": user.id})


@table.add("GET", r"/xrpc/com\.atproto\.repo\.describeRepo", "lookup")
def describe_repo(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    user = auth.find_account(emu, req.query.get("repo") or "")
    if user is None:
        return xrpc_error(400, "InvalidRequest", f"Could not find repo: {req.query.get('repo')}")
    body = {"handle": user.handle, "did": user.id, "didDoc": auth.did_doc(req, user)}
    return json_response(200, {**body, "collections": [POST], "handleIsCorrect": True})


@table.add("POST", r"/xrpc/com\.atproto\.repo\.uploadBlob", "media")
def upload_blob(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    token = token_of(emu, req)
    if isinstance(token, Response):
        return token
    mime = req.content_type or "application/octet-stream"
    cid = "bafkrei" + base32(hashlib.sha256(req.body).digest())[:52]
    emu.state.blobs[cid] = (mime, bytes(req.body))
    blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(req.body)}
    return json_response(200, {"blob": blob})


def _text_problem(record: dict[str, Any]) -> str | None:
    text = record.get("text")
    if not isinstance(text, str):
        return 'Invalid app.bsky.feed.post record: Record must have the property "text"'
    graphemes = len(regex.findall(r"\X", text))
    if graphemes > 300:
        return f"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes (got {graphemes})"
    if len(text.encode("utf-8")) > 3000:
        return (
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 characters"
        )
    reply_problem = replies.problem(record)
    if reply_problem:
        return reply_problem
    images = (record.get("embed") or {}).get("images") or []
    if len(images) > 4 or any("alt" not in i for i in images):
        return "Invalid app.bsky.feed.post record: Record/embed/images must have 4 items or fewer, each with alt"
    return _video_problem(record.get("embed") or {})


def _video_problem(embed: dict[str, Any]) -> str | None:
    """app.bsky.embed.video: a `video` blob of video/mp4 (lexicon: accept video/mp4)."""
    if embed.get("$type") != "app.bsky.embed.video":
        return None
    blob = embed.get("video")
    if not isinstance(blob, dict) or blob.get("mimeType") != "video/mp4":
        return 'Invalid app.bsky.feed.post record: Record/embed/video must be a blob of type "video/mp4"'
    return None


@table.add("POST", r"/xrpc/com\.atproto\.repo\.createRecord", "publish")
def create_record(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    token = token_of(emu, req)
    if isinstance(token, Response):
        return token
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("record"), dict):
        return xrpc_error(400, "InvalidRequest", 'Input must have the property "record"')
    if body.get("repo") not in (token.user_id,) and auth.find_account(
        emu, str(body.get("repo"))
    ) is not emu.state.find_user(P, user_id=token.user_id):
        return xrpc_error(400, "InvalidRequest", "Invalid repo")
    if body.get("collection") != POST:
        return xrpc_error(400, "InvalidRequest", f"Invalid collection: {body.get('collection')}")
    rkey = str(body.get("rkey") or _next_tid(emu))
    if not TID.match(rkey):
        return xrpc_error(
            400,
            "InvalidRequest",
            f'Invalid record key for {POST}: Invalid TID string (got "{rkey}") at $',
        )
    record = dict(body["record"])
    problem = _text_problem(record)
    if problem:
        return xrpc_error(400, "InvalidRequest", problem)
    if _record_post(emu, token.user_id, rkey) is not None:
        # MST "There is already a value at key", surfaced as a plain 500 (recorded)
        return xrpc_error(500, "InternalServerError", "Internal Server Error")
    uri = f"at://{token.user_id}/{POST}/{rkey}"
    cid = _cid(repr(sorted(record.items())).encode() + rkey.encode())
    embed = record.get("embed") or {}
    images = embed.get("images") or []
    if embed.get("$type") == "app.bsky.embed.video":
        images = [{"image": embed.get("video"), "alt": embed.get("alt")}]
    post = Post(
        platform=P,
        account=token.user_id,
        external_id=uri,
        text=str(record.get("text", "")),
        created_at=emu.now_ts(),
        media=[str(((i.get("image") or {}).get("ref") or {}).get("$link")) for i in images],
        extra={
            "rkey": rkey,
            "cid": cid,
            "record": record,
            "user_id": token.user_id,
            "in_reply_to_id": replies.parent_of(record),
            "embed": embed.get("$type"),
            "alt_texts": [i.get("alt") for i in images],
        },
    )
    emu.state.add_post(post)
    commit = {"cid": _cid(uri.encode()), "rev": _next_tid(emu)}
    return json_response(
        200, {"uri": uri, "cid": cid, "commit": commit, "validationStatus": "valid"}
    )


@table.add("GET", r"/xrpc/com\.atproto\.repo\.getRecord", "lookup")
def get_record(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    q = req.query
    user = auth.find_account(emu, q.get("repo") or "")
    did = user.id if user else str(q.get("repo"))
    post = _record_post(emu, did, q.get("rkey") or "")
    if post is None or q.get("collection") != POST:
        uri = f"at://{did}/{q.get('collection')}/{q.get('rkey')}"
        return xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
    return json_response(200, _view(post))


@table.add("POST", r"/xrpc/com\.atproto\.repo\.deleteRecord", "delete")
def delete_record(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    token = token_of(emu, req)
    if isinstance(token, Response):
        return token
    body = req.json() if isinstance(req.json(), dict) else {}
    post = _record_post(emu, token.user_id, str(body.get("rkey") or ""))
    if post is not None:
        post.deleted = True  # deleting what is not there is not an error either
    return json_response(200, {"commit": {"cid": _cid(b"del"), "rev": _next_tid(emu)}})


@table.add("GET", r"/xrpc/com\.atproto\.repo\.listRecords", "lookup")
def list_records(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    q = req.query
    user = auth.find_account(emu, q.get("repo") or "")
    did = user.id if user else str(q.get("repo"))
    limit = max(1, min(100, int(q.get("limit") or 50)))
    mine = [p for p in emu.state.posts if p.platform == P and p.account == did and not p.deleted]
    mine.sort(key=lambda p: p.extra["rkey"], reverse=q.get("reverse") != "true")
    cursor = q.get("cursor")
    if cursor:
        before = q.get("reverse") != "true"
        mine = [
            p for p in mine if (p.extra["rkey"] < cursor) == before and p.extra["rkey"] != cursor
        ]
    page = mine[:limit]
    out: dict[str, Any] = {"records": [_view(p) for p in page]}
    if len(page) == limit:
        out["cursor"] = page[-1].extra["rkey"]
    return json_response(200, out)


@table.add("GET", r"/xrpc/app\.bsky\.feed\.getPosts", "metrics")
def get_posts(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    query = req.raw_path.partition("?")[2]
    uris = parse_qs(query).get("uris", [])
    if len(uris) > MAX_URIS:
        return xrpc_error(
            400, "InvalidRequest", f"Error: uris must not have more than {MAX_URIS} elements"
        )
    posts = []
    for uri in uris:
        post = emu.state.post(P, uri)
        if post is None or post.deleted:
            continue  # the AppView leaves out what it does not know
        user = emu.state.find_user(P, user_id=post.account)
        numbers = emu.model.metrics(NETWORK_OF[P], uri, utc(post.created_at), emu.now())
        posts.append(
            {
                "uri": uri,
                "cid": post.extra["cid"],
                "author": {
                    "did": post.account,
                    "handle": user.handle if user else "handle.invalid",
                },
                "record": post.extra["record"],
                "likeCount": numbers["likes"],
                "repostCount": numbers["shares"],
                "replyCount": numbers["comments"],
                "quoteCount": numbers["shares"] // 4,
                "bookmarkCount": 0,
                "indexedAt": iso_z(post.created_at),
            }
        )
    return json_response(200, {"posts": posts})


# ---------------------------------------------------------------------- faults
def fault_response(
    emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
) -> Response:
    if kind == "429":
        reset = str(int(emu.now_ts()) + 300)
        resp = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        resp.headers += [
            ("RateLimit-Limit", "5000"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", reset),
            ("RateLimit-Policy", "5000;w=3600"),
        ]
        return resp
    if kind == "invalid_token":
        return xrpc_error(400, "ExpiredToken", "Token has expired")
    texts = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
    status = kind if kind in texts else "500"
    names = {"500": "InternalServerError", "502": "UpstreamFailure", "503": "NotEnoughResources"}
    return xrpc_error(int(status), names[status], texts[status])


def not_found(req: Request) -> Response:
    return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")


API = PlatformAPI(
    key=P, prefix="bluesky", table=table, fault_response=fault_response, not_found=not_found
)
