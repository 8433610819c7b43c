"""X media upload under /x: POST /2/media/upload, simple (multipart `media` or `media_data`)
or chunked (`command=INIT|APPEND|FINALIZE|STATUS`). Uploaded media expires after 24 h."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from app.emulator.media import image_kind, is_video
from app.emulator.routes import RouteTable
from app.emulator.state import Token, Upload
from app.emulator.wire import Request, Response, json_response
from app.emulator.x_wire import api, invalid_request

if TYPE_CHECKING:
    from app.emulator.core import Emulator

MEDIA_TTL = 86400
table = RouteTable()


def _media_body(upload: Upload) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": upload.id,
        "media_key": f"3_{upload.id}",
        "size": upload.size,
        "expires_after_secs": MEDIA_TTL,
    }
    if upload.state != "succeeded" or upload.mime.startswith("video"):
        data["processing_info"] = {"state": upload.state}
    return {"data": data}


@table.add("POST", "/2/media/upload", "media_upload")
@api("media")
def media_upload(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    command = (req.param("command") or "").upper()
    category = req.param("media_category") or "tweet_image"
    now = emu.now_ts()
    if command == "INIT":
        upload = Upload(emu.state.new_id("x_media"), tok.user_id, now, 0, category, "")
        upload.mime = req.param("media_type") or "application/octet-stream"
        upload.state = "pending"
        upload.total_bytes = int(req.param("total_bytes") or 0)
        emu.state.uploads[upload.id] = upload
        return json_response(200, _media_body(upload))
    if command in ("APPEND", "FINALIZE", "STATUS"):
        upload = emu.state.uploads.get(req.param("media_id") or "")
        if upload is None or upload.user_id != tok.user_id:
            return invalid_request("Invalid media_id.", "media_id")
        if command == "APPEND":
            part = req.files.get("media")
            data = part.data if part else base64.b64decode(req.param("media_data") or "")
            upload.size += len(data)
            return Response(status=204, content_type=None)
        if command == "FINALIZE":
            if upload.total_bytes and upload.size != upload.total_bytes:
                return invalid_request("Media size does not match total_bytes.", "media_id")
            upload.state = "succeeded"
        return json_response(200, _media_body(upload))
    if command:
        return invalid_request(f"Unknown command {command}.", "command")
    part = req.files.get("media")
    data = part.data if part else base64.b64decode(req.param("media_data") or "")
    if not data:
        return invalid_request("A `media` file is required.", "media")
    kind = image_kind(data)
    mime = f"image/{kind}" if kind else ("video/mp4" if is_video(data) else "")
    if not mime:
        return invalid_request("Unsupported media type.", "media")
    if mime.startswith("image") and len(data) > 5 * 1024 * 1024:
        return invalid_request("Images must be at most 5 MB.", "media")
    upload = Upload(emu.state.new_id("x_media"), tok.user_id, now, len(data), category, mime)
    emu.state.uploads[upload.id] = upload
    return json_response(200, _media_body(upload))
