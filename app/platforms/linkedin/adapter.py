"""LinkedIn Posts API (versioned REST): person or organization author, images, statistics.
(Escaping, error classification and token answers: wire.py, re-exported here.)

Every call sends `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`. A created post's
id comes back in the `x-restli-id` header of an empty 201. Commentary is "little text
format": its reserved characters are escaped, or LinkedIn cuts the text at the first one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from app.adapters.base import (
    IDEMPOTENCY_HEADER,
    chunks,
    parse_time,
    same_text,
)
from app.adapters.http import (
    OUTCOME_UNKNOWN,
    Classifier,
    Reply,
    as_dict,
    as_list,
    as_str,
)
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    LookupUnavailableError,
    MediaItem,
    Metrics,
    PermanentError,
    PublishError,
    PublishResult,
    TransientError,
)
from app.platforms.linkedin import LINKEDIN_VERSION, access, metrics
from app.platforms.linkedin.comments import LinkedInComments
from app.platforms.linkedin.media import VIDEO_POLL_DELAYS, LinkedInMedia
from app.platforms.linkedin.wire import (
    NOT_PERMITTED,
    VERSION_INACTIVE,
    classify_linkedin,
    escape_commentary,
    linkedin_credentials,
    next_midnight_utc,
    post_url,
    unescape_commentary,
)
from app.platforms.names import Platform

# The wire helpers are imported from here by callers that know the adapter module.
__all__ = [
    "NOT_PERMITTED",
    "VERSION_INACTIVE",
    "LinkedInAdapter",
    "classify_linkedin",
    "escape_commentary",
    "linkedin_credentials",
    "next_midnight_utc",
    "post_url",
    "unescape_commentary",
]

log = logging.getLogger(__name__)


class LinkedInAdapter(LinkedInComments):
    platform = Platform.LINKEDIN
    metrics_batch_size = 20
    video_poll_delays: tuple[float, ...] = VIDEO_POLL_DELAYS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._version = self.config.linkedin_version or LINKEDIN_VERSION
        self._version_lock = threading.Lock()

    @property
    def version(self) -> str:
        """The LinkedIn-Version sent now (the setting, or the fallback after a refusal)."""
        return self._version

    def _classifier(self) -> Classifier:
        return classify_linkedin

    def _headers(self, account: AccountRef) -> dict[str, str]:
        headers = self._bearer(account)
        headers["LinkedIn-Version"] = self._version
        headers["X-Restli-Protocol-Version"] = "2.0.0"
        return headers

    def _call(self, method: str, url: str, account: AccountRef, **kwargs: Any) -> Reply:
        extra = kwargs.pop("headers", {})
        if url.startswith("/"):
            url = f"{self.config.linkedin_api_base}{url}"
        sent = self._version
        try:
            return self._request(method, url, account, extra, **kwargs)
        except PermanentError as exc:
            if exc.code != VERSION_INACTIVE:
                raise
            # A refused version made nothing, so even a publish may be sent again.
            if not self._step_version(sent, exc.message):
                raise _version_error(sent, exc) from None
        try:
            return self._request(method, url, account, extra, **kwargs)
        except PermanentError as exc:
            if exc.code != VERSION_INACTIVE:
                raise
            raise _version_error(self._version, exc) from None

    def _request(
        self, method: str, url: str, account: AccountRef, extra: dict[str, str], **kwargs: Any
    ) -> Reply:
        headers = self._headers(account)
        headers.update(extra)
        return self.http.request(method, url, account=account, headers=headers, **kwargs)

    def _step_version(self, refused: str, message: str) -> bool:
        """Once: from a refused version to the newest one Herald knows to work."""
        with self._version_lock:
            if self._version != refused:
                return True  # another call already stepped
            if refused == LINKEDIN_VERSION:
                return False
            self._version = LINKEDIN_VERSION
        log.warning(
            "LinkedIn refused API version %s (%s); using %s from now on. "
            "Update the LinkedIn API version in the settings.",
            refused,
            message,
            LINKEDIN_VERSION,
        )
        return True

    def _may_read(self, account: AccountRef) -> bool:
        return access.linkedin_can_read(account.external_id, account.settings)

    # ------------------------------------------------------------ publish

    def publish(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
    ) -> PublishResult:
        author = account.external_id
        content = LinkedInMedia(self).content(account, media)
        body: dict[str, Any] = {
            "author": author,
            "commentary": escape_commentary(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if content is not None:
            body["content"] = content
        reply = self._call(
            "POST",
            "/rest/posts",
            account,
            json=body,
            headers={IDEMPOTENCY_HEADER: idempotency_key},
            scope="publish",
            unsafe=True,
        )
        urn = reply.headers.get("x-restli-id") or as_str(as_dict(_maybe_json(reply)).get("id"))
        if not urn:
            raise TransientError(
                "LinkedIn accepted the post but sent no id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        return PublishResult(urn, post_url(urn), reply.rate_limit)

    def _trusted_upload_url(self, url: str) -> bool:
        """Only send the token to LinkedIn itself (or the configured emulator)."""
        if url.startswith(self.config.linkedin_api_base + "/") or url.startswith(
            self.config.linkedin_web_base + "/"
        ):
            return True
        parts = urlsplit(url)
        host = parts.hostname or ""
        return parts.scheme == "https" and (
            host == "linkedin.com" or host.endswith(".linkedin.com")
        )

    # ------------------------------------------------------------ metrics

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        ids = [i for i in dict.fromkeys(external_ids) if i]
        if not self._may_read(account):
            # Not asked at all: LinkedIn would answer 403 to every post, every day.
            raise _not_permitted(account)
        if access.is_linkedin_page(account.external_id):
            result: dict[str, Metrics] = {}
            for batch in chunks(ids, self.metrics_batch_size):
                result.update(self._org_statistics(account, batch))
            return result
        return self._social_actions(account, ids)

    def _org_statistics(self, account: AccountRef, urns: Sequence[str]) -> dict[str, Metrics]:
        return metrics.organization_statistics(
            lambda url: self._read(account, "GET", url),
            self.config.linkedin_api_base,
            account.external_id,
            urns,
        )

    def _social_actions(self, account: AccountRef, urns: Sequence[str]) -> dict[str, Metrics]:
        return metrics.social_actions(lambda url: self._read(account, "GET", url), urns)

    def _read(self, account: AccountRef, method: str, url: str) -> Reply:
        """A read that needs a read scope: LinkedIn's 403 says the scope is missing."""
        try:
            return self._call(method, url, account)
        except PermanentError as exc:
            if exc.status == 403:
                raise _not_permitted(account, exc.message) from None
            raise

    # ------------------------------------------------------------ reconciliation

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        """Pages the author's posts, newest first, until they are older than `since`: the
        window bounds the search, not a page count. Without a read scope nothing can be
        listed; LinkedIn then refuses an identical re-send naming the post (DUPLICATE_POST),
        which the engine uses instead."""
        if not self._may_read(account):
            raise self._lookup_unavailable(account)
        floor = since - timedelta(minutes=1)
        ceiling = until + timedelta(minutes=1) if until is not None else None
        count = 50
        start = 0
        previous: list[str] = []
        while True:
            url = (
                f"{self.config.linkedin_api_base}/rest/posts?q=author"
                f"&author={quote(account.external_id, safe='')}"
                f"&count={count}&start={start}&sortBy=CREATED"
            )
            try:
                reply = self._read(account, "GET", url)
            except PermanentError as exc:
                if exc.code == NOT_PERMITTED:
                    raise self._lookup_unavailable(account, exc.message) from None
                raise
            elements = [as_dict(e) for e in as_list(reply.json_dict().get("elements"))]
            ids = [as_str(e.get("id")) or "" for e in elements]
            if elements and ids == previous:
                raise TransientError(
                    "LinkedIn's post list repeated a page; cannot check for the post",
                    code="lookup_truncated",
                )
            previous = ids
            older_seen = False
            for element in elements:
                when = parse_time(element.get("createdAt") or element.get("publishedAt"))
                if when is not None and when < floor:
                    older_seen = True
                    continue
                if when is not None and ceiling is not None and when > ceiling:
                    continue  # made after the doubtful attempt: not ours
                commentary = element.get("commentary")
                if isinstance(commentary, str) and same_text(unescape_commentary(commentary), text):
                    return as_str(element.get("id"))
            if older_seen or len(elements) < count:
                return None
            start += count

    @staticmethod
    def _lookup_unavailable(
        account: AccountRef, detail: str | None = None
    ) -> LookupUnavailableError:
        what = "its page's" if access.is_linkedin_page(account.external_id) else "the member's"
        message = (
            f"LinkedIn does not let this app list {what} posts, so Herald cannot check "
            "whether an earlier attempt went out"
        )
        if detail:
            message += f" (LinkedIn: {detail})"
        return LookupUnavailableError(message, resend_reveals_duplicate=True)

    # ------------------------------------------------------------ tokens

    def refresh(self, account: AccountRef) -> Credentials:
        creds = account.credentials
        if not creds.refresh_token:
            raise AuthError(
                "LinkedIn access tokens last 60 days and this app has no refresh token; "
                "reconnect the account.",
                code="no_refresh_token",
            )
        app = account.app
        if app is None or not app.client_secret:
            raise AuthError("The LinkedIn developer app is not set up; enter it in Accounts.")
        reply = self.http.request(
            "POST",
            f"{self.config.linkedin_web_base}/oauth/v2/accessToken",
            account=account,
            data={
                "grant_type": "refresh_token",
                "refresh_token": creds.refresh_token,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
            },
        )
        return linkedin_credentials(reply.json_dict(), self.clock.now(), previous=creds)


def _maybe_json(reply: Reply) -> Any:
    try:
        return reply.json()
    except TransientError:
        return None


def _version_error(version: str, exc: PublishError) -> TransientError:
    # Not the post's fault: never a permanent failure of it.
    return TransientError(
        f"LinkedIn no longer accepts API version {version} ({exc.message}); "
        "a newer Herald or a newer LinkedIn API version in the settings is needed.",
        code=VERSION_INACTIVE,
        status=exc.status,
    )


def _not_permitted(account: AccountRef, detail: str | None = None) -> PermanentError:
    reason = access.linkedin_read_reason(account.external_id)
    message = f"{reason} (LinkedIn: {detail})" if detail else reason
    return PermanentError(message, code=NOT_PERMITTED, status=403 if detail else None)
