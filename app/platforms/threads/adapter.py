"""Threads (graph.threads.net): containers, then threads_publish.

A post is a container made at publish time (TEXT, IMAGE with image_url, VIDEO with video_url,
or CAROUSEL of item containers), polled until FINISHED (bounded; the waits go through the
injectable `sleep`), then published. Threads fetches media itself from public addresses,
like Instagram. Before publishing, the live quota (`threads_publishing_limit`, 250 posts per
rolling 24 h) is read and a spent one is a rate limit, not a failure.

Exactly once: Threads has no idempotency key. The container made for an attempt is stored
against the attempt's idempotency key before it is published (`self.containers`: in the
engine, the database table publish_containers, so it outlives a crash) and forgotten once the
attempt is settled. A retry or a reconciliation asks it first (app/adapters/containers.py):
IN_PROGRESS/FINISHED was never published (publish that container), PUBLISHED was (adopt the
post, found by text among the user's own threads; never publish again), EXPIRED/ERROR means
a new container.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from app.adapters import containers
from app.adapters.graph_batch import BATCH_LIMIT
from app.adapters.graph_containers import GraphContainerAdapter
from app.adapters.http import OUTCOME_UNKNOWN, Classifier, as_str
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    DuplicatePostError,
    MediaItem,
    Metrics,
    PermanentError,
    PublishResult,
    TransientError,
)
from app.platforms.names import Platform
from app.platforms.threads import insights, replies
from app.platforms.threads.wire import (
    LONG_LIVED,
    REFRESH_MIN_AGE,
    check_media,
    classify_threads,
    container_error,
    graph_base,
    graph_url,
)

MAX_CAROUSEL = 20
LIST_FIELDS = ("id", "timestamp", "text")


class ThreadsAdapter(GraphContainerAdapter):
    platform = Platform.THREADS
    own_posts_edge = "threads"
    own_posts_fields = LIST_FIELDS
    publishing_limit_edge = "threads_publishing_limit"
    publishing_limit_code = "threads_publish_limit"
    token_lifetime = LONG_LIVED
    metrics_batch_size = BATCH_LIMIT  # one Graph batch request (each post still one call)
    media_by_url = "always"  # Threads downloads every image and video from a public URL

    def _classifier(self) -> Classifier:
        return classify_threads

    def _graph_url(self, path: str) -> str:
        return graph_url(self.config, path)

    # ------------------------------------------------------------ publish

    def publish(
        self, account: AccountRef, text: str, media: Sequence[MediaItem], idempotency_key: str
    ) -> PublishResult:
        return self._post(account, text, media, idempotency_key, reply_to_id=None)

    def reply(
        self,
        account: AccountRef,
        text: str,
        reply_to_id: str,
        idempotency_key: str,
        media: Sequence[MediaItem] = (),
    ) -> PublishResult:
        """Publish `text` (and at most one image) as a reply to the thread `reply_to_id`:
        a TEXT or IMAGE container with `reply_to_id`, then threads_publish. For chains."""
        if len(media) > 1:
            raise PermanentError("A Threads reply here holds at most one image.", code="media")
        return self._post(account, text, media, idempotency_key, reply_to_id=reply_to_id)

    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        """A chain's next part: a reply container to the part before (replies.py)."""
        return replies.publish_reply(self, account, text, parent_id, idempotency_key)

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        return replies.find_reply(self, account, parent_id, text, since, until)

    def _post(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        key: str,
        *,
        reply_to_id: str | None,
    ) -> PublishResult:
        if not text.strip() and not media:
            raise PermanentError("A Threads post needs text or media.", code="empty")
        if len(media) > MAX_CAROUSEL:
            raise PermanentError(
                f"A Threads carousel holds at most {MAX_CAROUSEL} items.", code="too_many_media"
            )
        quota = self.publishing_limit(account)
        earlier = containers.stored(self, key, self._status_reader(account))  # a crash's
        if earlier is not None and earlier.published:
            return self._adopt_published(account, key, text, quota)
        container = (
            earlier.container if earlier else self._make(account, text, media, key, reply_to_id)
        )
        self._wait_finished(account, container)
        try:
            media_id = self._publish_container(account, container, text)
        except DuplicatePostError:
            self.containers.forget(key)  # settled: the post that exists is adopted
            raise
        self.containers.forget(key)  # settled: only an unsettled attempt's container is kept
        return PublishResult(media_id, None, quota)

    def _make(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        key: str,
        reply_to_id: str | None,
    ) -> str:
        """A new container for the attempt, stored before anything publishes it."""
        extra = {"reply_to_id": reply_to_id} if reply_to_id else {}
        if not media:
            container = self._create(account, {"media_type": "TEXT", "text": text, **extra})
        elif len(media) == 1:
            fields = {**self._media_fields(account, media[0]), "text": text, **extra}
            container = self._create(account, fields)
        else:
            children = [
                self._create(
                    account, {**self._media_fields(account, m), "is_carousel_item": "true"}
                )
                for m in media
            ]
            for child in children:
                self._wait_finished(account, child)
            container = self._create(
                account, {"media_type": "CAROUSEL", "children": ",".join(children), "text": text}
            )
        self.containers.put(key, self.platform.value, container)
        return container

    def _status_reader(self, account: AccountRef) -> Callable[[str], str]:
        return lambda container: self.container_status(account, container)[0]

    def _media_fields(self, account: AccountRef, item: MediaItem) -> dict[str, Any]:
        check_media(item)
        url = self._hosted_url(account, item)
        if url is None:
            raise PermanentError(
                "Threads downloads media from a public address: choose a media hosting for "
                "this account in Accounts.",
                code="no_media_hosting",
            )
        # alt_text: images and videos (developers.facebook.com/docs/threads/posts/accessibility)
        alt = {"alt_text": item.alt_text} if item.alt_text else {}
        if (item.mime or "").startswith("video/"):
            return {"media_type": "VIDEO", "video_url": url, **alt}
        return {"media_type": "IMAGE", "image_url": url, **alt}

    def _create(self, account: AccountRef, fields: dict[str, Any]) -> str:
        # A container is not a post: making one twice is harmless (no "outcome unknown").
        reply = self._call(
            "POST", f"/{account.external_id}/threads", account, data=fields, scope="publish"
        )
        container = as_str(reply.json_dict().get("id"))
        if container is None:
            raise TransientError("Threads made a container without an id", code="malformed")
        return container

    def _publish_container(self, account: AccountRef, container: str, text: str) -> str:
        try:
            reply = self._call(
                "POST",
                f"/{account.external_id}/threads_publish",
                account,
                params={"creation_id": container},
                scope="publish",
                unsafe=True,
            )
        except PermanentError as exc:
            if exc.code != "duplicate":
                raise
            since = self.clock.now() - timedelta(hours=24)
            existing = self._find_own(account, text, since, None)
            if existing is None:
                raise
            raise DuplicatePostError(exc.message, existing, status=exc.status) from None
        media_id = as_str(reply.json_dict(outcome_unknown=True).get("id"))
        if media_id is None:
            raise TransientError(
                "Threads published without returning an id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        return media_id

    def container_status(self, account: AccountRef, container: str) -> tuple[str, str | None]:
        """(status, error_message) of a container: IN_PROGRESS, FINISHED, PUBLISHED, ERROR or
        EXPIRED."""
        body = self._call(
            "GET", f"/{container}", account, params={"fields": "id,status,error_message"}
        ).json_dict()
        return str(body.get("status") or ""), as_str(body.get("error_message"))

    def _container_finished(self, account: AccountRef, container: str) -> bool:
        status, error = self.container_status(account, container)
        if status == "PUBLISHED":
            raise PermanentError(
                "This Threads container was already published.", code="container_published"
            )
        if status == "ERROR":
            raise PermanentError(container_error(error), code="container_error")
        if status == "EXPIRED":
            raise TransientError("The Threads container expired", code="container_expired")
        return status == "FINISHED"

    # ------------------------------------------------------------ metrics

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        return insights.fetch(self, account, external_ids)

    # ------------------------------------------------------------ tokens

    def refresh(self, account: AccountRef) -> Credentials:
        """A new 60-day token (th_refresh_token): the old one must be a day old, unexpired."""
        creds = account.credentials
        if not creds.access_token:
            raise AuthError("No Threads token stored; reconnect the account.")
        issued = as_str(creds.extra.get("token_issued_at"))
        now = self.clock.now()
        if issued and now - datetime.fromisoformat(issued) < REFRESH_MIN_AGE:
            raise TransientError(
                "Threads refreshes a token only once it is a day old", code="token_too_young"
            )
        return self._refreshed(
            account,
            f"{graph_base(self.config)}/refresh_access_token",
            "th_refresh_token",
            malformed="malformed",
            now=now,
            extra={**creds.extra, "token_issued_at": now.isoformat()},
        )
