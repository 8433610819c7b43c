"""Secrets: after a full demo run, no token the emulator ever issued (access, refresh, page
tokens), nor the vault key, may appear in plain text in the database file (with its -wal/-shm),
the logs, any other file in Herald's data folder, or anything a command printed.

The run, all through the real command line against an emulator in its own process:
`demo-seed --days 7` (history through the real OAuth flow and adapters), `accounts list`,
`import` of a CSV due now, `worker --until-idle` while the emulator refuses tokens once per
platform (refreshes issue new ones) and revokes LinkedIn's (the account must be reconnected:
its reason is stored), a worker started with a wrong vault key, the GUI's `--self-check`; then
the same engine in this process with every logger, httpx's included, at DEBUG (Herald has no
log-level switch for its commands: docs/soak.md).

Each secret is looked for as is, URL-encoded, and base64/base64url-encoded at every alignment.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

from tests.soak.common import (
    VAULT_KEY,
    EmulatorProcess,
    SuiteResult,
    herald,
    log,
    make_picture,
    work_dir,
)

FAULTS = ",".join(
    [
        "twitter:publish:invalid_token:next=1",
        "instagram:publish:invalid_token:next=1",
        "facebook:publish:invalid_token:next=1",
        "linkedin:publish:revoked_refresh:next=1",
    ]
)
MIN_NEEDLE = 12


def forms(secret: str) -> set[str]:
    """The secret as is, URL-encoded, and every base64 rendering of it inside longer data."""
    out = {secret, quote(secret, safe=""), quote_plus(secret)}
    raw = secret.encode()
    for k in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * k + raw).decode("ascii")
            start = 0 if k == 0 else 4  # the first group mixes in the prefix
            end = ((k + len(raw)) // 3) * 4  # the last, partial group depends on what follows
            if end - start >= MIN_NEEDLE:
                out.add(text[start:end])
    return {f for f in out if len(f) >= MIN_NEEDLE}


def scan(blobs: Iterable[tuple[str, bytes]], secrets: dict[str, str]) -> list[str]:
    """`secrets`: value -> label. Returns "where: label (form)" for each hit."""
    needles = [
        (f.encode(), label, f == value) for value, label in secrets.items() for f in forms(value)
    ]
    hits = []
    for where, data in blobs:
        for needle, label, plain in needles:
            if needle in data:
                hits.append(f"{where}: {label} ({'plain' if plain else 'encoded'})")
    return sorted(set(hits))


def files_under(root: Path) -> Iterable[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(root)), path.read_bytes()


def run() -> SuiteResult:
    result = SuiteResult("secrets: tokens in files and output")
    started = time.monotonic()
    with work_dir("herald-soak-secrets-") as work:
        _run(work, result)
    result.seconds = time.monotonic() - started
    return result


def _self_test() -> None:
    """The scanner finds a secret hidden in each form it claims to look for."""
    secret = "soak-probe-token-3f9a1c77e2"
    hidden = [
        secret.encode(),
        quote(secret, safe="").encode(),
        b"Authorization: Basic " + base64.b64encode(b"id:" + secret.encode()),
        b"x" + base64.urlsafe_b64encode(b"ab" + secret.encode() + b"tail"),
    ]
    for blob in hidden:
        assert scan([("probe", b"<" + blob + b">")], {secret: "probe"}), blob


def _run(work: Path, result: SuiteResult) -> None:
    _self_test()
    data = work / "data"
    data.mkdir()
    db_url = f"sqlite:///{data / 'herald.db'}"
    outputs: list[tuple[str, bytes]] = []

    def cli(*args: str, timeout: float = 300, **env: str) -> int:
        proc = herald(list(args), data, timeout=timeout, HERALD_LOG_LEVEL="DEBUG", **env)
        name = " ".join(a for a in args[:2])
        outputs.append((f"output of `{name}`", (proc.stdout + proc.stderr).encode()))
        if "Traceback (most recent call last)" in proc.stderr:
            result.fail(f"`{name}` printed a traceback: {proc.stderr.strip().splitlines()[-1]}")
        return proc.returncode

    with EmulatorProcess(work / "emulator", seed=3) as emulator:
        url = emulator.base_url
        code = cli("demo-seed", "--db", db_url, "--emulator", url, "--days", "7", timeout=600)
        result.check(code == 0, f"demo-seed exited {code}")
        workspace = "Demo Bakery"
        cli("accounts", "list", "--db", db_url)
        handles = _handles(outputs[-1][1].decode())
        result.check(len(handles) >= 4, f"accounts list showed {len(handles)} accounts")
        emulator.add_faults(FAULTS)
        picture = make_picture(work / "pic.jpg")
        imported = False
        for _ in range(3):  # a CSV due this very minute; again if the minute turned meanwhile
            csv_path = _csv(work, handles, picture, datetime.now(UTC))
            if cli("import", str(csv_path), "--db", db_url, "--workspace", workspace) == 0:
                imported = True
                break
        result.check(imported, "the CSV import failed")
        code = cli("worker", "--db", db_url, "--until-idle")
        result.check(code == 0, f"worker --until-idle exited {code}")
        cli("worker", "--db", db_url, "--until-idle", HERALD_VAULT_KEY="not-the-key-" + "z" * 20)
        cli("--db", db_url, "--self-check", timeout=120)
        debug_lines = _debug_pass(work, data, db_url, handles, picture, result)
        tokens = emulator.tokens()

    result.figures.update(_outcome(db_url))
    secrets = {t: "emulator token" for t in tokens}
    secrets[VAULT_KEY] = "vault key"
    blobs = list(files_under(data)) + outputs
    hits = scan(blobs, secrets)
    result.figures["tokens issued by the emulator"] = len(tokens)
    result.figures["files scanned"] = sum(1 for _ in files_under(data))
    result.figures["command outputs scanned"] = len(outputs)
    result.figures["MB scanned"] = f"{sum(len(b) for _, b in blobs) / 1e6:.1f}"
    result.figures["DEBUG log lines (in-process pass)"] = debug_lines
    result.figures["forms per secret"] = "plain, URL-encoded, base64 (3 alignments x 2 alphabets)"
    result.figures["hits"] = len(hits)
    result.check(len(tokens) >= 8, f"only {len(tokens)} tokens issued: the run did too little")
    for hit in hits[:10]:
        result.fail(f"secret in plain sight: {hit}")
    result.notes.append(
        "Herald writes no crash reports (no excepthook/faulthandler file); stderr of every "
        "command is scanned instead"
    )


def _outcome(db_url: str) -> dict[str, str]:
    from collections import Counter

    from sqlalchemy import select

    from app.core.db import open_database
    from app.core.models import Account, Target

    db = open_database(db_url)
    try:
        with db.session() as s:
            targets = Counter(str(v) for v in s.scalars(select(Target.status)))
            accounts = Counter(str(v) for v in s.scalars(select(Account.status)))
    finally:
        db.dispose()
    return {
        "targets by status": ", ".join(f"{k}={v}" for k, v in sorted(targets.items())),
        "accounts by status": ", ".join(f"{k}={v}" for k, v in sorted(accounts.items())),
    }


def _handles(listing: str) -> list[str]:
    """PLATFORM:handle for each line of `accounts list`."""
    out = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isupper():
            out.append(f"{parts[0].lower()}:{parts[1]}")
    return out


def _csv(work: Path, handles: list[str], picture: Path, now: datetime) -> Path:
    when = now.strftime("%Y-%m-%d %H:%M")
    rows = ["scheduled_at,timezone,accounts,text,media"]
    for i in range(12):
        rows.append(
            f'{when},UTC,"{";".join(handles)}",Secrets soak {now:%H%M%S%f} post {i} #herald,'
            f"{picture.name}"
        )
    path = work / f"due-{now:%H%M%S}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _debug_pass(
    work: Path,
    data: Path,
    db_url: str,
    handles: list[str],
    picture: Path,
    result: SuiteResult,
) -> int:
    """The worker in this process, every logger at DEBUG through Herald's redacting handler."""
    from app.cli import main as cli_main
    from app.core import logsetup

    saved = {k: os.environ.get(k) for k in ("HERALD_DATA_DIR", "HERALD_VAULT_KEY")}
    os.environ["HERALD_DATA_DIR"] = str(data)
    os.environ["HERALD_VAULT_KEY"] = VAULT_KEY
    root = logging.getLogger()
    before = list(root.handlers)
    log_file = data / "logs" / "debug-pass.log"
    try:
        logsetup._configured = False  # this process may have configured logging before
        logsetup.setup_logging(logging.DEBUG, log_file)
        for name in ("httpx", "httpcore", "urllib3", "sqlalchemy.engine"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        with contextlib.redirect_stdout(sys.stderr):  # keep the summary on stdout clean
            for _ in range(3):
                path = _csv(work, handles, picture, datetime.now(UTC))
                args = ["import", str(path), "--db", db_url, "--workspace", "Demo Bakery"]
                if cli_main(args) == 0:
                    break
            code = cli_main(["worker", "--db", db_url, "--until-idle", "--quiet"])
        result.check(code == 0, f"in-process worker exited {code}")
    except Exception as exc:
        result.fail(f"in-process DEBUG pass crashed: {type(exc).__name__}: {exc}")
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                handler.close()
                root.removeHandler(handler)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        return sum(1 for _ in log_file.open(errors="replace"))
    except OSError:
        log("the DEBUG pass wrote no log file")
        return 0
