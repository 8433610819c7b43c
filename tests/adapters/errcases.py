"""Shared malformed-response cases for every adapter's error-mapping tests."""

from __future__ import annotations

import json

import httpx

from app.core.ports import PermanentError, PublishError, TransientError

HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
    b"<hr>nginx</body></html>"
)

# (id, response, expected class) for answers no platform documents but every one sends.
MALFORMED_ERRORS = [
    (
        "html-502",
        httpx.Response(502, content=HTML_502, headers={"content-type": "text/html"}),
        TransientError,
    ),
    ("html-503", httpx.Response(503, content=HTML_502), TransientError),
    ("empty-500", httpx.Response(500), TransientError),
    ("empty-400", httpx.Response(400), PermanentError),
    ("truncated-400", httpx.Response(400, content=b'{"error": {"message": "Inva'), PermanentError),
    ("truncated-500", httpx.Response(500, content=b'{"errors": [{"mess'), TransientError),
    ("list-400", httpx.Response(400, json=["unexpected", 1]), PermanentError),
    (
        "wrong-types-400",
        httpx.Response(400, json={"error": 5, "message": ["x"], "status": "x"}),
        PermanentError,
    ),
    ("binary-404", httpx.Response(404, content=bytes(range(256)) * 4), PermanentError),
    ("huge-500", httpx.Response(500, content=b"x" * 5_000_000), TransientError),
    (
        "huge-json-400",
        httpx.Response(400, json={"message": "m" * 200_000, "detail": "d" * 200_000}),
        PermanentError,
    ),
]

# Success statuses whose bodies cannot be read: always Transient, never a crash.
MALFORMED_SUCCESSES = [
    ("truncated", httpx.Response(200, content=b'{"data": {"id": "12')),
    ("empty", httpx.Response(200)),
    ("html", httpx.Response(200, content=HTML_502)),
    ("json-list", httpx.Response(200, json=[1, 2])),
    ("wrong-type-id", httpx.Response(200, json={"data": {"id": ["x"]}, "id": {"a": 1}})),
    ("null", httpx.Response(200, content=b"null")),
    ("deep", httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)),
]


def check_error(exc: PublishError, expected: type[PublishError]) -> None:
    assert type(exc) is expected, (type(exc), exc.message)
    assert isinstance(exc.message, str) and exc.message
    assert len(exc.message) <= 1000


def body(value: object) -> bytes:
    return json.dumps(value).encode()
