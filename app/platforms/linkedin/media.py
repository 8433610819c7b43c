"""LinkedIn media for a post: images (Images API) and video (Videos API), and the post's
`content` naming them with their alt text.

Video, as learn.microsoft.com's Videos API has it (and peers' code: postiz, others):
    POST /rest/videos?action=initializeUpload  {"initializeUploadRequest": {"owner",
         "fileSizeBytes", "uploadCaptions": false, "uploadThumbnail": false}}
      -> {"value": {"video": "urn:li:video:…", "uploadToken",
                    "uploadInstructions": [{"uploadUrl", "firstByte", "lastByte"}, …]}}
    PUT  each uploadUrl with bytes firstByte..lastByte -> the part's ETag header
    POST /rest/videos?action=finalizeUpload    {"finalizeUploadRequest": {"video",
         "uploadToken", "uploadedPartIds": [ETags in order]}}
    GET  /rest/videos/{urn}                    {"status": PROCESSING | AVAILABLE |
                                                PROCESSING_FAILED | WAITING_UPLOAD}
A post names the video as `content.media.id` once it is AVAILABLE; images as `content.media`
(one) or `content.multiImage.images` (2-20), each with `altText`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from app.adapters.base import open_media
from app.adapters.http import as_dict, as_int, as_list, as_str
from app.core.ports import AccountRef, MediaItem, PermanentError, TransientError

if TYPE_CHECKING:
    from app.platforms.linkedin.adapter import LinkedInAdapter

#: seconds between asks whether a finalized video is AVAILABLE; bounded (about 5 minutes)
VIDEO_POLL_DELAYS: tuple[float, ...] = (2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 60.0, 60.0, 60.0)
#: LinkedIn's altText is at most 4,086 characters (Images API, Posts API)
ALT_TEXT_MAX = 4086


def is_video(item: MediaItem) -> bool:
    return (item.mime or "").startswith("video/")


class LinkedInMedia:
    def __init__(self, adapter: LinkedInAdapter) -> None:
        self.adapter = adapter

    def content(self, account: AccountRef, media: Sequence[MediaItem]) -> dict[str, Any] | None:
        """The post's `content` for `media` (uploaded here, in order), or None without media."""
        if not media:
            return None
        videos = [m for m in media if is_video(m)]
        if videos:
            if len(media) > 1:
                raise PermanentError(
                    "A LinkedIn post can have several images or one video.", code="mixed_media"
                )
            return {"media": {"id": self.video(account, videos[0])}}
        images = [_image_entry(self.image(account, m), m) for m in media]
        if len(images) == 1:
            return {"media": images[0]}
        return {"multiImage": {"images": images}}

    # ------------------------------------------------------------ images

    def image(self, account: AccountRef, item: MediaItem) -> str:
        if not (item.mime or "").startswith("image/"):
            raise PermanentError(
                "Herald can post images and videos to LinkedIn, not documents.",
                code="unsupported_media",
            )
        a = self.adapter
        reply = a._call(
            "POST",
            "/rest/images",
            account,
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": account.external_id}},
            scope="media",
        )
        value = as_dict(reply.json_dict().get("value"))
        upload_url, image = as_str(value.get("uploadUrl")), as_str(value.get("image"))
        if upload_url is None or image is None:
            raise TransientError(
                "LinkedIn's image upload answer was incomplete", code="malformed_response"
            )
        self._check_url(upload_url)
        with open_media(item) as f:
            data = f.read()
        a._call(
            "PUT",
            upload_url,
            account,
            content=data,
            headers={"Content-Type": item.mime or "application/octet-stream"},
            timeout=a._upload_timeout(),
            scope="media",
        )
        return image

    # ------------------------------------------------------------ video

    def video(self, account: AccountRef, item: MediaItem) -> str:
        a = self.adapter
        with open_media(item) as f:
            data = f.read()
        reply = a._call(
            "POST",
            "/rest/videos",
            account,
            params={"action": "initializeUpload"},
            json={
                "initializeUploadRequest": {
                    "owner": account.external_id,
                    "fileSizeBytes": len(data),
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
            scope="media",
        )
        value = as_dict(reply.json_dict().get("value"))
        video = as_str(value.get("video"))
        parts = [as_dict(p) for p in as_list(value.get("uploadInstructions"))]
        if video is None or not parts:
            raise TransientError(
                "LinkedIn's video upload answer was incomplete", code="malformed_response"
            )
        etags = []
        for part in parts:
            url = as_str(part.get("uploadUrl")) or ""
            self._check_url(url)
            first, last = as_int(part.get("firstByte")), as_int(part.get("lastByte"))
            if not 0 <= first <= last < len(data):
                raise TransientError(
                    "LinkedIn asked for a part outside the video", code="malformed_response"
                )
            put = a._call(
                "PUT",
                url,
                account,
                content=data[first : last + 1],
                headers={"Content-Type": "application/octet-stream"},
                timeout=a._upload_timeout(),
                scope="media",
            )
            etag = put.headers.get("etag")
            if not etag:
                raise TransientError(
                    "LinkedIn stored a video part without an ETag", code="malformed_response"
                )
            etags.append(etag)
        a._call(
            "POST",
            "/rest/videos",
            account,
            params={"action": "finalizeUpload"},
            json={
                "finalizeUploadRequest": {
                    "video": video,
                    "uploadToken": as_str(value.get("uploadToken")) or "",
                    "uploadedPartIds": etags,
                }
            },
            scope="media",
        )
        self._wait_available(account, video)
        return video

    def _wait_available(self, account: AccountRef, video: str) -> None:
        a = self.adapter
        delays = list(a.video_poll_delays)
        for attempt in range(len(delays) + 1):
            reply = a._call("GET", f"/rest/videos/{quote(video, safe='')}", account)
            status = as_str(reply.json_dict().get("status"))
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise PermanentError(
                    "LinkedIn could not process the video", code="video_processing_failed"
                )
            if attempt < len(delays):
                a.sleep(delays[attempt])
        raise TransientError(
            "LinkedIn is still processing the video; Herald will try again later",
            code="video_processing_timeout",
        )

    def _check_url(self, url: str) -> None:
        if not self.adapter._trusted_upload_url(url):
            raise PermanentError(
                "LinkedIn gave an upload address Herald does not trust", code="bad_upload_url"
            )


def _image_entry(urn: str, item: MediaItem) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": urn}
    if item.alt_text:
        entry["altText"] = item.alt_text[:ALT_TEXT_MAX]
    return entry
