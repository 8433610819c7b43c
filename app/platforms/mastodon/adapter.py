"""Mastodon adapter: statuses with Idempotency-Key, media with processing, metrics, recovery.

    POST /api/v2/media               multipart file + description; 200 done, 202 processing
    GET  /api/v1/media/:id           206 still processing, 200 done
    POST /api/v1/statuses            status, media_ids[], visibility, spoiler_text, language;
                                     `Idempotency-Key`: the server keeps keys for 1 hour
    GET  /api/v1/statuses/:id        favourites_count, reblogs_count, replies_count, quotes_count
    GET  /api/v1/accounts/:id/statuses   the account's own statuses, newest first (recovery)
    GET  /api/v2/instance            the instance's limits (cached in the account's settings)

Every account carries its instance's address in its settings; tokens do not expire (a 401
means reconnect).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from app.adapters.base import (
    IDEMPOTENCY_HEADER,
    MAX_LOOKUP_PAGES,
    BaseAdapter,
    open_media,
    parse_time,
    same_text,
)
from app.adapters.http import Classifier, RateLimitReader, as_dict, as_str
from app.core.ports import (
    AccountRef,
    Credentials,
    MediaItem,
    Metrics,
    PermanentError,
    PublishResult,
    TransientError,
)
from app.platforms import mastodon
from app.platforms.mastodon import wire
from app.platforms.names import Platform

#: waits between media polls (seconds); about five minutes in all, then a retry later
MEDIA_POLL_DELAYS: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0, 60.0, 60.0)
PAGE_SIZE = 40  # the most GET /api/v1/accounts/:id/statuses returns per page


class MastodonAdapter(BaseAdapter):
    platform = Platform(mastodon.NAME)
    #: GET /api/v1/statuses?id[]=… answers up to 20 statuses (Mastodon 4.3+)
    metrics_batch_size = 20
    #: instances (base addresses) older than 4.3, asked one status a call
    _one_by_one: set[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._one_by_one = set()

    media_poll_delays: tuple[float, ...] = MEDIA_POLL_DELAYS

    def _classifier(self) -> Classifier:
        return wire.classify

    def _rate_limit_reader(self) -> RateLimitReader | None:
        return wire.rate_limit

    def _base(self, account: AccountRef) -> str:
        return wire.base_url(self.config.endpoints, account.settings)

    # ------------------------------------------------------------ publishing

    def publish(
        self, account: AccountRef, text: str, media: Sequence[MediaItem], idempotency_key: str
    ) -> PublishResult:
        return self._post_status(account, text, media, idempotency_key, None)

    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        """A chain's next part: a status `in_reply_to_id` the part before (issue 19)."""
        return self._post_status(account, text, (), idempotency_key, parent_id)

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        """An interrupted part, among the account's own statuses like a post."""
        return self.find_existing(account, "", text, since, until)

    def _post_status(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
        in_reply_to_id: str | None,
    ) -> PublishResult:
        base = self._base(account)
        media_ids = [self._upload(account, base, item) for item in media]
        body: dict[str, Any] = {"status": text, "visibility": option(account, "visibility")}
        if media_ids:
            body["media_ids"] = media_ids
        if in_reply_to_id:
            body["in_reply_to_id"] = in_reply_to_id
        spoiler = option(account, "spoiler_text")
        if spoiler:
            body["spoiler_text"] = spoiler
        language = option(account, "language")
        if language:
            body["language"] = language
        reply = self.http.request(
            "POST",
            f"{base}/api/v1/statuses",
            account=account,
            scope="publish",
            unsafe=True,
            headers={**self._bearer(account), IDEMPOTENCY_HEADER: idempotency_key},
            json=body,
        )
        status = reply.json_dict(outcome_unknown=True)
        status_id = as_str(status.get("id"))
        if not status_id:
            raise TransientError(
                "Mastodon's answer to the post had no status id",
                code="outcome_unknown",
                status=reply.status,
            )
        return PublishResult(status_id, as_str(status.get("url")), reply.rate_limit)

    def _upload(self, account: AccountRef, base: str, item: MediaItem) -> str:
        mime = item.mime or mimetypes.guess_type(item.path)[0] or "application/octet-stream"
        data = {"description": item.alt_text} if item.alt_text else {}
        with open_media(item) as fh:
            reply = self.http.request(
                "POST",
                f"{base}/api/v2/media",
                account=account,
                scope="publish",
                headers=self._bearer(account),
                files={"file": (Path(item.path).name, fh, mime)},
                data=data,
                timeout=self._upload_timeout(),
            )
        media_id = as_str(reply.json_dict().get("id"))
        if not media_id:
            raise TransientError("Mastodon's answer to the upload had no media id")
        if reply.status == 202:
            self._wait_processed(account, base, media_id, Path(item.path).name)
        return media_id

    def _wait_processed(self, account: AccountRef, base: str, media_id: str, name: str) -> None:
        """Poll GET /api/v1/media/:id until 200 (206: still processing), a bounded wait."""
        for delay in self.media_poll_delays:
            self.sleep(delay)
            reply = self.http.request(
                "GET",
                f"{base}/api/v1/media/{media_id}",
                account=account,
                headers=self._bearer(account),
            )
            if reply.status == 200 and as_str(reply.json_dict().get("url")):
                return
        raise TransientError(
            f"Mastodon was still processing {name!r}; Herald tries again later.",
            code="media_processing",
        )

    # ------------------------------------------------------------ reading

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        """Up to 20 statuses in one GET /api/v1/statuses?id[]=… (Mastodon 4.3+; deleted ones
        are simply not in the answer); an older instance (404 there) one status a call."""
        base = self._base(account)
        ids = list(dict.fromkeys(external_ids))
        if len(ids) > 1 and base not in self._one_by_one:
            try:
                reply = self.http.request(
                    "GET",
                    f"{base}/api/v1/statuses",
                    account=account,
                    headers=self._bearer(account),
                    params=[("id[]", i) for i in ids],
                )
            except PermanentError as exc:
                if exc.status != 404:
                    raise
                self._one_by_one.add(base)  # before 4.3: no batch look-up on this instance
            else:
                body = reply.json()
                if not isinstance(body, list):
                    raise TransientError(
                        f"Mastodon sent an unexpected answer for {len(ids)} statuses",
                        code="malformed",
                        status=reply.status,
                    )
                found = [as_dict(x) for x in body]
                return {
                    str(x.get("id")): wire.metrics_of(x) for x in found if str(x.get("id")) in ids
                }
        out: dict[str, Metrics] = {}
        for status_id in ids:
            try:
                reply = self.http.request(
                    "GET",
                    f"{base}/api/v1/statuses/{status_id}",
                    account=account,
                    headers=self._bearer(account),
                )
            except PermanentError as exc:
                if exc.status == 404:  # deleted: left out, as the port says
                    continue
                raise
            out[status_id] = wire.metrics_of(reply.json_dict())
        return out

    def instance_limits(self, account: AccountRef) -> dict[str, int]:
        """The instance's own limits now (GET /api/v2/instance), for the account's settings."""
        reply = self.http.request("GET", f"{self._base(account)}/api/v2/instance", account=account)
        return wire.limits_of(reply.json_dict())

    def refresh(self, account: AccountRef) -> Credentials:
        """Mastodon tokens do not expire; nothing to refresh (a 401 means reconnect)."""
        return account.credentials

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        """After the server's one-hour idempotency window: the account's own statuses made
        in the doubtful window, matched by text."""
        base = self._base(account)
        params: dict[str, Any] = {"limit": PAGE_SIZE, "exclude_reblogs": "true"}
        for _ in range(MAX_LOOKUP_PAGES):
            reply = self.http.request(
                "GET",
                f"{base}/api/v1/accounts/{account.external_id}/statuses",
                account=account,
                headers=self._bearer(account),
                params=params,
            )
            statuses = wire.statuses_of(reply.json())
            for status in statuses:
                created = parse_time(status.get("created_at"))
                if created is not None and until is not None and created > until:
                    continue
                if created is not None and created < since:
                    return None
                if same_text(wire.plain_text(as_str(status.get("content"))), text):
                    return as_str(status.get("id"))
            if len(statuses) < PAGE_SIZE:
                return None
            params["max_id"] = as_str(as_dict(statuses[-1]).get("id"))
        return None


def option(account: AccountRef, name: str) -> str:
    """A per-account option (visibility, spoiler_text, language): the account's settings,
    else the descriptor's default."""
    key = f"mastodon.{name}"
    default = next((s.default for s in mastodon.DESCRIPTOR.settings if s.key == key), "")
    value = as_str(account.settings.get(key))
    if name == "visibility" and value not in mastodon.VISIBILITIES:
        return default
    return (value if value is not None else default).strip()
