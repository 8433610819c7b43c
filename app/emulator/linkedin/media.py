"""LinkedIn Images API under /linkedin, the two-step upload image posts need.

    POST /rest/images?action=initializeUpload   {"initializeUploadRequest": {"owner": urn}}
         -> {"value": {"uploadUrl", "uploadUrlExpiresAt", "image": "urn:li:image:N"}}
    PUT  /dms-uploads/{N}                       the bytes, with the bearer token -> 201
    GET  /rest/images/{urn}                     {"id", "status": WAITING_UPLOAD | AVAILABLE}

The upload URL points back at this emulator (its Host header), under /linkedin, as LinkedIn's
points at www.linkedin.com. A post may then use the image in `content.media.id` or
`content.multiImage.images[].id`; an unknown or not-yet-uploaded image gives 422.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator.linkedin.auth import li_error, rest_auth, token_error
from app.emulator.media import image_kind
from app.emulator.oauth import token_problem
from app.emulator.routes import RouteTable
from app.emulator.state import Upload
from app.emulator.wire import Request, Response, empty_response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
UPLOAD_TTL = 86400
table = RouteTable()


def may_post_as(member_id: str, author: str) -> bool:
    """A member posts as themself or as an organization (page admin rights are assumed)."""
    return author == f"urn:li:person:{member_id}" or bool(
        re.fullmatch(r"urn:li:organization:\d+", author)
    )


@table.add("POST", "/rest/images", "media_upload")
def initialize_upload(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    if req.query.get("action") != "initializeUpload":
        return li_error(400, "Only action=initializeUpload is emulated")
    body = req.json()
    request = body.get("initializeUploadRequest") if isinstance(body, dict) else None
    owner = request.get("owner") if isinstance(request, dict) else None
    if not isinstance(owner, str):
        return li_error(
            422, "ERROR :: /initializeUploadRequest/owner :: field is required but not found\n"
        )
    if not may_post_as(tok.user_id, owner):
        return li_error(403, "Not enough permissions to upload on behalf of " + owner)
    now = emu.now_ts()
    upload = Upload(emu.state.new_id("li_image"), tok.user_id, now, 0, "li_image", "", "pending")
    upload.extra["owner"] = owner
    emu.state.uploads[upload.id] = upload
    host = req.header("Host") or "127.0.0.1"
    value = {
        "uploadUrlExpiresAt": int((now + UPLOAD_TTL) * 1000),
        "uploadUrl": f"http://{host}/linkedin/dms-uploads/{upload.id}?ca=emulator",
        "image": f"urn:li:image:{upload.id}",
    }
    return json_response(200, {"value": value})


@table.add("PUT", r"/dms-uploads/(?P<id>\d+)", "media_upload")
def upload_bytes(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    problem = token_problem(emu, P, req.bearer(), ("access",))
    if problem:
        return token_error(problem)
    upload = emu.state.uploads.get(m["id"])
    if upload is None or upload.category != "li_image":
        return li_error(404, "Upload not found")
    if emu.now_ts() >= upload.created_at + UPLOAD_TTL:
        return li_error(400, "The upload URL has expired")
    kind = image_kind(req.body)
    if kind is None:
        return li_error(400, "The uploaded file is not a supported image")
    upload.size, upload.mime, upload.state = len(req.body), f"image/{kind}", "succeeded"
    return empty_response(201)


@table.add("GET", r"/rest/images/(?P<urn>urn:li:image:\d+)", "lookup")
def get_image(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    upload = image(emu, m["urn"], ready=False)
    if upload is None:
        return li_error(404, f"Image {m['urn']} not found")
    status = "AVAILABLE" if upload.state == "succeeded" else "WAITING_UPLOAD"
    return json_response(
        200, {"id": m["urn"], "owner": upload.extra.get("owner"), "status": status}
    )


def image(emu: Emulator, urn: str, *, ready: bool = True) -> Upload | None:
    upload = emu.state.uploads.get(urn.removeprefix("urn:li:image:"))
    if upload is None or upload.category != "li_image" or not urn.startswith("urn:li:image:"):
        return None
    if ready and upload.state != "succeeded":
        return None
    return upload


def content_images(content: Any) -> list[str] | str:
    """The image URNs a post's `content` uses, or the 422 message when it is malformed."""
    if not content:
        return []
    if not isinstance(content, dict):
        return "ERROR :: /content :: expected a record\n"
    if isinstance(content.get("media"), dict):
        return [str(content["media"].get("id"))]
    multi = content.get("multiImage")
    if isinstance(multi, dict) and isinstance(multi.get("images"), list):
        ids = [str(i.get("id")) for i in multi["images"] if isinstance(i, dict)]
        return ids if 2 <= len(ids) <= 20 else "ERROR :: /content/multiImage :: 2 to 20 images\n"
    return []


def alt_texts(content: Any) -> list[str | None]:
    """Each image's altText, in the post's order (None where it has none)."""
    if not isinstance(content, dict):
        return []
    entries: Any = [content["media"]] if isinstance(content.get("media"), dict) else None
    if entries is None:
        multi = content.get("multiImage")
        entries = multi.get("images") if isinstance(multi, dict) else None
    return [e.get("altText") for e in entries or [] if isinstance(e, dict)]
