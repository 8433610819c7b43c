"""Facebook Pages (Graph API): feed posts and photos with the Page access token.

The account is a Page: external_id is the page id, credentials.access_token the page token
(from a long-lived user token, so it does not expire); the long-lived user token is kept in
`extra["user_token"]` to fetch a new page token when the old one is invalidated.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from app.adapters.base import (
    IDEMPOTENCY_HEADER,
    open_media,
)
from app.adapters.config import AdapterConfig
from app.adapters.graph import classify_graph
from app.adapters.graph_batch import read_posts_insights
from app.adapters.graph_comments import GraphComments
from app.adapters.http import (
    OUTCOME_UNKNOWN,
    Classifier,
    Reply,
    as_dict,
    as_int,
    as_list,
    as_str,
)
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    MediaItem,
    Metrics,
    PermanentError,
    PublishError,
    PublishResult,
    RateLimitInfo,
    TransientError,
)
from app.platforms.facebook.post_objects import engagement_of, post_objects
from app.platforms.names import Platform

# Page post insights as Meta serves them since 2025-11-15 (post_impressions and
# post_impressions_unique retired on every version): unique viewers stand for reach/views.
VIEWS_METRIC = "post_total_media_view_unique"
REACTIONS_METRIC = "post_reactions_by_type_total"
# Seconds between asks for a new video's feed post id (Graph sets it once processed).
VIDEO_POST_ID_WAITS = (2.0, 5.0, 10.0)
INSIGHT_METRICS = (VIEWS_METRIC, REACTIONS_METRIC, "post_clicks")

log = logging.getLogger(__name__)


def classify_facebook(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    return classify_graph(Platform.FACEBOOK, resp, body, rate_limit, now)


class FacebookAdapter(GraphComments):
    comment_text_field = "message"
    comment_time_field = "created_time"
    comment_permission = "pages_manage_engagement"
    platform = Platform.FACEBOOK
    #: two requests a post (insights, the post object) in Graph batch requests of 50
    metrics_batch_size = 25
    # Real Facebook takes photo files directly; only the emulator fetches them by URL.
    media_by_url = "emulator"

    def _classifier(self) -> Classifier:
        return classify_facebook

    def _graph_url(self, path: str) -> str:
        return self.config.graph(path)

    # ------------------------------------------------------------ publish

    def publish(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
    ) -> PublishResult:
        page = account.external_id
        idem = {IDEMPOTENCY_HEADER: idempotency_key}
        if not text and not media:
            raise PermanentError("A Facebook post needs text or media.", code="empty_post")
        videos = [m for m in media if (m.mime or "").startswith("video/")]
        if videos and len(media) > 1:
            raise PermanentError(
                "A Facebook post can have several photos or one video.", code="mixed_media"
            )
        if videos:
            reply = self._send_media(
                account, f"/{page}/videos", videos[0], {"description": text}, idem, unsafe=True
            )
            body = reply.json_dict(outcome_unknown=True)
            video_id = as_str(body.get("id"))
            post_id = as_str(body.get("post_id")) or (
                self._video_post_id(account, video_id) if video_id else None
            )
        elif len(media) == 1:
            reply = self._send_media(
                account, f"/{page}/photos", media[0], {"message": text}, idem, unsafe=True
            )
            body = reply.json_dict(outcome_unknown=True)
            post_id = as_str(body.get("post_id")) or as_str(body.get("id"))
        else:
            fields: dict[str, Any] = {"message": text}
            for index, item in enumerate(media):
                photo = self._send_media(
                    account, f"/{page}/photos", item, {"published": "false"}, {}, unsafe=False
                )
                photo_id = as_str(photo.json_dict().get("id"))
                if photo_id is None:
                    raise TransientError(
                        "Facebook stored a photo without an id", code="malformed_response"
                    )
                fields[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
            reply = self._call(
                "POST",
                f"/{page}/feed",
                account,
                data=fields,
                headers=idem,
                scope="publish",
                unsafe=True,
            )
            post_id = as_str(reply.json_dict(outcome_unknown=True).get("id"))
        if post_id is None:
            raise TransientError(
                "Facebook accepted the post but sent no id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        return PublishResult(post_id, f"https://www.facebook.com/{post_id}", reply.rate_limit)

    def _video_post_id(self, account: AccountRef, video_id: str) -> str:
        """The feed post of a Page video (`/videos` answers with the video's id only): the
        post id is what permalinks, look-ups and insights take. Graph may fill `post_id` only
        once the upload is processed, so it is asked again after short waits; the video is
        live either way, so failing that the video id is kept rather than a failed publish."""
        for wait in (*VIDEO_POST_ID_WAITS, None):
            try:
                reply = self._call("GET", f"/{video_id}", account, params={"fields": "post_id"})
                post_id = as_str(reply.json_dict().get("post_id"))
            except PublishError as exc:
                log.warning("Facebook video %s: no post id yet (%s)", video_id, exc.message)
                post_id = None
            if post_id:
                return post_id
            if wait is not None:
                self.sleep(wait)
        log.warning("Facebook video %s: keeping the video id, Graph gave no post id", video_id)
        return video_id

    def _send_media(
        self,
        account: AccountRef,
        path: str,
        item: MediaItem,
        fields: dict[str, Any],
        headers: dict[str, str],
        *,
        unsafe: bool,
    ) -> Reply:
        # Photos go up as files unless a host is given (the emulator's loopback server).
        url = self._hosted_url(account, item)
        is_video = (item.mime or "").startswith("video/")
        if item.alt_text and not is_video:  # the Photo node's custom alt text
            fields = {**fields, "alt_text_custom": item.alt_text}
        if url:
            data = {**fields, ("file_url" if is_video else "url"): url}
            return self._call(
                "POST", path, account, data=data, headers=headers, scope="publish", unsafe=unsafe
            )
        with open_media(item) as f:
            return self._call(
                "POST",
                path,
                account,
                data=fields,
                files={
                    "source": (Path(item.path).name, f, item.mime or "application/octet-stream")
                },
                headers=headers,
                timeout=self._upload_timeout(),
                scope="publish",
                unsafe=unsafe,
            )

    def media_hosts(
        self, page_account: Callable[[str], AccountRef]
    ) -> dict[str, FacebookPagePhotoHost]:
        """The media hostings this network offers other networks' accounts, by kind (read
        by app.adapters.source). `page_account(page_id)`: the connected Page's AccountRef."""
        return {"facebook_page_photo": FacebookPagePhotoHost(self, page_account)}

    def upload_unpublished_photo(self, account: AccountRef, item: MediaItem) -> str:
        """Upload an image as an unpublished Page photo and return its public CDN address
        (the "facebook_page_photo" media hosting for Instagram)."""
        if not (item.mime or "").startswith("image/"):
            raise PermanentError("Page-photo hosting takes images only.", code="unsupported_media")
        with open_media(item) as f:
            reply = self._call(
                "POST",
                f"/{account.external_id}/photos",
                account,
                data={"published": "false", "temporary": "true"},
                files={"source": (Path(item.path).name, f, item.mime)},
                timeout=self._upload_timeout(),
            )
        photo_id = as_str(reply.json_dict().get("id"))
        if photo_id is None:
            raise TransientError("Facebook stored a photo without an id", code="malformed_response")
        info = self._call("GET", f"/{photo_id}", account, params={"fields": "images"}).json_dict()
        images = [as_dict(i) for i in as_list(info.get("images"))]
        images = [i for i in images if as_str(i.get("source"))]
        if not images:
            raise TransientError(
                "Facebook gave no address for the photo", code="malformed_response"
            )
        best = max(images, key=lambda i: as_int(i.get("width")))
        return str(best["source"])

    # ------------------------------------------------------------ metrics

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        """Each post's insights and its object (comments, shares, reactions); several posts
        in two Graph batch requests (app.adapters.graph_batch), two calls a post either way."""
        found = read_posts_insights(self, account, external_ids, INSIGHT_METRICS)
        objects = post_objects(self, account, list(found))
        result: dict[str, Metrics] = {}
        for post_id, (values, newly) in found.items():
            comments, shares, reaction_count = engagement_of(objects.get(post_id))
            reactions = values.get(REACTIONS_METRIC)
            if isinstance(reactions, dict):
                likes = sum(as_int(v) for v in reactions.values())
            elif reactions is not None:
                likes = as_int(reactions)
            else:
                likes = reaction_count
            result[post_id] = Metrics(
                likes=likes,
                shares=shares,
                comments=comments,
                # Not served (refused): None, shown as "not reported by Facebook", never 0.
                impressions=as_int(values[VIEWS_METRIC]) if VIEWS_METRIC in values else None,
                refused_metrics=tuple(newly),
            )
        return result

    # ------------------------------------------------------------ reconciliation

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        return self._find_in_window(
            account,
            f"/{account.external_id}/feed",
            ("id", "created_time", "message"),
            text,
            since,
            until,
        )

    # ------------------------------------------------------------ tokens

    def refresh(self, account: AccountRef) -> Credentials:
        """A new page token from the stored long-lived user token (re-extended first)."""
        creds = account.credentials
        user_token = creds.extra.get("user_token")
        app = account.app
        if (
            not isinstance(user_token, str)
            or not user_token
            or app is None
            or not app.client_secret
        ):
            raise AuthError("Facebook needs you to reconnect this Page.", code="reconnect")
        extended = self.http.request(
            "GET",
            self.config.graph("/oauth/access_token"),
            account=account,
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "fb_exchange_token": user_token,
            },
        ).json_dict()
        new_user = as_str(extended.get("access_token")) or user_token
        for page in list_pages(self.http, self.config, new_user):
            if as_str(page.get("id")) == account.external_id and as_str(page.get("access_token")):
                extra = dict(creds.extra)
                extra["user_token"] = new_user
                expires_in = as_int(extended.get("expires_in"))
                if expires_in:
                    extra["user_token_expires_at"] = (
                        self.clock.now() + timedelta(seconds=expires_in)
                    ).isoformat()
                return Credentials(access_token=str(page["access_token"]), extra=extra)
        raise AuthError(
            "This Facebook account no longer manages the Page; reconnect it.", code="page_gone"
        )


def list_pages(http: Any, config: AdapterConfig, user_token: str) -> list[dict[str, Any]]:
    """The Pages a user manages, with their page tokens (follows paging to the end)."""
    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {"fields": "id,name,access_token,category,tasks", "limit": 100}
    seen: set[str] = set()
    while True:
        reply = http.request(
            "GET",
            config.graph("/me/accounts"),
            headers={"Authorization": f"Bearer {user_token}"},
            params=params,
        )
        body = reply.json_dict()
        pages.extend(as_dict(p) for p in as_list(body.get("data")))
        paging = as_dict(body.get("paging"))
        after = as_str(as_dict(paging.get("cursors")).get("after"))
        if after is None or not paging.get("next") or after in seen:
            break
        seen.add(after)
        params["after"] = after
    return pages


class FacebookPagePhotoHost:
    """MediaHost: an unpublished photo on a connected Facebook Page gives Instagram a URL.

    `page_account(page_id)` returns the AccountRef of that connected Page (the caller looks
    it up through AccountService.account_ref)."""

    def __init__(self, adapter: FacebookAdapter, page_account: Callable[[str], AccountRef]) -> None:
        self.adapter = adapter
        self.page_account = page_account

    def url_for(self, account: AccountRef, item: MediaItem) -> str:
        hosting = account.settings.get("media_hosting")
        page_id = hosting.get("page_id") if isinstance(hosting, dict) else None
        if not page_id:
            raise PermanentError(
                "Choose which connected Facebook Page hosts this account's images.",
                code="no_media_hosting",
            )
        return self.adapter.upload_unpublished_photo(self.page_account(str(page_id)), item)
