"""X media upload under /x, as X's OpenAPI (xdevplatform/xdk specs/openapi.json v2.167) has it.

    POST /2/media/upload                    one-shot: multipart `media` (+ `media_category`)
                                            or JSON `media` (base64); images only
    POST /2/media/upload/initialize         JSON {media_type, total_bytes, media_category}
    POST /2/media/upload/{id}/append        multipart {media, segment_index} (or JSON base64)
    POST /2/media/upload/{id}/finalize
    GET  /2/media/upload?media_id=&command=STATUS
    POST /2/media/metadata                  JSON {id, metadata: {alt_text: {text}}}: alt text
    POST /2/media/upload command=INIT|APPEND|FINALIZE|STATUS   the older single-path form

Video and GIF must come in chunks: a one-shot upload of either is refused with 400. After
finalize, video and GIF are processed: `processing_info.state` is pending, then in_progress
(with `check_after_secs` and `progress_percent`) for `x_media_processing_s` seconds of the
emulator's clock, then succeeded, or failed when the bytes are not a video/GIF at all (X's
"Invalid or Unsupported media" message). A post may use the media only once it succeeded.
Uploaded media expires after 24 h.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from app.emulator.media import image_kind, is_video, jpeg_size, png_size
from app.emulator.routes import RouteTable
from app.emulator.state import Token, Upload
from app.emulator.twitter.wire import api, invalid_request
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

MEDIA_TTL = 86400
ONE_SHOT_IMAGE_LIMIT = 5 * 1024 * 1024
MAX_SEGMENTS = 1000
PROCESSED = ("tweet_video", "tweet_gif", "amplify_video", "dm_video", "dm_gif")
UNSUPPORTED = {
    "code": 1,
    "name": "InvalidMedia",
    "message": "Invalid or Unsupported media, Reason: UnsupportedMedia.",
}
table = RouteTable()


# ---------------------------------------------------------------------- processing
def settle(emu: Emulator, upload: Upload) -> Upload:
    """Move a processing upload along the emulator's clock (pending -> in_progress -> done)."""
    start = upload.extra.get("processing_start")
    if start is None or upload.state not in ("pending", "in_progress"):
        return upload
    elapsed = emu.now_ts() - float(start)
    if elapsed >= emu.config.x_media_processing_s:
        upload.state = "succeeded" if upload.extra.get("valid", True) else "failed"
    elif elapsed > 0:
        upload.state = "in_progress"
    return upload


def usable(emu: Emulator, upload: Upload) -> bool:
    """Whether a post may reference this upload now."""
    return settle(emu, upload).state == "succeeded"


def _processing_info(emu: Emulator, upload: Upload) -> dict[str, Any]:
    info: dict[str, Any] = {"state": upload.state}
    if upload.state in ("pending", "in_progress"):
        total = max(1, emu.config.x_media_processing_s)
        elapsed = emu.now_ts() - float(upload.extra.get("processing_start", emu.now_ts()))
        left = max(1, int(total - elapsed + 0.999))
        info["check_after_secs"] = min(emu.config.x_media_check_after_s, left)
        if upload.state == "in_progress":
            info["progress_percent"] = min(99, max(1, int(100 * elapsed / total)))
    elif upload.state == "succeeded":
        info["progress_percent"] = 100
    elif upload.state == "failed":
        info["error"] = dict(UNSUPPORTED)
    return info


def _media_body(emu: Emulator, upload: Upload, *, status: bool = False) -> dict[str, Any]:
    # X's media keys name the kind: 3_ image, 7_ video, 16_ animated GIF.
    prefix = "3"
    if upload.category.endswith("gif") or upload.mime == "image/gif":
        prefix = "16"
    elif upload.category.endswith("video") or upload.mime.startswith("video/"):
        prefix = "7"
    data: dict[str, Any] = {
        "id": upload.id,
        "media_key": f"{prefix}_{upload.id}",
        "size": upload.size,
        "expires_after_secs": max(0, int(upload.created_at + MEDIA_TTL - emu.now_ts())),
    }
    if "processing_start" in upload.extra:
        data["processing_info"] = _processing_info(emu, settle(emu, upload))
    elif status:
        data["processing_info"] = {"state": upload.state, "progress_percent": 100}
    return {"data": data}


def _chunk(req: Request) -> bytes | None:
    part = req.files.get("media")
    if part is not None:
        return part.data
    raw = req.param("media") or req.param("media_data")
    if raw is None:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None


def _own_upload(emu: Emulator, tok: Token, media_id: str | None) -> Upload | None:
    upload = emu.state.uploads.get(media_id or "")
    if upload is None or upload.user_id != tok.user_id:
        return None
    return upload


def _bad_media_id(media_id: str | None) -> Response:
    return invalid_request(f"The media_id [{media_id}] is not valid.", "media_id", media_id)


# ---------------------------------------------------------------------- chunked steps
def _initialize(emu: Emulator, tok: Token, mime: str, total: int, category: str) -> Response:
    if total <= 0:
        return invalid_request("`total_bytes` is required and must be positive.", "total_bytes")
    upload = Upload(emu.state.new_id("x_media"), tok.user_id, emu.now_ts(), 0, category, mime)
    upload.state = "pending"
    upload.total_bytes = total
    upload.extra["segments"] = []
    emu.state.uploads[upload.id] = upload
    body = _media_body(emu, upload)
    body["data"].pop("size")
    return json_response(200, body)


def _append(emu: Emulator, upload: Upload, index: str | None, data: bytes | None) -> str | None:
    """Take one segment; the problem, or None when it was taken."""
    if "processing_start" in upload.extra or upload.extra.get("segments") is None:
        return "This upload was already finalized."
    if data is None or not data:
        return "A `media` chunk is required."
    if index is None or not index.isdigit() or int(index) >= MAX_SEGMENTS:
        return "`segment_index` must be a number from 0 to 999."
    segments: list[int] = upload.extra["segments"]
    if int(index) == 0:
        upload.extra["valid"] = _looks_like(upload, data)
    segments.append(int(index))
    upload.size += len(data)
    return None


def _looks_like(upload: Upload, head: bytes) -> bool:
    if upload.category.endswith("gif") or upload.mime == "image/gif":
        return image_kind(head) == "gif"
    if upload.category.endswith("video") or upload.mime.startswith("video/"):
        return is_video(head)
    return image_kind(head) is not None


def _finalize(emu: Emulator, upload: Upload) -> Response:
    segments = upload.extra.get("segments")
    if segments is None or "processing_start" in upload.extra:
        return invalid_request("This upload was already finalized.", "media_id", upload.id)
    if upload.size != upload.total_bytes or sorted(segments) != list(range(len(segments))):
        return invalid_request(
            "Segments do not add up to the provided total file size.", "media_id", upload.id
        )
    del upload.extra["segments"]
    if upload.category in PROCESSED or upload.mime.startswith("video/"):
        upload.extra["processing_start"] = emu.now_ts()
        upload.state = "pending"
    else:
        upload.state = "succeeded" if upload.extra.get("valid", True) else "failed"
        if upload.state == "failed":
            return invalid_request(str(UNSUPPORTED["message"]), "media_id", upload.id)
    return json_response(200, _media_body(emu, upload))


# ---------------------------------------------------------------------- routes
@table.add("POST", "/2/media/upload/initialize", "media_upload")
@api("media")
def initialize(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return invalid_request("Request body must be a JSON object.")
    total = body.get("total_bytes")
    category = body.get("media_category") or "tweet_image"
    mime = body.get("media_type") or ""
    if not isinstance(total, int) or isinstance(total, bool):
        return invalid_request("`total_bytes` must be an integer.", "total_bytes")
    return _initialize(emu, tok, str(mime), total, str(category))


@table.add("POST", r"/2/media/upload/(?P<id>\d+)/append", "media_upload")
@api("media")
def append(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    upload = _own_upload(emu, tok, m["id"])
    if upload is None:
        return _bad_media_id(m["id"])
    problem = _append(emu, upload, req.param("segment_index"), _chunk(req))
    if problem:
        return invalid_request(problem, "media")
    return json_response(200, {"data": {"expires_at": int(upload.created_at + MEDIA_TTL)}})


@table.add("POST", r"/2/media/upload/(?P<id>\d+)/finalize", "media_upload")
@api("media")
def finalize(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    upload = _own_upload(emu, tok, m["id"])
    if upload is None:
        return _bad_media_id(m["id"])
    return _finalize(emu, upload)


@table.add("GET", "/2/media/upload", "media_upload")
@api("media")
def status(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    media_id = req.query.get("media_id")
    upload = _own_upload(emu, tok, media_id)
    if upload is None:
        return _bad_media_id(media_id)
    return json_response(200, _media_body(emu, upload, status=True))


@table.add("POST", "/2/media/upload", "media_upload")
@api("media")
def media_upload(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    command = (req.param("command") or "").upper()
    if command == "INIT":
        return _initialize(
            emu,
            tok,
            req.param("media_type") or "application/octet-stream",
            int(req.param("total_bytes") or 0),
            req.param("media_category") or "tweet_image",
        )
    if command in ("APPEND", "FINALIZE", "STATUS"):
        upload = _own_upload(emu, tok, req.param("media_id"))
        if upload is None:
            return _bad_media_id(req.param("media_id"))
        if command == "APPEND":
            problem = _append(emu, upload, req.param("segment_index") or "0", _chunk(req))
            if problem:
                return invalid_request(problem, "media")
            return Response(status=204, content_type=None)
        if command == "FINALIZE":
            return _finalize(emu, upload)
        return json_response(200, _media_body(emu, upload, status=True))
    if command:
        return invalid_request(f"Unknown command {command}.", "command")
    return _one_shot(emu, req, tok)


@table.add("POST", "/2/media/metadata", "media_upload")
@api("media")
def metadata(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    """Alt text for an uploaded image: {"id", "metadata": {"alt_text": {"text"}}}."""
    body = req.json()
    if not isinstance(body, dict):
        return invalid_request("Request body must be a JSON object.")
    upload = _own_upload(emu, tok, str(body.get("id") or ""))
    if upload is None:
        return _bad_media_id(str(body.get("id")))
    alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
    if not isinstance(alt, str) or len(alt) > 1000:
        return invalid_request("`alt_text.text` must be a string of at most 1000 characters.")
    upload.extra["alt_text"] = alt
    return json_response(
        200, {"data": {"id": upload.id, "associated_metadata": {"alt_text": {"text": alt}}}}
    )


def _one_shot(emu: Emulator, req: Request, tok: Token) -> Response:
    data = _chunk(req)
    if not data:
        return invalid_request("A `media` file is required.", "media")
    category = req.param("media_category") or "tweet_image"
    kind = image_kind(data)
    if category in PROCESSED or kind == "gif" or is_video(data):
        # Real X: video and animated GIF go through initialize/append/finalize and processing.
        return invalid_request(
            "Video and GIF media must be uploaded in chunks "
            "(initialize, append, finalize); the one-shot upload takes images only.",
            "media_category",
            category,
        )
    if kind is None:
        return invalid_request("Unsupported media type.", "media")
    if len(data) > ONE_SHOT_IMAGE_LIMIT:
        return invalid_request("Images must be at most 5 MB.", "media")
    upload = Upload(
        emu.state.new_id("x_media"), tok.user_id, emu.now_ts(), len(data), category, f"image/{kind}"
    )
    emu.state.uploads[upload.id] = upload
    body = _media_body(emu, upload)
    w_h = _image_size(data)
    if w_h:
        body["data"]["image"] = {"image_type": upload.mime, "w": w_h[0], "h": w_h[1]}
    return json_response(200, body)


def _image_size(data: bytes) -> tuple[int, int] | None:
    return jpeg_size(data) or png_size(data)
