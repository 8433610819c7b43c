"""LinkedIn Videos API under /linkedin: initialize, upload the parts, finalize, then the video
is PROCESSING for `linkedin_video_processing_s` seconds of the emulator's clock before it is
AVAILABLE (PROCESSING_FAILED when the bytes are not a video).

    POST /rest/videos?action=initializeUpload  {"initializeUploadRequest": {"owner",
         "fileSizeBytes", ...}} -> {"value": {"video", "uploadToken", "uploadUrlsExpireAt",
         "uploadInstructions": [{"uploadUrl", "firstByte", "lastByte"}]}}   (4 MiB parts)
    PUT  /dms-uploads/video/{id}/{part}         the part's bytes -> 200 with an ETag
    POST /rest/videos?action=finalizeUpload    {"finalizeUploadRequest": {"video",
         "uploadToken", "uploadedPartIds"}} -> 200 (ETags must match, in order)
    GET  /rest/videos/{urn}                     {"id", "owner", "status"}
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from app.emulator.linkedin.auth import li_error, rest_auth, token_error
from app.emulator.linkedin.media import may_post_as
from app.emulator.media import is_video
from app.emulator.oauth import token_problem
from app.emulator.routes import RouteTable
from app.emulator.state import Upload
from app.emulator.wire import Request, Response, empty_response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
PART_BYTES = 4 * 1024 * 1024
MAX_BYTES = 500 * 1024 * 1024
UPLOAD_TTL = 86400
table = RouteTable()


@table.add("POST", "/rest/videos", "media_upload")
def video_action(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    body = req.json()
    action = req.query.get("action")
    if action == "initializeUpload":
        return _initialize(emu, req, tok.user_id, body)
    if action == "finalizeUpload":
        return _finalize(emu, tok.user_id, body)
    return li_error(400, "Only action=initializeUpload and action=finalizeUpload are emulated")


def _initialize(emu: Emulator, req: Request, user_id: str, body: Any) -> Response:
    request = body.get("initializeUploadRequest") if isinstance(body, dict) else None
    request = request if isinstance(request, dict) else {}
    owner, size = request.get("owner"), request.get("fileSizeBytes")
    if not isinstance(owner, str):
        return li_error(
            422, "ERROR :: /initializeUploadRequest/owner :: field is required but not found\n"
        )
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_BYTES:
        return li_error(422, "ERROR :: /initializeUploadRequest/fileSizeBytes :: invalid\n")
    if not may_post_as(user_id, owner):
        return li_error(403, "Not enough permissions to upload on behalf of " + owner)
    now = emu.now_ts()
    upload = Upload(emu.state.new_id("li_video"), user_id, now, 0, "li_video", "", "pending")
    upload.total_bytes = size
    upload.extra.update(owner=owner, parts={}, token=f"tok{upload.id}")
    emu.state.uploads[upload.id] = upload
    host = req.header("Host") or "127.0.0.1"
    instructions = [
        {
            "uploadUrl": f"http://{host}/linkedin/dms-uploads/video/{upload.id}/{i}",
            "firstByte": first,
            "lastByte": min(first + PART_BYTES, size) - 1,
        }
        for i, first in enumerate(range(0, size, PART_BYTES))
    ]
    value = {
        "uploadUrlsExpireAt": int((now + UPLOAD_TTL) * 1000),
        "video": f"urn:li:video:{upload.id}",
        "uploadInstructions": instructions,
        "uploadToken": upload.extra["token"],
    }
    return json_response(200, {"value": value})


@table.add("PUT", r"/dms-uploads/video/(?P<id>\d+)/(?P<part>\d+)", "media_upload")
def upload_part(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    problem = token_problem(emu, P, req.bearer(), ("access",))
    if problem:
        return token_error(problem)
    upload = emu.state.uploads.get(m["id"])
    if upload is None or upload.category != "li_video" or upload.state != "pending":
        return li_error(404, "Upload not found")
    part = int(m["part"])
    first = part * PART_BYTES
    expected = min(first + PART_BYTES, upload.total_bytes) - first
    if expected <= 0 or len(req.body) != expected:
        return li_error(400, f"Part {part} must hold {max(expected, 0)} bytes")
    etag = hashlib.md5(req.body, usedforsecurity=False).hexdigest()
    upload.extra["parts"][part] = (etag, req.body)
    return empty_response(200, {"ETag": etag})


def _finalize(emu: Emulator, user_id: str, body: Any) -> Response:
    request = body.get("finalizeUploadRequest") if isinstance(body, dict) else None
    request = request if isinstance(request, dict) else {}
    upload = video(emu, str(request.get("video") or ""), ready=False)
    if upload is None or upload.user_id != user_id:
        return li_error(404, f"Video {request.get('video')} not found")
    if upload.state != "pending":
        return li_error(400, "This video upload was already finalized")
    parts = upload.extra["parts"]
    count = -(-upload.total_bytes // PART_BYTES)
    etags = [parts[i][0] for i in range(count) if i in parts]
    if len(etags) != count or request.get("uploadedPartIds") != etags:
        return li_error(400, "uploadedPartIds do not match the uploaded parts")
    if request.get("uploadToken", "") not in ("", upload.extra["token"]):
        return li_error(400, "Invalid uploadToken")
    data = b"".join(parts[i][1] for i in range(count))
    upload.size = len(data)
    upload.extra["parts"] = {}
    upload.extra["valid"] = is_video(data)
    upload.extra["processing_start"] = emu.now_ts()
    upload.state = "processing"
    return empty_response(200)


def settle(emu: Emulator, upload: Upload) -> str:
    """The video's status now: WAITING_UPLOAD, PROCESSING, AVAILABLE or PROCESSING_FAILED."""
    if upload.state == "pending":
        return "WAITING_UPLOAD"
    if upload.state == "processing":
        elapsed = emu.now_ts() - float(upload.extra["processing_start"])
        if elapsed >= emu.config.linkedin_video_processing_s:
            upload.state = "succeeded" if upload.extra.get("valid") else "failed"
    return {"processing": "PROCESSING", "succeeded": "AVAILABLE"}.get(
        upload.state, "PROCESSING_FAILED"
    )


@table.add("GET", r"/rest/videos/(?P<urn>[^/?]+)", "lookup")
def get_video(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    urn = unquote(m["urn"])
    upload = video(emu, urn, ready=False)
    if upload is None:
        return li_error(404, f"Video {urn} not found")
    body = {"id": urn, "owner": upload.extra.get("owner"), "status": settle(emu, upload)}
    return json_response(200, body)


def video(emu: Emulator, urn: str, *, ready: bool = True) -> Upload | None:
    """The uploaded video `urn` names (AVAILABLE only, unless `ready` is False)."""
    if not urn.startswith("urn:li:video:"):
        return None
    upload = emu.state.uploads.get(urn.removeprefix("urn:li:video:"))
    if upload is None or upload.category != "li_video":
        return None
    if ready and settle(emu, upload) != "AVAILABLE":
        return None
    return upload
