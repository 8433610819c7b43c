import logging
from pathlib import Path

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


@pytest.fixture
def fresh_logging(monkeypatch):
    """setup_logging as in a new process; the root logger put back afterwards."""
    from app.core import logsetup

    root = logging.getLogger()
    before = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore")}
    monkeypatch.setattr(logsetup, "_configured", False)
    yield logsetup
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


class _FullDisk:
    """A file object on a full disk: every flush fails with ENOSPC."""

    def __init__(self) -> None:
        self.closed = False

    def write(self, text: str) -> int:
        return len(text)

    def seek(self, *_args: int) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def flush(self) -> None:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        self.closed = True
        self.flush()


def test_a_full_log_disk_is_said_once_until_writing_works_again(tmp_path, monkeypatch, capsys):
    from app.core.logsetup import LogFileHandler

    path = tmp_path / "herald.log"
    handler = LogFileHandler(path, maxBytes=2_000_000, backupCount=1, encoding="utf-8", delay=True)
    real_open = handler._open
    full = {"now": True}
    monkeypatch.setattr(handler, "_open", lambda: _FullDisk() if full["now"] else real_open())
    logger = logging.getLogger("herald.test.fulldisk")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(5):
            logger.warning("record %d on a full disk", i)
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"herald: cannot write the log file {path} (No space left on device)")
        assert "Traceback" not in err and "Logging error" not in err
        full["now"] = False
        logger.warning("space is back")
        assert capsys.readouterr().err == ""
        full["now"] = True  # the disk fills under the open file
        handler.stream.close()
        handler.stream = _FullDisk()
        logger.warning("full again")
        logger.warning("still full")
        assert capsys.readouterr().err.count("\n") == 1  # said again, once
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        full["now"] = False
        handler.close()
    assert "space is back" in path.read_text()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_real_enospc_is_one_line(fresh_logging, capsys):
    fresh_logging.setup_logging(logging.INFO, log_file=Path("/dev/full"))
    log = logging.getLogger("herald.test.devfull")
    for _ in range(3):
        log.warning("nowhere to go")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err


def test_log_level_from_the_environment(fresh_logging, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_LOG_LEVEL", "debug")
    path = fresh_logging.setup_logging(log_file=tmp_path / "herald.log")
    assert logging.getLogger().level == logging.DEBUG
    register_secret("tok-9f8e7d6c5b4a-debug-only")
    logging.getLogger("herald.test.debug").debug(
        "refresh with %s and access_token=SECRETVALUE777", "tok-9f8e7d6c5b4a-debug-only"
    )
    logging.getLogger("httpx").debug("Authorization: Bearer SECRETVALUE666")
    text = path.read_text()
    assert "refresh with" in text and "SECRETVALUE" not in text
    assert "tok-9f8e7d6c5b4a" not in text and REDACTED in text
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("value", "level"), [("", logging.INFO), ("WARNING", logging.WARNING)])
def test_log_level_default_and_explicit(fresh_logging, tmp_path, monkeypatch, value, level):
    monkeypatch.setenv("HERALD_LOG_LEVEL", value)
    fresh_logging.setup_logging(log_file=tmp_path / "herald.log")
    assert logging.getLogger().level == level
    assert logging.getLogger("httpx").level == logging.WARNING


def test_a_bad_log_level_is_one_line_and_info(fresh_logging, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_LOG_LEVEL", "LOUD")
    fresh_logging.setup_logging(log_file=tmp_path / "herald.log")
    assert logging.getLogger().level == logging.INFO
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HERALD_LOG_LEVEL='LOUD'" in err
