"""Logging to a rotating file in the user-log folder, with every record scrubbed of secrets.

The redaction works on the formatted message *and* its arguments and exception text, so a
token that reaches a log by accident (an httpx debug line, a repr in a traceback) is masked.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from app.core import paths

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
        except Exception:  # a bad format string must not lose the record
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


_configured = False


def setup_logging(level: int = logging.INFO, log_file: Path | None = None) -> Path:
    """Install the rotating file handler once per process; returns the log file's path."""
    global _configured
    target = log_file or paths.log_dir() / "herald.log"
    root = logging.getLogger()
    if _configured:
        return target
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs full request lines at INFO; keep them out unless debugging.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    _configured = True
    return target


def attach_redaction(handler: logging.Handler) -> None:
    handler.addFilter(RedactingFilter())
