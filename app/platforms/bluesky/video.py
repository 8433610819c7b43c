"""Bluesky video: one video per post, embedded as `app.bsky.embed.video` {video blob, alt,
aspectRatio} (lexicon app/bsky/embed/video.json: an `video/mp4` blob; captions optional,
Herald sends none).

Two ways to get the blob, as Bluesky documents (docs.bsky.app "Video handling"):
- **the video service** (video.bsky.app), for accounts hosted by Bluesky: ask the PDS for
  service-auth tokens (com.atproto.server.getServiceAuth), read app.bsky.video.getUploadLimits,
  POST the bytes to app.bsky.video.uploadVideo, then poll app.bsky.video.getJobStatus until the
  job is JOB_STATE_COMPLETED with its blob (the service transcodes it and puts the blob in the
  account's repository itself). The service answers uploadVideo with the job status at the top
  level, not under `jobStatus` as the lexicon says (bluesky-social/atproto issues 3026, 3097),
  and a video it has seen before with `error: "already_exists"` and the earlier job's id:
  both are read here.
- **uploadBlob on the PDS** for any other PDS (self-hosted: the reference PDS takes a video
  blob like an image, up to its PDS_BLOB_UPLOAD_LIMIT).

Waits go through the adapter's injectable `sleep`, bounded; a job still running after them is
a TransientError (the next attempt uploads again and the service answers "already_exists").
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from app.adapters.base import open_media
from app.adapters.http import as_dict, as_int, as_str, parse_json
from app.core.logsetup import register_secret
from app.core.ports import AccountRef, MediaItem, PermanentError, RateLimitedError, TransientError
from app.platforms.bluesky import session

if TYPE_CHECKING:
    from app.platforms.bluesky.adapter import BlueskyAdapter

EMBED = "app.bsky.embed.video"
#: AdapterConfig.endpoints key of the video service, and its real address and DID
VIDEO_ENDPOINT = "BLUESKY_VIDEO"
VIDEO_SERVICE = "https://video.bsky.app"
VIDEO_SERVICE_DID = "did:web:video.bsky.app"
#: PDS hosts run by Bluesky (their accounts use the video service)
BLUESKY_HOSTED = ("bsky.social", ".bsky.network")
COMPLETED, FAILED = "JOB_STATE_COMPLETED", "JOB_STATE_FAILED"
#: seconds between job-status reads (about 3 minutes in all)
POLL_DELAYS = (1, 2, 3, 4, 5, 5, 10, 10, 15, 15, 20, 30, 30, 30)


def is_video(item: MediaItem) -> bool:
    return (item.mime or "").startswith("video/")


def video_embed(adapter: BlueskyAdapter, account: AccountRef, item: MediaItem) -> dict[str, Any]:
    """The `app.bsky.embed.video` of `item`, its blob uploaded now."""
    if item.mime != "video/mp4":
        raise PermanentError("Bluesky takes MP4 videos only.", code="media_rejected")
    blob = _via_service(adapter, account, item) if _service(adapter, account) else None
    if blob is None:
        blob = _via_pds(adapter, account, item)
    embed: dict[str, Any] = {"$type": EMBED, "video": blob}
    if item.alt_text:
        embed["alt"] = item.alt_text
    if item.width and item.height:
        embed["aspectRatio"] = {"width": item.width, "height": item.height}
    return embed


def _service(adapter: BlueskyAdapter, account: AccountRef) -> str | None:
    """The video service's address for this account, or None (upload to the PDS)."""
    configured = adapter.config.endpoints.get(VIDEO_ENDPOINT)
    if configured:
        return configured.rstrip("/")
    if adapter.config.emulator:
        return adapter.pds(account)  # the emulator serves the video methods too
    host = (urlsplit(adapter.pds(account)).hostname or "").lower()
    hosted = host == BLUESKY_HOSTED[0] or host.endswith(BLUESKY_HOSTED[1])
    return VIDEO_SERVICE if hosted else None


def _read(item: MediaItem) -> bytes:
    with open_media(item) as fh:
        return fh.read()


def _via_pds(adapter: BlueskyAdapter, account: AccountRef, item: MediaItem) -> dict[str, Any]:
    body = adapter._call(
        account,
        "com.atproto.repo.uploadBlob",
        "POST",
        headers={"Content-Type": item.mime},
        content=_read(item),
        timeout=adapter._upload_timeout(),
    )
    blob = as_dict(body.get("blob"))
    if not blob:
        raise PermanentError("Bluesky did not accept the video.", code="media_rejected")
    return blob


def _service_token(adapter: BlueskyAdapter, account: AccountRef, aud: str, lxm: str) -> str:
    exp = int((adapter.clock.now() + timedelta(minutes=30)).timestamp())
    body = adapter._call(
        account,
        "com.atproto.server.getServiceAuth",
        params={"aud": aud, "lxm": lxm, "exp": exp},
    )
    token = as_str(body.get("token"))
    if token is None:
        raise TransientError("Bluesky gave no service token", code="malformed")
    register_secret(token)
    return token


def _via_service(
    adapter: BlueskyAdapter, account: AccountRef, item: MediaItem
) -> dict[str, Any] | None:
    service = _service(adapter, account) or VIDEO_SERVICE
    data = _read(item)
    token = _service_token(adapter, account, VIDEO_SERVICE_DID, "app.bsky.video.getUploadLimits")
    _check_limits(adapter, account, service, token, len(data))
    pds_did = "did:web:" + (urlsplit(adapter.pds(account)).hostname or "")
    token = _service_token(adapter, account, pds_did, "com.atproto.repo.uploadBlob")
    body = _upload(adapter, account, service, token, item, data)
    job = as_dict(body.get("jobStatus")) or body  # the real service answers unwrapped
    blob = as_dict(job.get("blob"))
    if blob:
        return blob
    job_id = as_str(job.get("jobId"))
    if not job_id:
        raise PermanentError(
            f"Bluesky's video service refused the video: {_reason(job)}", code="media_rejected"
        )
    return _wait(adapter, account, service, job_id)


def _upload(
    adapter: BlueskyAdapter,
    account: AccountRef,
    service: str,
    token: str,
    item: MediaItem,
    data: bytes,
) -> dict[str, Any]:
    """POST the bytes to uploadVideo; its job status, also when the service refuses with one
    (a video it already has: "already_exists" and the earlier job's id)."""
    try:
        resp = adapter.http.client.request(
            "POST",
            session.xrpc(service, "app.bsky.video.uploadVideo"),
            params={"did": account.external_id, "name": f"{item.sha256[:16] or 'video'}.mp4"},
            headers={"Authorization": f"Bearer {token}", "Content-Type": item.mime},
            content=data,
            timeout=adapter._upload_timeout(),
        )
    except httpx.HTTPError as exc:
        raise TransientError(
            f"The upload to Bluesky's video service failed ({type(exc).__name__})",
            code="connection_error",
        ) from None
    body = as_dict(parse_json(resp))
    job = as_dict(body.get("jobStatus")) or body
    if 200 <= resp.status_code < 300 or as_str(job.get("jobId")):
        return body
    raise adapter.http.classify(resp, body, None, adapter.clock.now())


def _check_limits(
    adapter: BlueskyAdapter, account: AccountRef, service: str, token: str, size: int
) -> None:
    body = adapter.http.request(
        "GET",
        session.xrpc(service, "app.bsky.video.getUploadLimits"),
        account=account,
        headers={"Authorization": f"Bearer {token}"},
    ).json_dict()
    videos_left = body.get("remainingDailyVideos")
    bytes_left = body.get("remainingDailyBytes")
    spent = (videos_left is not None and as_int(videos_left) <= 0) or (
        bytes_left is not None and as_int(bytes_left) < size
    )
    reason = as_str(body.get("message")) or as_str(body.get("error"))
    if spent:
        raise RateLimitedError(
            "Bluesky's daily video upload limit is reached" + (f" ({reason})" if reason else ""),
            reset_at=adapter.clock.now() + timedelta(hours=1),
            code="bluesky_video_limit",
        )
    if body.get("canUpload") is False:
        raise PermanentError(
            f"Bluesky does not let this account upload videos: {reason or 'no reason given'}",
            code="video_not_allowed",
        )


def _wait(
    adapter: BlueskyAdapter, account: AccountRef, service: str, job_id: str
) -> dict[str, Any]:
    for attempt in range(len(POLL_DELAYS) + 1):
        body = adapter.http.request(
            "GET",
            session.xrpc(service, "app.bsky.video.getJobStatus"),
            account=account,
            params={"jobId": job_id},
        ).json_dict()
        job = as_dict(body.get("jobStatus")) or body
        blob = as_dict(job.get("blob"))
        if blob:  # COMPLETED, or "already_exists" with the earlier job's blob
            return blob
        if job.get("state") == FAILED:
            raise PermanentError(
                f"Bluesky could not process the video: {_reason(job)}", code="video_failed"
            )
        if attempt < len(POLL_DELAYS):
            adapter.sleep(POLL_DELAYS[attempt])
    raise TransientError(
        "Bluesky is still processing the video; Herald will try again later",
        code="video_processing",
    )


def _reason(job: dict[str, Any]) -> str:
    return as_str(job.get("message")) or as_str(job.get("error")) or "no reason given"
