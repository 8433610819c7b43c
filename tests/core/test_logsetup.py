import logging

import pytest

from app.core.logsetup import REDACTED, RedactingFilter, redact, register_secret


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer abc.def.ghi-SECRETVALUE",
        "headers={'Authorization': 'Bearer SECRETVALUE123'}",
        "access_token=SECRETVALUE123&expires_in=7200",
        '{"refresh_token": "SECRETVALUE123", "ok": true}',
        "client_secret: SECRETVALUE123",
        "GET /callback?code=SECRETVALUE123&state=abc",
        "oauth_token_secret=SECRETVALUE123",
        'Authorization: OAuth oauth_consumer_key="k", oauth_signature="SECRETVALUE123"',
    ],
)
def test_secrets_are_masked(line):
    out = redact(line)
    assert "SECRETVALUE" not in out
    assert REDACTED in out


def test_plain_text_is_left_alone():
    line = "published post 42 to TWITTER in 120 ms"
    assert redact(line) == line


def test_registered_secret_is_masked_anywhere():
    register_secret("opaque-token-without-a-label-12345")
    assert "opaque-token" not in redact("sending opaque-token-without-a-label-12345 now")


def test_filter_masks_args_and_tracebacks(tmp_path):
    logger = logging.getLogger("herald.test.redaction")
    path = tmp_path / "x.log"
    handler = logging.FileHandler(path)
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("token refresh with %s", {"refresh_token": "SECRETVALUE999"})
        try:
            raise RuntimeError("Authorization: Bearer SECRETVALUE888")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "SECRETVALUE" not in text
    assert "request failed" in text
    assert "RuntimeError" in text
