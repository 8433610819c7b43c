"""Logging to a rotating file in the user-log folder, with every record scrubbed of secrets.

The redaction works on the formatted message *and* its arguments and exception text, so a
token that reaches a log by accident (an httpx debug line, a repr in a traceback) is masked.

`HERALD_LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR) sets the level when the caller does not; the
redaction applies at every level. A log file that cannot be written (a full disk) is said once
on stderr, in one line, and again only after writing has worked in between.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path
from typing import Any

from app.core import paths
from app.core.filemodes import private_opener

REDACTED = "[REDACTED]"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer xxx / Basic xxx / OAuth k="v", ... (header lines and dict reprs)
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer|basic|oauth)\s+[^\r\n]+"),
        r"\1\2 " + REDACTED,
    ),
    # key=value / "key": "value" for anything that smells like a secret
    (
        re.compile(
            r"(?i)((?:access|refresh|id|page|bearer|oauth)?_?(?:token|secret|password|passphrase"
            r"|client_secret|code_verifier|api_key|apikey|vault_key|token_secret|signature)s?"
            r"['\"]?\s*[:=]\s*['\"]?)([^'\"&\s,;}]+)"
        ),
        r"\1" + REDACTED,
    ),
    # OAuth authorization codes in redirect URLs
    (re.compile(r"(?i)([?&]code=)([^&\s'\"]+)"), r"\1" + REDACTED),
    # Fernet tokens and JWT-like blobs
    (re.compile(r"gAAAAA[A-Za-z0-9_\-=]{20,}"), REDACTED),
    (re.compile(r"eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]+"), REDACTED),
]

_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a concrete secret (a token we hold) so it is masked wherever it appears."""
    if value and len(value) >= 8:
        _known_secrets.add(value)


def redact(text: str) -> str:
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class LogFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log file. When a record cannot be written (no space left, the folder
    gone...) it says so once on stderr, one line, drops such records quietly, and reopens the
    file for the next one; after a record is written again, a new failure is said again."""

    failing = False  # the last record could not be written
    _failed_now = False

    def _open(self) -> Any:  # logging's own signature
        # Created owner-only (0600), also each new file after a rotation: logs name accounts.
        return open(
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=private_opener,
        )

    def emit(self, record: logging.LogRecord) -> None:
        self._failed_now = False
        super().emit(record)  # calls handleError on failure
        if not self._failed_now:
            self.failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed_now = True
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) and self.stream is not None:
            # The unwritten lines go; the next record opens the file again.
            stream, self.stream = self.stream, None
            with contextlib.suppress(Exception):
                stream.close()
        if self.failing:
            return
        self.failing = True
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        with contextlib.suppress(Exception):  # no stderr either: stay quiet
            sys.stderr.write(
                f"herald: cannot write the log file {self.baseFilename} ({why}); "
                "log lines are dropped until it works again\n"
            )
            sys.stderr.flush()


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def level_from_env(default: int = logging.INFO) -> int:
    """`HERALD_LOG_LEVEL` as a logging level; a value that is not one is said once (stderr)
    and the default is used."""
    raw = os.environ.get("HERALD_LOG_LEVEL", "").strip()
    if not raw:
        return default
    if raw.upper() in LEVELS:
        return int(getattr(logging, raw.upper()))
    sys.stderr.write(
        f"herald: HERALD_LOG_LEVEL={raw[:40]!r} is not one of {', '.join(LEVELS)}; "
        f"logging at {logging.getLevelName(default)}\n"
    )
    return default


_configured = False


def setup_logging(level: int | None = None, log_file: Path | None = None) -> Path:
    """Install the rotating file handler once per process; returns the log file's path.

    `level` None: `HERALD_LOG_LEVEL`, else INFO."""
    global _configured
    target = log_file or paths.log_dir() / "herald.log"
    root = logging.getLogger()
    if _configured:
        return target
    if level is None:
        level = level_from_env()
    handler = LogFileHandler(
        target, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs full request lines at INFO; keep them out unless debugging.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(
            logging.DEBUG if level <= logging.DEBUG else logging.WARNING
        )
    _configured = True
    return target


def attach_redaction(handler: logging.Handler) -> None:
    handler.addFilter(RedactingFilter())
