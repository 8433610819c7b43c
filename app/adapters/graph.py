"""What the Facebook and Instagram adapters share: Meta Graph error classification and
the adapter base (bearer calls on a Graph host, media hosting, container polling waits).

Graph errors come as ``{"error": {"message", "type", "code", "error_subcode", "is_transient",
"error_user_title", "error_user_msg", "fbtrace_id"}}``, mostly with HTTP 400 whatever the
cause, so the class comes from ``code``/``error_subcode``, not the status.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from app.adapters.base import BaseAdapter, parse_time, same_text
from app.adapters.http import (
    RateLimitReader,
    Reply,
    as_dict,
    as_int,
    as_list,
    as_str,
    by_status,
    clean_message,
    fallback_message,
    graph_rate_limit,
)
from app.core.ports import (
    AccountRef,
    AuthError,
    MediaItem,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform

# https://developers.facebook.com/docs/graph-api/guides/error-handling
AUTH_CODES = {102, 190, 463, 467}
THROTTLE_CODES = {4, 17, 32, 613, 9}  # app, user, page, custom throttling; 9: IG publish cap
TRANSIENT_CODES = {1, 2, 24, 9007, -2}  # temporary / builder expired / not ready / expired
PERMISSION_CODES = {10} | set(range(200, 300))
BUC_THROTTLE = range(80000, 80015)  # business-use-case rate limits
DUPLICATE = 506
# The searched window is a little wider than the doubtful attempt's: before it, for a
# platform clock a little behind; after it more, because a post's own time can trail the
# attempt that made it (video processing, Instagram publishing).
SLACK_BEFORE = timedelta(minutes=1)
SLACK_AFTER = timedelta(minutes=5)
# Instagram publishing subcodes that deserve a specific class
IG_TRANSIENT_SUBCODES = {2207027, 2207008, 2207020, 2207001, 2207032}
IG_RATE_SUBCODES = {2207042}


def graph_error_message(err: dict[str, Any]) -> str:
    message = clean_message(err.get("message") or "")
    user_msg = err.get("error_user_msg")
    if isinstance(user_msg, str) and user_msg.strip() and user_msg.strip() not in message:
        title = err.get("error_user_title")
        extra = f"{title}: {user_msg}" if isinstance(title, str) and title.strip() else user_msg
        message = f"{message} ({clean_message(extra)})" if message else clean_message(extra)
    return message


def classify_graph(
    platform: Platform,
    resp: httpx.Response,
    body: Any,
    rate_limit: RateLimitInfo | None,
    now: datetime,
) -> PublishError:
    status = resp.status_code
    err = as_dict(as_dict(body).get("error"))
    if not err:
        # OAuth endpoints of Instagram Login answer {"error_type","code","error_message"}.
        flat = as_dict(body)
        if "error_message" in flat or "error_type" in flat:
            err = {
                "message": flat.get("error_message") or flat.get("error_type"),
                "code": flat.get("code"),
                "type": flat.get("error_type"),
            }
    if not err:
        return by_status(platform, status, fallback_message(platform, resp), rate_limit=rate_limit)

    message = graph_error_message(err) or fallback_message(platform, resp)
    code = as_int(err.get("code")) if err.get("code") is not None else None
    subcode = as_int(err.get("error_subcode")) if err.get("error_subcode") is not None else None
    code_str = f"graph_{code}" + (f"_{subcode}" if subcode else "") if code is not None else None

    if subcode in IG_RATE_SUBCODES:
        return RateLimitedError(
            message, reset_at=None, rate_limit=rate_limit, code=code_str, status=status
        )
    if subcode in IG_TRANSIENT_SUBCODES:
        return TransientError(message, code=code_str, status=status)
    if code in AUTH_CODES or (err.get("type") == "OAuthException" and status == 401):
        return AuthError(message, code=code_str, status=status)
    if code in THROTTLE_CODES or (code is not None and code in BUC_THROTTLE) or status == 429:
        return RateLimitedError(
            message,
            reset_at=rate_limit.reset_at if rate_limit else None,
            rate_limit=rate_limit,
            code=code_str,
            status=status,
        )
    if err.get("is_transient") is True or code in TRANSIENT_CODES:
        return TransientError(message, code=code_str, status=status)
    if code in PERMISSION_CODES and code != 10:
        # A permission the user has not granted (or took back): reconnecting fixes it.
        return AuthError(message, code=code_str, status=status)
    if code == DUPLICATE:
        return PermanentError(message, code="duplicate", status=status)
    if status >= 500:
        return TransientError(message, code=code_str, status=status)
    if code is None:
        return by_status(platform, status, message, rate_limit=rate_limit)
    return PermanentError(message, code=code_str, status=status)


class GraphAdapter(BaseAdapter):
    metrics_batch_size = 1  # one insights call per post

    def _rate_limit_reader(self) -> RateLimitReader | None:
        return graph_rate_limit

    def _graph_url(self, path: str) -> str:  # pragma: no cover - every adapter overrides
        raise NotImplementedError

    def _call(self, method: str, path: str, account: AccountRef, **kwargs: Any) -> Reply:
        headers = self._bearer(account)
        headers.update(kwargs.pop("headers", {}))
        return self.http.request(
            method, self._graph_url(path), account=account, headers=headers, **kwargs
        )

    def _hosted_url(self, account: AccountRef, item: MediaItem) -> str | None:
        """The item's public address, else one from the media host; None without either."""
        if item.public_url:
            return item.public_url
        return self.media_host.url_for(account, item) if self.media_host else None

    def _find_in_window(
        self,
        account: AccountRef,
        path: str,
        fields: tuple[str, str, str],
        text: str,
        since: datetime,
        until: datetime | None,
    ) -> str | None:
        """The id of the post with `text` made within since..until (widened by SLACK_BEFORE/SLACK_AFTER),
        read with the listing's own time filter (`since`/`until`, Unix seconds), following
        `paging.next` to the end: the window bounds the search, not a page count.
        `fields` names the id, time and text fields of the listing."""
        id_field, time_field, text_field = fields
        floor = since - SLACK_BEFORE
        params: dict[str, Any] = {
            "fields": ",".join(fields),
            "since": int(floor.timestamp()),
            "limit": 100,
        }
        if until is not None:
            params["until"] = int((until + SLACK_AFTER).timestamp())
        for body in self._graph_pages(account, path, params):
            older_seen = False
            for item in as_list(body.get("data")):
                item = as_dict(item)
                when = parse_time(item.get(time_field))
                if when is not None and when < floor:
                    older_seen = True  # newest first: the rest is older still
                    continue
                value = item.get(text_field)
                if same_text(value if isinstance(value, str) else "", text):
                    return as_str(item.get(id_field))
            if older_seen:
                return None
        return None

    def _graph_pages(
        self, account: AccountRef, path: str, params: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Every page of a Graph listing, following `paging.next` until there is none. A
        listing that sends the same page query twice is broken, not long: that raises."""
        seen: set[tuple[tuple[str, str], ...]] = set()
        while True:
            body = self._call("GET", path, account, params=params).json_dict()
            yield body
            following = next_page(as_dict(body.get("paging")), params)
            if following is None:
                return
            key = tuple(sorted((k, str(v)) for k, v in following.items()))
            if key in seen:
                raise TransientError(
                    f"{self.platform.label} sent the same page of posts twice",
                    code="lookup_loop",
                )
            seen.add(key)
            params = following


def next_page(paging: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """The next page's query, or None. A listing read with `since` may page by time (`next`
    carries `until` and `__paging_token`, no cursors): its query is reused on our own URL,
    without any access_token it carries, so the token never leaves in a URL."""
    next_url = as_str(paging.get("next"))
    if not next_url:
        return None
    after = as_str(as_dict(paging.get("cursors")).get("after"))
    if after is not None:
        return {**params, "after": after}
    query = {k: v for k, v in parse_qsl(urlsplit(next_url).query) if k != "access_token"}
    following = {**params, **query}
    return following if following != params else None
