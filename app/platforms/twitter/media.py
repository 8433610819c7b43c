"""X media upload: one-shot for small images, chunked for video, GIF and large images.

Paths and bodies follow X's OpenAPI (xdevplatform/xdk specs/openapi.json, v2.167):
    POST /2/media/upload                  multipart {media, media_category}  (one-shot)
    POST /2/media/upload/initialize       JSON {media_type, total_bytes, media_category}
    POST /2/media/upload/{id}/append      multipart {media, segment_index}
    POST /2/media/upload/{id}/finalize
    GET  /2/media/upload?media_id=&command=STATUS
Video and GIF are processed after finalize: `processing_info.state` goes pending ->
in_progress -> succeeded | failed, and X says how long to wait (`check_after_secs`). A post
may reference the media only once it has succeeded.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.adapters.base import open_media
from app.adapters.http import as_dict, as_int, as_str, clean_message
from app.core.ports import AccountRef, MediaItem, PermanentError, TransientError

if TYPE_CHECKING:
    from app.platforms.twitter.adapter import TwitterAdapter

# X takes images up to 5 MB in one request; anything bigger goes in chunks.
ONE_SHOT_LIMIT = 5 * 1024 * 1024
CHUNK_SIZE = 4 * 1024 * 1024
# How long Herald waits for X to process one video before trying again later.
MAX_PROCESSING_WAIT_S = 600.0
DEFAULT_CHECK_AFTER_S = 1
_WAITING = ("pending", "in_progress")

Sleep = Callable[[float], None]


def media_category(item: MediaItem) -> str:
    mime = media_type(item)
    if mime == "image/gif":
        return "tweet_gif"
    if mime.startswith("video/"):
        return "tweet_video"
    return "tweet_image"


def media_type(item: MediaItem) -> str:
    return item.mime or mimetypes.guess_type(item.path)[0] or "application/octet-stream"


def needs_chunks(item: MediaItem) -> bool:
    return media_category(item) != "tweet_image" or item.bytes > ONE_SHOT_LIMIT


class XMediaUploader:
    """Uploads one MediaItem for `adapter` and returns the media id a post may reference."""

    def __init__(
        self,
        adapter: TwitterAdapter,
        sleep: Sleep,
        *,
        chunk_size: int = CHUNK_SIZE,
        max_wait_s: float = MAX_PROCESSING_WAIT_S,
    ) -> None:
        self.adapter = adapter
        self.sleep = sleep
        self.chunk_size = max(1, chunk_size)
        self.max_wait_s = max_wait_s

    def upload(self, account: AccountRef, item: MediaItem) -> str:
        if needs_chunks(item):
            return self._chunked(account, item)
        return self._one_shot(account, item)

    # ------------------------------------------------------------ one request

    def _one_shot(self, account: AccountRef, item: MediaItem) -> str:
        with open_media(item) as f:
            reply = self.adapter._call(
                "POST",
                "/2/media/upload",
                account,
                files={"media": (Path(item.path).name, f, media_type(item))},
                data={"media_category": media_category(item)},
                timeout=self.adapter._upload_timeout(),
                scope="media",
            )
        return self._wait_until_ready(account, _data(reply.json_dict()))

    # ------------------------------------------------------------ chunked

    def _chunked(self, account: AccountRef, item: MediaItem) -> str:
        with open_media(item) as f:
            size = Path(item.path).stat().st_size
            init = self.adapter._call(
                "POST",
                "/2/media/upload/initialize",
                account,
                json={
                    "media_type": media_type(item),
                    "total_bytes": size,
                    "media_category": media_category(item),
                },
                scope="media",
            )
            media_id = _media_id(_data(init.json_dict()))
            index = 0
            while chunk := f.read(self.chunk_size):
                self.adapter._call(
                    "POST",
                    f"/2/media/upload/{media_id}/append",
                    account,
                    files={"media": ("chunk", chunk, "application/octet-stream")},
                    data={"segment_index": str(index)},
                    timeout=self.adapter._upload_timeout(),
                    scope="media",
                )
                index += 1
        final = self.adapter._call(
            "POST", f"/2/media/upload/{media_id}/finalize", account, scope="media"
        )
        data = _data(final.json_dict())
        data.setdefault("id", media_id)
        return self._wait_until_ready(account, data)

    # ------------------------------------------------------------ processing

    def _wait_until_ready(self, account: AccountRef, data: dict[str, Any]) -> str:
        """Poll STATUS while X processes the media; the waiting goes through `sleep`."""
        media_id = _media_id(data)
        waited = 0.0
        while True:
            info = as_dict(data.get("processing_info"))
            state = info.get("state")
            if state == "failed":
                error = as_dict(info.get("error"))
                raw = error.get("message") or error.get("name") or "X could not process the media"
                raise PermanentError(clean_message(str(raw)), code="media_failed")
            if state not in _WAITING:
                return media_id
            delay = max(1, as_int(info.get("check_after_secs")) or DEFAULT_CHECK_AFTER_S)
            if waited + delay > self.max_wait_s:
                raise TransientError(
                    f"X was still processing the media after {int(waited)} s; will try again",
                    code="media_processing",
                )
            self.sleep(delay)
            waited += delay
            reply = self.adapter._call(
                "GET",
                "/2/media/upload",
                account,
                params={"command": "STATUS", "media_id": media_id},
                scope="media",
            )
            data = _data(reply.json_dict())
            data.setdefault("id", media_id)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    """v2 wraps the media object in `data`; the v1.1-style answers some clients record do not."""
    wrapped = body.get("data")
    return dict(wrapped) if isinstance(wrapped, dict) else dict(body)


def _media_id(data: dict[str, Any]) -> str:
    media_id = as_str(data.get("id")) or as_str(data.get("media_id_string"))
    if media_id is None:
        raise TransientError(
            "X's media upload answered without a media id", code="malformed_response"
        )
    return media_id


#: X caps alt text at 1,000 characters (POST /2/media/metadata, xdk specs/openapi.json)
ALT_TEXT_MAX = 1000


def describe(adapter: TwitterAdapter, account: AccountRef, media_id: str, alt_text: str) -> None:
    """Attach alt text to an uploaded image: POST /2/media/metadata
    `{"id", "metadata": {"alt_text": {"text"}}}` (answers `{"data": {"id", ...}}`)."""
    adapter._call(
        "POST",
        "/2/media/metadata",
        account,
        json={"id": media_id, "metadata": {"alt_text": {"text": alt_text[:ALT_TEXT_MAX]}}},
        scope="media",
    )
