"""Threads' wire facts: hosts, error classification, container error words.

Threads answers errors in Graph's envelope ``{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`` (developers.facebook.com/docs/graph-api/guides/error-handling;
recorded: tests/contract/recorded/threads/). Codes 1/2 transient, 4/17/341/613 throttled,
190 re-authorize, 10 and 200-299 permission, 368 policy block, 506 duplicate post.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.graph import classify_graph, graph_error_message
from app.adapters.http import as_dict, as_int
from app.core.ports import (
    MediaItem,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
)
from app.platforms.names import Platform

GRAPH_BASE = "https://graph.threads.net"
WEB_BASE = "https://threads.com"
#: AdapterConfig.endpoints keys: the Graph host and the authorize page's host
GRAPH_KEY = "THREADS"
WEB_KEY = "THREADS_WEB"
VERSION = "v1.0"
LONG_LIVED = timedelta(days=60)
#: Threads refreshes a long-lived token only once it is at least a day old
REFRESH_MIN_AGE = timedelta(hours=24)
POLICY_BLOCK = 368
EXTRA_THROTTLE = {341}  # "application limit reached" (Graph: 4/17/613 already)

#: a container's `error_message` when its status is ERROR, in words a person can act on
#: (developers.facebook.com/docs/threads/troubleshooting, "Publishing does not return a media ID")
CONTAINER_ERRORS = {
    "FAILED_DOWNLOADING_VIDEO": "Threads could not download the video from its public address.",
    "FAILED_PROCESSING_VIDEO": "Threads could not process the video.",
    "FAILED_PROCESSING_IMAGE": "Threads could not process the image.",
    "INVALID_ASPEC_RATIO": "Threads refused the media's aspect ratio.",
    "INVALID_ASPECT_RATIO": "Threads refused the media's aspect ratio.",
    "INVALID_BIT_RATE": "Threads refused the video's bit rate.",
    "INVALID_DURATION": "Threads refused the video's length (at most 5 minutes).",
    "INVALID_FRAME_RATE": "Threads refused the video's frame rate (23-60 FPS).",
    "INVALID_AUDIO_CHANNELS": "Threads refused the video's audio channels.",
    "INVALID_AUDIO_CHANNEL_LAYOUT": "Threads refused the video's audio channel layout.",
    "UNKNOWN": "Threads could not process the media (no reason given).",
}


IMAGE_MIMES = frozenset({"image/jpeg", "image/png"})
IMAGE_MAX_BYTES = 8 * 1024 * 1024
VIDEO_MIMES = frozenset({"video/mp4", "video/quicktime"})
VIDEO_MAX_BYTES = 1024 * 1024 * 1024
VIDEO_MAX_SECONDS = 300


def check_media(item: MediaItem) -> None:
    """Threads' media rules (developers.facebook.com/docs/threads/overview "Media
    specifications"), checked before any container is made: one clear refusal each."""
    mime = (item.mime or "").lower()
    if mime.startswith("video/"):
        if mime not in VIDEO_MIMES:
            raise PermanentError("Threads takes MP4 or MOV videos only.", code="media_type")
        if item.bytes > VIDEO_MAX_BYTES:
            raise PermanentError("Threads takes videos up to 1 GB.", code="media_too_large")
        if item.duration_s is not None and item.duration_s > VIDEO_MAX_SECONDS:
            raise PermanentError(
                f"Threads takes videos up to 5 minutes; this one is {item.duration_s:.0f} s.",
                code="video_too_long",
            )
        return
    if mime not in IMAGE_MIMES:
        raise PermanentError("Threads takes JPEG or PNG images only.", code="media_type")
    if item.bytes > IMAGE_MAX_BYTES:
        raise PermanentError("Threads takes images up to 8 MB.", code="media_too_large")


def graph_base(config: AdapterConfig) -> str:
    return config.endpoint(GRAPH_KEY, GRAPH_BASE)


def graph_url(config: AdapterConfig, path: str) -> str:
    return f"{graph_base(config)}/{VERSION}{path}"


def authorize_page(config: AdapterConfig) -> str:
    return f"{config.endpoint(WEB_KEY, WEB_BASE)}/oauth/authorize"


def container_error(error_message: object) -> str:
    key = str(error_message or "UNKNOWN").strip().upper()
    return CONTAINER_ERRORS.get(key, f"Threads could not process the media ({key}).")


def classify_threads(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    err = as_dict(as_dict(body).get("error"))
    code = as_int(err.get("code")) if err.get("code") is not None else None
    status = resp.status_code
    if code in EXTRA_THROTTLE:
        return RateLimitedError(
            graph_error_message(err) or "Threads: too many calls",
            reset_at=rate_limit.reset_at if rate_limit else None,
            rate_limit=rate_limit,
            code=f"graph_{code}",
            status=status,
        )
    if code == POLICY_BLOCK:
        return PermanentError(
            "Threads blocked this post as against its policies: "
            + (graph_error_message(err) or "no reason given"),
            code="policy_block",
            status=status,
        )
    return classify_graph(Platform.THREADS, resp, body, rate_limit, now)
