"""Facebook photos and videos under /facebook, and the "CDN" that serves stored photos.

    POST /v25.0/{page-id}/photos   url | multipart source; message|caption, alt_text_custom
                                   -> {"id", "post_id"}
                                   published=false: the photo is only stored -> {"id"}, to be
                                   attached to a feed post (attached_media[i]={"media_fbid"})
                                   or used as hosting (GET /{photo-id}?fields=images)
    POST /v25.0/{page-id}/videos   file_url | multipart source; description -> {"id": video id}
    GET  /cdn/{photo-id}.{ext}     the stored bytes, no token (as Facebook's CDN)

Photos must be images (JPEG, PNG, GIF, WebP, BMP) of at most 10 MB, else (#324); videos must
be MP4/MOV, else (#351). Stored bytes live in memory only (never in the state file), up to
256 MiB, oldest evicted first.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from app.emulator.facebook.auth import graph_api, page_owner, page_problem
from app.emulator.graph import bad_param, graph_error
from app.emulator.media import MIB, FetchError, fetch, image_kind, is_video, jpeg_size, png_size
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.state import Post, Token, Upload
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "facebook"
PAGE_ID = r"(?P<page>\d+)"
BLOB_BUDGET = 256 * MIB
table = RouteTable()


def new_post(
    emu: Emulator, req: Request, page_id: str, message: str, media: list[str], **extra: Any
) -> Post:
    post = Post(
        platform=P,
        account=page_id,
        external_id=f"{page_id}_{emu.state.new_id('fb_post')}",
        text=message,
        created_at=emu.now_ts(),
        media=media,
        idempotency_key=req.header("Idempotency-Key"),
        extra={k: v for k, v in extra.items() if v is not None},
    )
    return emu.state.add_post(post)


def _obtain(emu: Emulator, req: Request, url_param: str, max_bytes: int) -> bytes | Response:
    source = req.files.get("source")
    if source is not None:
        return source.data
    url = req.param(url_param)
    if not url:
        return graph_error(400, "(#324) Requires upload file", 324)
    try:
        return fetch(url, max_bytes=max_bytes, timeout=emu.config.media_fetch_timeout_s)
    except FetchError as exc:
        if exc.reason == "too_large":
            return bad_param(f"(#100) The file is larger than {max_bytes // MIB} MB.")
        return graph_error(400, "(#324) Missing or invalid image file", 324)


def _store(emu: Emulator, req: Request, page_id: str, data: bytes, published: bool) -> Upload:
    kind = image_kind(data) or "jpeg"
    size = jpeg_size(data) if kind == "jpeg" else png_size(data)
    photo = Upload(emu.state.new_id("fb_photo"), page_id, emu.now_ts(), len(data), "fb_photo", "")
    photo.mime = f"image/{kind}"
    photo.state = "published" if published else "unpublished"
    host = req.header("Host") or "127.0.0.1"
    photo.extra = {
        "width": size[0] if size else 0,
        "height": size[1] if size else 0,
        "source": f"http://{host}/facebook/cdn/{photo.id}.{kind}",
        "alt_text_custom": req.param("alt_text_custom"),
    }
    emu.state.uploads[photo.id] = photo
    blobs = emu.state.blobs
    blobs[photo.id] = (photo.mime, data)
    while sum(len(b) for _, b in blobs.values()) > BLOB_BUDGET and len(blobs) > 1:
        del blobs[next(iter(blobs))]
    return photo


@table.add("POST", V + "/" + PAGE_ID + "/photos", "publish", locked=False)
@graph_api(("page", "access"))
def photo_post(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    with emu.lock:
        problem = page_problem(emu, tok, m["page"])
    if problem:
        return problem
    data = _obtain(emu, req, "url", 10 * MIB)
    if isinstance(data, Response):
        return data
    if image_kind(data) is None:
        return graph_error(400, "(#324) Missing or invalid image file", 324)
    published = (req.param("published") or "true").lower() != "false"
    message = req.param("message") or req.param("caption") or ""
    with emu.lock:
        photo = _store(emu, req, m["page"], data, published)
        if not published:
            return json_response(200, {"id": photo.id})
        user = page_owner(emu, tok)
        media = [req.param("url") or photo.extra["source"]]
        alts = [photo.extra["alt_text_custom"]]
        post = new_post(
            emu, req, m["page"], message, media, photo_id=photo.id, user_id=user.id, alt_texts=alts
        )
        return json_response(200, {"id": photo.id, "post_id": post.external_id})


@table.add("POST", V + "/" + PAGE_ID + "/videos", "publish", locked=False)
@graph_api(("page", "access"))
def video_post(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    with emu.lock:
        problem = page_problem(emu, tok, m["page"])
    if problem:
        return problem
    data = _obtain(emu, req, "file_url", 1024 * MIB)
    if isinstance(data, Response):
        return data
    if not is_video(data):
        return graph_error(400, "(#351) There was a problem with the video file.", 351)
    description = req.param("description") or ""
    with emu.lock:
        video_id = emu.state.new_id("fb_photo")
        user = page_owner(emu, tok)
        media = [req.param("file_url") or "upload:source"]
        new_post(
            emu,
            req,
            m["page"],
            description,
            media,
            video_id=video_id,
            user_id=user.id,
            aliases=[video_id],
        )
        return json_response(200, {"id": video_id})


@table.add("GET", r"/cdn/(?P<id>\d+)\.\w+", "cdn")
def cdn(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    blob = emu.state.blobs.get(m["id"])
    if blob is None:
        return Response(status=404, body=b"Not Found", content_type="text/plain")
    mime, data = blob
    return Response(status=200, body=data, content_type=mime)


def photo(emu: Emulator, photo_id: str, page_id: str | None) -> Upload | None:
    upload = emu.state.uploads.get(photo_id)
    if upload is None or upload.category != "fb_photo" or page_id not in (None, upload.user_id):
        return None
    return upload


def photo_object(upload: Upload, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": upload.id}
    if "images" in fields:
        extra = upload.extra
        out["images"] = [
            {"height": extra["height"], "width": extra["width"], "source": extra["source"]}
        ]
    if "alt_text_custom" in fields and upload.extra.get("alt_text_custom"):
        out["alt_text_custom"] = upload.extra["alt_text_custom"]
    if "link" in fields or "picture" in fields:
        out["picture"] = upload.extra["source"]
    return out


def attached_photos(emu: Emulator, req: Request, page_id: str) -> list[Upload] | Response:
    """The unpublished photos named by attached_media[i] params (form or JSON list)."""
    raw: list[Any] = []
    for key, value in {**req.query, **req.form}.items():
        if re.fullmatch(r"attached_media\[\d+\]", key):
            raw.append(value)
    body = req.json()
    if isinstance(body, dict) and isinstance(body.get("attached_media"), list):
        raw += body["attached_media"]
    photos = []
    for index, item in enumerate(raw):
        try:
            fbid = str((json.loads(item) if isinstance(item, str) else item)["media_fbid"])
        except (ValueError, TypeError, KeyError):
            return bad_param(f"(#100) param attached_media[{index}] must be a JSON object")
        upload = photo(emu, fbid, page_id)
        if upload is None or upload.state != "unpublished":
            return bad_param(f"(#100) attached_media[{index}] is not an unpublished photo")
        photos.append(upload)
    return photos
