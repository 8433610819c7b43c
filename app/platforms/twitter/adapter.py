"""X (Twitter) API v2: media upload, posts, metrics, reconciliation, token refresh.

Auth is the OAuth 2.0 user token (PKCE, 2 h access tokens, rotating single-use refresh
tokens) unless the account's credentials carry an OAuth 1.0a token secret
(`extra["oauth1_token_secret"]`), in which case requests are signed with the app's
consumer key/secret (AccountRef.app, or `extra["oauth1_consumer_key"/"_secret"]`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from app.adapters.base import IDEMPOTENCY_HEADER, BaseAdapter, chunks
from app.adapters.http import (
    OUTCOME_UNKNOWN,
    Classifier,
    RateLimitReader,
    as_dict,
    as_int,
    as_list,
    as_str,
    by_status,
    clean_message,
    fallback_message,
    retry_after,
    x_rate_limit,
)
from app.adapters.oauth1 import OAuth1
from app.core.logsetup import register_secret
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    MediaItem,
    Metrics,
    PermanentError,
    PublishError,
    PublishResult,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform
from app.platforms.twitter import replies
from app.platforms.twitter.lookup import find_in_timeline
from app.platforms.twitter.media import CHUNK_SIZE, XMediaUploader, describe

ACCESS_TOKEN_LIFETIME = timedelta(hours=2)
# Legacy v1.1 error codes that still show up in v2 bodies.
_LEGACY_RATE = {88, 185}
_LEGACY_AUTH = {32, 89, 135, 215}
_LEGACY_TRANSIENT = {130, 131}
_LEGACY_DUPLICATE = {187}
_OAUTH_AUTH_ERRORS = {"invalid_grant", "invalid_token", "invalid_client", "unauthorized_client"}


def classify_x(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    status = resp.status_code
    d = as_dict(body)
    raw_type = d.get("type")
    problem_type = raw_type if isinstance(raw_type, str) else ""
    legacy = as_dict(as_list(d.get("errors"))[0]) if as_list(d.get("errors")) else {}
    legacy_code = as_int(legacy.get("code")) if "code" in legacy else None
    oauth_error = d.get("error") if isinstance(d.get("error"), str) else None

    raw = (
        d.get("detail")
        or d.get("title")
        or legacy.get("message")
        or legacy.get("detail")
        or d.get("error_description")
        or oauth_error
    )
    message = clean_message(raw) if isinstance(raw, str) and raw.strip() else ""
    message = message or fallback_message(Platform.TWITTER, resp)

    if status == 429 or "usage-capped" in problem_type or legacy_code in _LEGACY_RATE:
        reset = (rate_limit.reset_at if rate_limit else None) or retry_after(resp.headers, now)
        code = "usage_capped" if "usage-capped" in problem_type else "rate_limited"
        return RateLimitedError(
            message, reset_at=reset, rate_limit=rate_limit, code=code, status=status
        )
    if legacy_code in _LEGACY_AUTH or (oauth_error in _OAUTH_AUTH_ERRORS and status in (400, 401)):
        return AuthError(message, code=oauth_error or f"x_{legacy_code}", status=status)
    if oauth_error == "invalid_request" and status in (400, 401):
        # The token endpoint says this for a used or unknown refresh token.
        return AuthError(message, code=oauth_error, status=status)
    if legacy_code in _LEGACY_DUPLICATE or (status == 403 and "duplicate" in message.lower()):
        return PermanentError(message, code="duplicate", status=status)
    if legacy_code in _LEGACY_TRANSIENT:
        return TransientError(message, code=f"x_{legacy_code}", status=status)
    return by_status(Platform.TWITTER, status, message, rate_limit=rate_limit)


def reposts(public_metrics: dict[str, Any]) -> int:
    """X's OpenAPI (v2.167) says `repost_count`; docs.x.com and recorded traffic say
    `retweet_count`. Whichever the answer carries counts (never both: they are one number)."""
    if "repost_count" in public_metrics:
        return as_int(public_metrics.get("repost_count"))
    return as_int(public_metrics.get("retweet_count"))


class TwitterAdapter(BaseAdapter):
    platform = Platform.TWITTER
    metrics_batch_size = 100
    media_chunk_size = CHUNK_SIZE

    def _classifier(self) -> Classifier:
        return classify_x

    def _rate_limit_reader(self) -> RateLimitReader | None:
        return lambda headers, scope, now: x_rate_limit(headers, scope)

    # ------------------------------------------------------------ auth

    def _auth(self, account: AccountRef) -> tuple[dict[str, str], httpx.Auth | None]:
        extra = account.credentials.extra
        token_secret = extra.get("oauth1_token_secret")
        if not token_secret:
            return self._bearer(account), None
        app = account.app
        key = extra.get("oauth1_consumer_key") or (app.client_id if app else None)
        secret = extra.get("oauth1_consumer_secret") or (app.client_secret if app else None)
        if not key or not secret:
            raise AuthError(
                "X OAuth 1.0a needs the app's consumer key and secret; enter them in Accounts.",
                code="no_app_credentials",
            )
        register_secret(account.credentials.access_token)
        register_secret(str(token_secret))
        return {}, OAuth1(
            str(key), str(secret), account.credentials.access_token, str(token_secret)
        )

    def _call(self, method: str, path: str, account: AccountRef, **kwargs: Any) -> Any:  # -> Reply
        headers, auth = self._auth(account)
        headers.update(kwargs.pop("headers", {}))
        if auth is not None:
            kwargs["auth"] = auth
        return self.http.request(
            method, f"{self.config.x_api_base}{path}", account=account, headers=headers, **kwargs
        )

    # ------------------------------------------------------------ publish

    def publish(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
    ) -> PublishResult:
        media_ids = [self._upload(account, item) for item in media]
        payload: dict[str, Any] = {}
        if text:
            payload["text"] = text
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        if not payload:
            raise PermanentError("An X post needs text or media.", code="empty_post")
        reply = self._call(
            "POST",
            "/2/tweets",
            account,
            json=payload,
            headers={IDEMPOTENCY_HEADER: idempotency_key},
            scope="publish",
            unsafe=True,
        )
        data = as_dict(reply.json_dict(outcome_unknown=True).get("data"))
        post_id = as_str(data.get("id"))
        if post_id is None:
            raise TransientError(
                "X accepted the post but sent no id", code=OUTCOME_UNKNOWN, status=reply.status
            )
        handle = account.handle.lstrip("@") or "i/web"
        return PublishResult(post_id, f"https://x.com/{handle}/status/{post_id}", reply.rate_limit)

    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        return replies.post_reply(self, account, text, parent_id, idempotency_key)

    # On X a first comment is a reply to the post (issue 19).
    publish_comment = publish_reply

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        return replies.find_reply(self, account, text, since, until)

    def _upload(self, account: AccountRef, item: MediaItem) -> str:
        media_id = XMediaUploader(self, self.sleep, chunk_size=self.media_chunk_size).upload(
            account, item
        )
        if item.alt_text and (item.mime or "").startswith("image/"):
            describe(self, account, media_id, item.alt_text)
        return media_id

    # ------------------------------------------------------------ metrics

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        result: dict[str, Metrics] = {}
        ids = [i for i in dict.fromkeys(external_ids) if i]
        for batch in chunks(ids, self.metrics_batch_size):
            reply = self._call(
                "GET",
                "/2/tweets",
                account,
                params={"ids": ",".join(batch), "tweet.fields": "public_metrics"},
            )
            body = reply.json_dict()
            for tweet in as_list(body.get("data")):
                tweet = as_dict(tweet)
                tid = as_str(tweet.get("id"))
                if tid is None:
                    continue
                pm = as_dict(tweet.get("public_metrics"))
                result[tid] = Metrics(
                    likes=as_int(pm.get("like_count")),
                    shares=reposts(pm) + as_int(pm.get("quote_count")),
                    comments=as_int(pm.get("reply_count")),
                    impressions=as_int(pm.get("impression_count")),
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
        """The post with `text` made in the doubtful attempt's window [since, until]."""
        return find_in_timeline(self, account, text, since, until)

    # ------------------------------------------------------------ tokens

    def refresh(self, account: AccountRef) -> Credentials:
        creds = account.credentials
        if creds.extra.get("oauth1_token_secret"):
            return creds  # OAuth 1.0a user tokens do not expire
        if not creds.refresh_token:
            raise AuthError("X gave no refresh token (offline.access); reconnect the account.")
        app = account.app
        if app is None:
            raise AuthError("The X developer app (client id) is not set up; enter it in Accounts.")
        body = refresh_oauth2_token(self, app.client_id, app.client_secret, creds.refresh_token)
        access = as_str(body.get("access_token"))
        if access is None:
            raise TransientError("X's token answer had no access token", code="malformed_response")
        expires_in = as_int(body.get("expires_in")) or int(ACCESS_TOKEN_LIFETIME.total_seconds())
        extra = dict(creds.extra)
        if isinstance(body.get("scope"), str):
            extra["scope"] = body["scope"]
        return Credentials(
            access_token=access,
            # Rotation: the old refresh token is now spent. Keep it only if X sent none.
            refresh_token=as_str(body.get("refresh_token")) or creds.refresh_token,
            expires_at=self.clock.now() + timedelta(seconds=expires_in),
            extra=extra,
        )


def refresh_oauth2_token(
    adapter: TwitterAdapter, client_id: str, client_secret: str | None, refresh_token: str
) -> dict[str, Any]:
    """POST the refresh grant to X's token endpoint (Basic auth for confidential clients)."""
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret else None
    kwargs: dict[str, Any] = {"data": data}
    if auth is not None:
        kwargs["auth"] = auth
    reply = adapter.http.request("POST", f"{adapter.config.x_api_base}/2/oauth2/token", **kwargs)
    return reply.json_dict()
