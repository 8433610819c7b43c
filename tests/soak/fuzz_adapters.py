"""Fuzz: every adapter's response parsing. Each platform answers with random JSON (shaped with
the field names the adapters read), truncated JSON, wrong types, HTML, empty bodies, 10 MB
bodies, garbage rate-limit headers and dropped connections.

publish / fetch_metrics / refresh / find_existing either return what they promise or raise one
of the engine's PublishError classes with a readable message that holds no secret: never
KeyError, TypeError, AttributeError, JSONDecodeError, RecursionError...
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from app.adapters.config import AdapterConfig
from app.core.accounts import register_credentials
from app.core.clock import FakeClock
from app.core.logsetup import register_secret
from app.core.ports import (
    AccountRef,
    AppCredentials,
    Credentials,
    MediaItem,
    Metrics,
    PublishError,
    PublishResult,
)
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter
from tests.soak.fuzzing import examples

ACCESS = "soak-access-token-7f3e9a1c55d2"
REFRESH = "soak-refresh-token-0b8d4e6f21aa"
USER_TOKEN = "soak-user-token-93c1d7e0b4f6"
CLIENT_SECRET = "soak-client-secret-5a2c9e7d"
SECRETS = (ACCESS, REFRESH, USER_TOKEN, CLIENT_SECRET)
MAX_MESSAGE = 2000

KEYS = [
    "access_token",
    "after",
    "aggregatedTotalComments",
    "aggregatedTotalLikes",
    "caption",
    "category",
    "code",
    "commentCount",
    "commentary",
    "comments",
    "commentsSummary",
    "config",
    "count",
    "createdAt",
    "created_time",
    "cursors",
    "data",
    "detail",
    "elements",
    "error",
    "error_description",
    "error_message",
    "error_subcode",
    "error_type",
    "error_user_msg",
    "error_user_title",
    "errors",
    "estimated_time_to_regain_access",
    "expires_in",
    "id",
    "image",
    "images",
    "impressionCount",
    "impression_count",
    "is_transient",
    "kind",
    "likeCount",
    "like_count",
    "likes",
    "likesSummary",
    "location",
    "media_id",
    "media_id_string",
    "message",
    "meta",
    "name",
    "next",
    "next_token",
    "organization",
    "paging",
    "page_id",
    "post_id",
    "post_impressions",
    "processing_info",
    "public_metrics",
    "publishedAt",
    "quota_duration",
    "quota_total",
    "quota_usage",
    "quote_count",
    "reach",
    "refresh_token",
    "refresh_token_expires_in",
    "reply_count",
    "retweet_count",
    "scope",
    "serviceErrorCode",
    "share",
    "shareCount",
    "shares",
    "source",
    "state",
    "status",
    "status_code",
    "status_code",
    "summary",
    "text",
    "timestamp",
    "title",
    "totalShareStatistics",
    "total_count",
    "total_value",
    "type",
    "ugcPost",
    "uploadUrl",
    "user_id",
    "username",
    "value",
    "values",
    "views",
    "width",
    "value",
    "title",
]
STRINGS = [
    "", "0", "123", "-1", "1e309", "NaN", "null", "FINISHED", "IN_PROGRESS", "ERROR", "EXPIRED",
    "PUBLISHED", "failed", "succeeded", "2031-05-04T09:30:00+0000", "2031-05-04T09:30:00Z",
    "not a date", "urn:li:share:1", "urn:li:person:abc", "https://example.com/next", ACCESS,
    REFRESH, f"Bearer {ACCESS}", f"access_token={ACCESS}", "OAuthException", "\u202e", "\x00",
    "http://127.0.0.1:1/upload", "a" * 300,
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(STRINGS),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=25,
)

HTML = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
TEN_MB = 10 * 1024 * 1024
HUGE_BODIES = [
    b"x" * TEN_MB,
    b'{"data": {"id": "' + b"9" * TEN_MB + b'"}}',
    b'{"error": {"message": "' + b"m" * TEN_MB + b'", "code": 190}}',
    b"[" * 200_000 + b"]" * 200_000,
    json.dumps({"data": [{"id": str(i), "text": "t"} for i in range(100_000)]}).encode(),
]
STATUSES = [200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502]
statuses = st.one_of(st.sampled_from(STATUSES + [503, 504]), st.integers(100, 599))
HEADER_VALUES = ["", "abc", "-1", "0", "99999999999999999999", "1.5", "{}", "{bad json", "[1]",
                 '{"call_count": "x"}', '{"1": [{"estimated_time_to_regain_access": "x"}]}',
                 "Wed, 21 Oct 2015 07:28:00 GMT", "Thu, 99 Foo 9999 99:99:99 GMT", "\u00e9"]  # fmt: skip
HEADER_NAMES = [
    "retry-after", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset",
    "x-user-limit-24hour-remaining", "x-user-limit-24hour-reset", "x-app-usage",
    "x-page-usage", "x-business-use-case-usage", "content-type", "location",
    "x-restli-id", "x-linkedin-id",
]  # fmt: skip
headers = st.dictionaries(
    st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES), max_size=4
).map(lambda h: {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in h.items()})


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        return json.dumps(draw(json_values), allow_nan=True).encode()
    if kind == 5:
        full = json.dumps(draw(json_values), allow_nan=True).encode()
        return full[: draw(st.integers(0, max(0, len(full) - 1)))]
    if kind == 6:
        return draw(st.sampled_from([b"", HTML, b"null", b"[]", b"{}", b"\xff\xfe\x00"]))
    if kind == 7:
        return draw(st.binary(max_size=200))
    if kind == 8:
        return draw(st.sampled_from(HUGE_BODIES))
    return draw(st.text(max_size=50)).encode("utf-8", "surrogatepass")


FAILURES: list[type[Exception]] = [
    httpx.ConnectError,
    httpx.ReadTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.DecodingError,
]


@st.composite
def replies(draw: st.DrawFn) -> Callable[[httpx.Request], httpx.Response] | type[Exception]:
    if draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from(FAILURES))
    return _Reply(draw(statuses), draw(bodies()), draw(headers))


class _Reply:
    def __init__(self, status: int, body: bytes, hdrs: dict[str, str]) -> None:
        self.status, self.body, self.headers = status, body, hdrs

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:80]!r}{'…' if len(self.body) > 80 else ''}, {self.headers})"


class _Script:
    """Answers the adapter's requests in order; the last answer repeats."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if self.calls > 200:
            raise AssertionError("the adapter made more than 200 requests for one call")
        if isinstance(answer, type):
            raise answer("soak fault", request=request)
        status = 200 if answer.status == 204 and answer.body else answer.status
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
        return httpx.Response(status, content=answer.body, headers=raw)


# ---------------------------------------------------------------- the adapters

_DIR = Path(tempfile.mkdtemp(prefix="herald-soak-fuzz-"))


def _picture() -> MediaItem:
    from PIL import Image

    path = _DIR / "pic.jpg"
    if not path.exists():
        Image.new("RGB", (1080, 1080), (90, 30, 160)).save(path, quality=70)
    data = path.read_bytes()
    return MediaItem(
        str(path),
        "image/jpeg",
        len(data),
        hashlib.sha256(data).hexdigest(),
        1080,
        1080,
        public_url="https://cdn.example.com/pic.jpg",
    )


ACCOUNTS = {
    Platform.TWITTER: ("2244994945", "@soak"),
    Platform.INSTAGRAM: ("17841400000000000", "soak.ig"),
    Platform.LINKEDIN: ("urn:li:person:AbC123", "Soak"),
    Platform.FACEBOOK: ("100000000000001", "Soak Page"),
}


def _account(platform: Platform) -> AccountRef:
    """As AccountService.account_ref hands it over: the secrets registered for masking."""
    external_id, handle = ACCOUNTS[platform]
    ref = AccountRef(
        platform=platform,
        external_id=external_id,
        handle=handle,
        credentials=Credentials(
            ACCESS,
            REFRESH,
            datetime(2031, 1, 1, tzinfo=UTC),
            {"user_token": USER_TOKEN} if platform == Platform.FACEBOOK else {},
        ),
        app=AppCredentials("soak-client-id", CLIENT_SECRET),
    )
    register_credentials(ref.credentials)
    register_secret(CLIENT_SECRET)
    return ref


def _adapter(platform: Platform, client: httpx.Client) -> Any:
    config = AdapterConfig.real(ig_poll_delays=(0.0, 0.0, 0.0))
    clock = FakeClock(datetime(2031, 5, 4, 9, 30, tzinfo=UTC))
    no_sleep: Callable[[float], None] = lambda _s: None  # noqa: E731
    if platform == Platform.TWITTER:
        return TwitterAdapter(config, clock, client)
    if platform == Platform.INSTAGRAM:
        return InstagramAdapter(config, clock, client, sleep=no_sleep)
    if platform == Platform.LINKEDIN:
        return LinkedInAdapter(config, clock, client)
    return FacebookAdapter(config, clock, client, sleep=no_sleep)


OPERATIONS = ["publish_text", "publish_media", "fetch_metrics", "refresh", "find_existing"]


def _call(adapter: Any, operation: str, account: AccountRef) -> Any:
    if operation == "publish_text":
        return adapter.publish(account, "Soak fuzz post #herald", [], "idem-key-1")
    if operation == "publish_media":
        return adapter.publish(account, "Soak fuzz post with a picture", [_picture()], "idem-2")
    if operation == "fetch_metrics":
        return adapter.fetch_metrics(account, ["111", "222", "urn:li:share:3"])
    if operation == "refresh":
        return adapter.refresh(account)
    return adapter.find_existing(
        account, "idem-key-1", "Soak fuzz post #herald", datetime(2031, 5, 4, 9, 0, tzinfo=UTC)
    )


def _check_result(operation: str, value: Any) -> None:
    if operation.startswith("publish"):
        assert isinstance(value, PublishResult), value
        assert isinstance(value.external_id, str) and value.external_id
    elif operation == "fetch_metrics":
        assert isinstance(value, dict)
        for key, metrics in value.items():
            assert isinstance(key, str) and isinstance(metrics, Metrics)
            for n in (metrics.likes, metrics.shares, metrics.comments):
                assert isinstance(n, int), metrics
            # None: the platform did not report it (a refused metric), never a crash.
            assert metrics.impressions is None or isinstance(metrics.impressions, int), metrics
    elif operation == "refresh":
        assert isinstance(value, Credentials)
        assert isinstance(value.access_token, str) and value.access_token
        assert value.expires_at is None or value.expires_at.tzinfo is not None
    else:
        assert value is None or (isinstance(value, str) and value)


def _check_error(exc: PublishError) -> None:
    message = exc.message
    assert isinstance(message, str) and message.strip(), repr(exc)
    assert len(message) <= MAX_MESSAGE, len(message)
    for secret in SECRETS:
        assert secret not in message, f"a secret reached the error message: {message[:200]!r}"
        assert secret not in str(exc)
    reset = getattr(exc, "reset_at", None)
    assert reset is None or (isinstance(reset, datetime) and reset.tzinfo is not None)


@settings(max_examples=examples(1000))
@given(
    platform=st.sampled_from(list(Platform)),
    operation=st.sampled_from(OPERATIONS),
    answers=st.lists(replies(), min_size=1, max_size=8),
)
def test_adapters_answer_or_raise_publish_errors(
    platform: Platform, operation: str, answers: list[Any]
) -> None:
    script = _Script(answers)
    with (
        respx.mock(assert_all_called=False, assert_all_mocked=True) as router,
        httpx.Client(timeout=5.0) as client,
    ):
        router.route().mock(side_effect=script)
        adapter = _adapter(platform, client)
        try:
            value = _call(adapter, operation, _account(platform))
        except PublishError as exc:
            _check_error(exc)
        else:
            _check_result(operation, value)


def test_rate_limit_resets_stay_sane() -> None:
    """A Retry-After of a billion seconds or a reset in year 9999 must not overflow."""
    for hdrs in (
        {"retry-after": "99999999999"},
        {"x-rate-limit-reset": "253402300800", "x-rate-limit-remaining": "0"},
        {
            "x-business-use-case-usage": json.dumps(
                {"1": [{"estimated_time_to_regain_access": 10**12}]}
            )
        },
    ):
        for platform in Platform:
            script = _Script([_Reply(429, b"{}", hdrs)])
            with (
                respx.mock(assert_all_called=False) as router,
                httpx.Client(timeout=5.0) as client,
            ):
                router.route().mock(side_effect=script)
                try:
                    _call(_adapter(platform, client), "publish_text", _account(platform))
                except PublishError as exc:
                    _check_error(exc)
                    reset = getattr(exc, "reset_at", None)
                    assert reset is None or reset > datetime(2031, 5, 4, tzinfo=UTC) - timedelta(1)
