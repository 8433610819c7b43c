"""What Meta's two container networks share (Instagram, Threads): a post is a media container
polled until FINISHED, then published; a live publishing quota is read first; the container
made for an attempt is stored so a crash cannot duplicate or lose the post
(app/adapters/containers.py); a long-lived token is refreshed for a new one.

Each network keeps its own details as class data or an override: the edges of its own posts
and of its quota, the fields of its post listing, how a container's status reads
(`_container_finished`, `_status_reader`), its refresh grant and its lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from app.adapters import containers
from app.adapters.graph import GraphAdapter
from app.adapters.http import as_dict, as_int, as_list, as_str
from app.core.ports import (
    AccountRef,
    Credentials,
    PublishResult,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)

#: A container lives 24 h: a PUBLISHED one's post is looked for a little further back.
ADOPT_WINDOW = timedelta(hours=25)


def possessive(label: str) -> str:
    """ "Instagram's", "Threads'"."""
    return f"{label}'" if label.endswith("s") else f"{label}'s"


class GraphContainerAdapter(GraphAdapter):
    """A Graph network that publishes through media containers."""

    #: the edge under the account that lists its own posts, and that listing's id, time and
    #: text fields (for finding a post by its text)
    own_posts_edge: ClassVar[str] = ""
    own_posts_fields: ClassVar[tuple[str, str, str]] = ("id", "timestamp", "text")
    #: the edge of the live publishing quota, and the code of a spent quota's RateLimitedError
    publishing_limit_edge: ClassVar[str] = ""
    publishing_limit_code: ClassVar[str] = ""
    #: how long a refreshed token lives when the answer does not say
    token_lifetime: ClassVar[timedelta] = timedelta(days=60)

    def _status_reader(self, account: AccountRef) -> Callable[[str], str]:  # pragma: no cover
        raise NotImplementedError

    def _container_finished(self, account: AccountRef, container: str) -> bool:  # pragma: no cover
        """True once the container can be published, False while it is processing; raises
        for one that never will be."""
        raise NotImplementedError

    def _find_own(
        self, account: AccountRef, text: str, since: datetime, until: datetime | None
    ) -> str | None:
        path = f"/{account.external_id}/{self.own_posts_edge}"
        return self._find_in_window(account, path, self.own_posts_fields, text, since, until)

    def _adopt_published(
        self, account: AccountRef, key: str, text: str, quota: RateLimitInfo | None
    ) -> PublishResult:
        """The post a stored PUBLISHED container made (found by text), its container forgotten."""
        since = self.clock.now() - ADOPT_WINDOW
        adopted = containers.adopt(self.platform.label, self._find_own(account, text, since, None))
        self.containers.forget(key)
        return PublishResult(adopted, None, quota)

    def _wait_finished(self, account: AccountRef, container: str) -> None:
        """Poll until the container is FINISHED, backing off per config.ig_poll_delays (Meta's
        advice is the same for both: about once a minute, at most five minutes); bounded."""
        delays = list(self.config.ig_poll_delays)
        for attempt in range(len(delays) + 1):
            if self._container_finished(account, container):
                return
            if attempt < len(delays):
                self.sleep(delays[attempt])
        raise TransientError(
            f"{self.platform.label} is still processing the media; Herald will try again later",
            code="container_timeout",
        )

    def publishing_limit(self, account: AccountRef) -> RateLimitInfo | None:
        """The live publishing quota (posts per rolling 24 h); raises RateLimitedError when it
        is spent."""
        reply = self._call(
            "GET",
            f"/{account.external_id}/{self.publishing_limit_edge}",
            account,
            params={"fields": "quota_usage,config"},
        )
        entry = as_dict((as_list(reply.json_dict().get("data")) or [{}])[0])
        config = as_dict(entry.get("config"))
        if "quota_total" not in config or "quota_usage" not in entry:
            return None
        total, used = as_int(config.get("quota_total")), as_int(entry.get("quota_usage"))
        window = as_int(config.get("quota_duration")) or 86400
        info = RateLimitInfo(
            limit=total, remaining=max(0, total - used), reset_at=None, scope="publish"
        )
        self.http.report_rate_limit(account, info)
        if used >= total:
            raise RateLimitedError(
                f"{possessive(self.platform.label)} publishing limit is reached ({used} of "
                f"{total} posts in {window // 3600} h)",
                # A rolling window: the oldest post leaves it some time within `window`.
                reset_at=self.clock.now() + timedelta(hours=1),
                rate_limit=info,
                code=self.publishing_limit_code,
            )
        return info

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        if containers.never_published(self, idempotency_key, self._status_reader(account)):
            return None  # the stored container says so: the retry publishes or remakes it
        found = self._find_own(account, text, since, until)
        if found is not None:
            self.containers.forget(idempotency_key)  # settled
        return found

    def _refreshed(
        self,
        account: AccountRef,
        url: str,
        grant_type: str,
        *,
        malformed: str,
        now: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Credentials:
        """A new long-lived token for the stored one (GET `url`, `grant_type`); `malformed`:
        the code of an answer without a token; `extra`: the credentials' extra (else kept)."""
        creds = account.credentials
        body = self.http.request(
            "GET",
            url,
            account=account,
            params={"grant_type": grant_type, "access_token": creds.access_token},
        ).json_dict()
        token = as_str(body.get("access_token"))
        if token is None:
            raise TransientError(
                f"{possessive(self.platform.label)} refresh answer had no token", code=malformed
            )
        seconds = as_int(body.get("expires_in")) or int(self.token_lifetime.total_seconds())
        now = self.clock.now() if now is None else now
        return Credentials(
            access_token=token,
            refresh_token=None,
            expires_at=now + timedelta(seconds=seconds),
            extra=dict(creds.extra) if extra is None else extra,
        )
