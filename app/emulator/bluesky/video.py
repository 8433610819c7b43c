"""Bluesky's video service (video.bsky.app) and the PDS's service-auth tokens, under /bluesky:

    GET  /xrpc/com.atproto.server.getServiceAuth?aud&lxm&exp   session -> {"token"}
    GET  /xrpc/app.bsky.video.getUploadLimits      service token (lxm getUploadLimits)
         -> {canUpload, remainingDailyVideos, remainingDailyBytes}
    POST /xrpc/app.bsky.video.uploadVideo?did&name  service token (lxm
         com.atproto.repo.uploadBlob, aud did:web:<pds host>), body the MP4 bytes
         -> the job status AT THE TOP LEVEL {did, jobId, state: JOB_STATE_CREATED}, as the real
            service answers (bluesky-social/atproto issues 3026 and 3097); the same video again
            -> 409 {did, jobId, state: JOB_STATE_COMPLETED, error: "already_exists", message}
    GET  /xrpc/app.bsky.video.getJobStatus?jobId    -> {"jobStatus": {jobId, did, state,
         progress, blob once JOB_STATE_COMPLETED}}

A job processes for `bluesky_video_processing_s` of the emulator's clock, then its blob is in
the account's blobs (what createRecord's `app.bsky.embed.video` must name). A body that is not
an MP4 fails the job (JOB_STATE_FAILED, "Failed to process video"); over 100 MB is refused.
Daily limits: 25 videos, 10 GB (Bluesky's published ones).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from app.emulator.bluesky.auth import P, token_of, xrpc_error
from app.emulator.media import is_video
from app.emulator.routes import RouteTable
from app.emulator.state import Token, Upload
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

table = RouteTable()
MAX_BYTES = 100 * 1024 * 1024
DAILY_VIDEOS = 25
DAILY_BYTES = 10 * 1024**3
DAY = 86400
SERVICE_S = 1800
CATEGORY = "bluesky_video"
CREATED, COMPLETED, FAILED = "JOB_STATE_CREATED", "JOB_STATE_COMPLETED", "JOB_STATE_FAILED"


@table.add("GET", r"/xrpc/com\.atproto\.server\.getServiceAuth", "token")
def get_service_auth(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    session = token_of(emu, req)
    if isinstance(session, Response):
        return session
    aud, lxm = req.query.get("aud") or "", req.query.get("lxm") or ""
    if not aud.startswith("did:"):
        return xrpc_error(400, "InvalidRequest", "aud must be a valid atproto DID")
    now = emu.now_ts()
    value = "svc." + secrets.token_urlsafe(24)
    scope = f"{aud} {lxm}".strip()
    emu.state.add_token(
        Token(value, "service", P, session.user_id, "", now, now + SERVICE_S, scope)
    )
    return json_response(200, {"token": value})


def _service_token(emu: Emulator, req: Request, lxm: str) -> Token | Response:
    token = token_of(emu, req, kind="service")
    if isinstance(token, Response):
        return token
    if token.scope.split()[-1:] != [lxm]:
        return xrpc_error(401, "BadJwtLexiconMethod", f"jwt lexicon method must be {lxm}")
    return token


def _jobs_today(emu: Emulator, did: str) -> list[Upload]:
    since = emu.now_ts() - DAY
    return [
        u
        for u in emu.state.uploads.values()
        if u.category == CATEGORY and u.user_id == did and u.created_at >= since
    ]


@table.add("GET", r"/xrpc/app\.bsky\.video\.getUploadLimits", "account")
def get_upload_limits(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    token = _service_token(emu, req, "app.bsky.video.getUploadLimits")
    if isinstance(token, Response):
        return token
    jobs = _jobs_today(emu, token.user_id)
    videos = max(0, DAILY_VIDEOS - len(jobs))
    size = max(0, DAILY_BYTES - sum(j.size for j in jobs))
    body: dict[str, Any] = {
        "canUpload": videos > 0 and size > 0,
        "remainingDailyVideos": videos,
        "remainingDailyBytes": size,
    }
    if not body["canUpload"]:
        body["message"] = "You have reached your daily video upload limit"
    return json_response(200, body)


def _status(job: Upload) -> dict[str, Any]:
    status: dict[str, Any] = {"jobId": job.id, "did": job.user_id, "state": job.state}
    if job.state == COMPLETED:
        status["progress"] = 100
        status["blob"] = job.extra["blob"]
    elif job.state == FAILED:
        status["error"] = f"video processing error for job: {job.id}"
        status["message"] = "Failed to process video"
    else:
        status["progress"] = 0
    return status


@table.add("POST", r"/xrpc/app\.bsky\.video\.uploadVideo", "media")
def upload_video(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    token = _service_token(emu, req, "com.atproto.repo.uploadBlob")
    if isinstance(token, Response):
        return token
    if req.query.get("did") != token.user_id:
        return xrpc_error(400, "InvalidRequest", "did does not match the token")
    data = bytes(req.body)
    if len(data) > MAX_BYTES:
        return xrpc_error(400, "InvalidRequest", "Video is too large: at most 100 MB")
    digest = hashlib.sha256(data).hexdigest()
    for job in _jobs_today(emu, token.user_id):
        if job.extra.get("sha256") == digest and job.state != FAILED:
            _refresh(emu, job)
            seen = {**_status(job), "error": "already_exists", "message": "Video already processed"}
            seen.pop("blob", None)
            return json_response(409, seen)
    from app.emulator.bluesky.api import base32  # the CID spelling the PDS's blobs use

    cid = "bafkrei" + base32(hashlib.sha256(data).digest())[:52]
    job = Upload(
        id=secrets.token_hex(10),
        user_id=token.user_id,
        created_at=emu.now_ts(),
        size=len(data),
        category=CATEGORY,
        mime=req.content_type or "video/mp4",
        state=CREATED if is_video(data) else FAILED,
        extra={
            "sha256": digest,
            "blob": {
                "$type": "blob",
                "ref": {"$link": cid},
                "mimeType": "video/mp4",
                "size": len(data),
            },
        },
    )
    emu.state.uploads[job.id] = job
    if job.state == CREATED:
        emu.state.blobs[cid] = ("video/mp4", data)
    return json_response(200, _status(job))


def _refresh(emu: Emulator, job: Upload) -> None:
    if (
        job.state == CREATED
        and emu.now_ts() - job.created_at >= emu.config.bluesky_video_processing_s
    ):
        job.state = COMPLETED


@table.add("GET", r"/xrpc/app\.bsky\.video\.getJobStatus", "lookup")
def get_job_status(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    job = emu.state.uploads.get(req.query.get("jobId") or "")
    if job is None or job.category != CATEGORY:
        return xrpc_error(400, "InvalidRequest", "Job not found")
    _refresh(emu, job)
    return json_response(200, {"jobStatus": _status(job)})
