"""Instagram (Instagram API with Instagram Login, graph.instagram.com).

Publishing is two-step: create a media container from a public URL, wait until Meta has
fetched and processed it (status FINISHED), then media_publish. Carousels are containers
of item containers. Instagram fetches the media itself, so every item needs a URL: the
MediaItem's `public_url`, or one from the account's media hosting (app.adapters.media_server).
The container is stored before media_publish, so a crash between the two calls is settled by
asking it (app/adapters/containers.py), not by searching the account's media.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from app.adapters import containers
from app.adapters.base import IDEMPOTENCY_HEADER
from app.adapters.graph import classify_graph
from app.adapters.graph_batch import BATCH_LIMIT, read_posts_insights
from app.adapters.graph_comments import GraphComments
from app.adapters.graph_containers import GraphContainerAdapter
from app.adapters.http import (
    OUTCOME_UNKNOWN,
    Classifier,
    as_int,
    as_str,
    clean_message,
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
from app.platforms.names import Platform

INSIGHT_METRICS = ("reach", "likes", "comments", "shares", "saved", "total_interactions", "views")
MAX_CAROUSEL = 10
LONG_LIVED = timedelta(days=60)


def classify_instagram(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    return classify_graph(Platform.INSTAGRAM, resp, body, rate_limit, now)


class InstagramAdapter(GraphComments, GraphContainerAdapter):
    comment_text_field = "text"
    comment_time_field = "timestamp"
    comment_permission = "instagram_business_manage_comments"
    platform = Platform.INSTAGRAM
    own_posts_edge = "media"
    own_posts_fields = ("id", "timestamp", "caption")
    publishing_limit_edge = "content_publishing_limit"
    publishing_limit_code = "ig_publish_limit"
    token_lifetime = LONG_LIVED
    metrics_batch_size = BATCH_LIMIT  # one Graph batch request (each post still one call)
    media_by_url = "always"  # Instagram fetches every image and video from a public URL

    def _classifier(self) -> Classifier:
        return classify_instagram

    def _graph_url(self, path: str) -> str:
        return self.config.ig_graph(path)

    # ------------------------------------------------------------ publish

    def publish(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
    ) -> PublishResult:
        if not media:
            raise PermanentError(
                "An Instagram post needs at least one image or video.", code="no_media"
            )
        if len(media) > MAX_CAROUSEL:
            raise PermanentError(
                f"An Instagram carousel holds at most {MAX_CAROUSEL} items.", code="too_many_media"
            )
        quota = self.publishing_limit(account)
        ig = account.external_id
        status_of = self._status_reader(account)
        earlier = containers.stored(self, idempotency_key, status_of)  # a crash's container
        if earlier is not None and earlier.published:
            return self._adopt_published(account, idempotency_key, text, quota)
        if earlier is not None:
            container = earlier.container
        elif len(media) == 1:
            container = self._container(account, media[0], caption=text, key=idempotency_key)
        else:
            children = [self._container(account, m, carousel_item=True) for m in media]
            for child in children:
                self._wait_finished(account, child)
            container = self._create(
                account,
                {"media_type": "CAROUSEL", "children": ",".join(children), "caption": text},
                idempotency_key,
            )
        if earlier is None:  # stored before it is published: a crash cannot lose it
            self.containers.put(idempotency_key, self.platform.value, container)
        self._wait_finished(account, container)
        reply = self._call(
            "POST",
            f"/{ig}/media_publish",
            account,
            params={"creation_id": container},
            headers={IDEMPOTENCY_HEADER: idempotency_key},
            scope="publish",
            unsafe=True,
        )
        media_id = as_str(reply.json_dict(outcome_unknown=True).get("id"))
        if media_id is None:
            raise TransientError(
                "Instagram published without returning an id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        self.containers.forget(idempotency_key)
        return PublishResult(media_id, None, reply.rate_limit or quota)

    def _status_reader(self, account: AccountRef) -> Callable[[str], str]:
        def status_of(container: str) -> str:
            reply = self._call("GET", f"/{container}", account, params={"fields": "status_code"})
            return str(reply.json_dict().get("status_code") or "")

        return status_of

    def publishing_limit(self, account: AccountRef) -> RateLimitInfo | None:
        """The live content-publishing quota (posts per moving 24 h); raises when it is spent."""
        try:
            return super().publishing_limit(account)
        except PermanentError:
            return None  # an account type without the endpoint: let media_publish decide

    def _media_url(self, account: AccountRef, item: MediaItem) -> str:
        url = self._hosted_url(account, item)
        if url is None:
            raise PermanentError(
                "Instagram downloads media from a public address: choose a media hosting for "
                "this account in Accounts.",
                code="no_media_hosting",
            )
        return url

    def _container(
        self,
        account: AccountRef,
        item: MediaItem,
        *,
        caption: str | None = None,
        carousel_item: bool = False,
        key: str | None = None,
    ) -> str:
        url = self._media_url(account, item)
        fields: dict[str, Any] = {}
        if (item.mime or "").startswith("video/"):
            fields["media_type"] = "VIDEO" if carousel_item else "REELS"
            fields["video_url"] = url
        else:
            fields["image_url"] = url
            if item.alt_text:  # images only, up to 1,000 characters (ig-user/media)
                fields["alt_text"] = item.alt_text[:1000]
        if carousel_item:
            fields["is_carousel_item"] = "true"
        elif caption:
            fields["caption"] = caption
        return self._create(account, fields, key)

    def _create(self, account: AccountRef, fields: dict[str, Any], key: str | None) -> str:
        headers = {IDEMPOTENCY_HEADER: key} if key else {}
        # A container is not a post: creating it twice is harmless, so no "outcome unknown".
        reply = self._call(
            "POST",
            f"/{account.external_id}/media",
            account,
            data=fields,
            headers=headers,
            scope="publish",
        )
        container = as_str(reply.json_dict().get("id"))
        if container is None:
            raise TransientError(
                "Instagram created a container without an id", code="malformed_response"
            )
        return container

    def _container_finished(self, account: AccountRef, container: str) -> bool:
        body = self._call(
            "GET", f"/{container}", account, params={"fields": "status_code,status"}
        ).json_dict()
        code = body.get("status_code")
        if code == "ERROR":
            raise PermanentError(
                clean_message(body.get("status") or "Instagram could not process the media"),
                code="container_error",
            )
        if code == "EXPIRED":
            raise TransientError("The Instagram media container expired", code="container_expired")
        return code in ("FINISHED", "PUBLISHED")

    # ------------------------------------------------------------ metrics

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        """Each media's insights; several in one Graph batch request (app.adapters.graph_batch)."""
        result: dict[str, Metrics] = {}
        found = read_posts_insights(self, account, external_ids, INSIGHT_METRICS)
        for media_id, (values, newly) in found.items():
            views = values.get("views", values.get("reach"))
            result[media_id] = Metrics(
                likes=as_int(values.get("likes")),
                shares=as_int(values.get("shares")),
                comments=as_int(values.get("comments")),
                impressions=None if views is None else as_int(views),
                refused_metrics=tuple(newly),
            )
        return result

    # ------------------------------------------------------------ tokens

    def refresh(self, account: AccountRef) -> Credentials:
        """A new 60-day token (the old one must be at least 24 h old and unexpired)."""
        creds = account.credentials
        if not creds.access_token:
            raise AuthError("No Instagram token stored; reconnect the account.")
        return self._refreshed(
            account,
            f"{self.config.instagram_graph_base}/refresh_access_token",
            "ig_refresh_token",
            malformed="malformed_response",
        )
