"""Disk full: Herald's data folder (database, logs, media) on a 4 MB tmpfs.

Posts are scheduled through `main.py import` (each file one all-or-nothing transaction) until
the disk is full; then the publishing worker runs on the full disk against the emulator; then
the filesystem is grown to 64 MB (space freed) and the worker runs again. Herald must say "disk full" in one clear line (no
traceback) and keep every post committed before: after reopening, each is there with its exact
text, the file passes `PRAGMA integrity_check`, and once space is back they get published.

Without permission to mount (not root, or a container that forbids it) the database is capped
with SQLite's `PRAGMA max_page_count` on every connection instead, in this process; the output
says which was used.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

from app.core.db import open_database
from app.core.models import Post, Target
from tests.soak.common import (
    EmulatorProcess,
    SuiteResult,
    herald,
    log,
    work_dir,
)

SIZE = "4m"
ROOMY = "64m"
FB_PAGES = 30
POSTS_PER_FILE = 40
FULL_WORDS = ("disk is full", "is full", "disk full", "no space", "not enough space")


@contextlib.contextmanager
def tiny_filesystem(path: Path, skip: bool = False) -> Iterator[bool]:
    """Mount a small tmpfs at `path`; yields False (and mounts nothing) when not permitted
    (or `skip`: HERALD_SOAK_DISK_METHOD=pagecap tries the fallback on purpose)."""
    path.mkdir(parents=True, exist_ok=True)
    if skip:
        yield False
        return
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        done = None
    mounted = done is not None and done.returncode == 0
    try:
        yield mounted
    finally:
        if mounted and os.environ.get("HERALD_SOAK_KEEP") == "1":
            log(f"keeping the tmpfs mounted at {path} (umount it yourself)")
        elif mounted:
            subprocess.run(
                ["umount", "-l", str(path)], capture_output=True, timeout=30, check=False
            )


def run() -> SuiteResult:
    result = SuiteResult("disk: database on a full filesystem")
    started = time.monotonic()
    forced = os.environ.get("HERALD_SOAK_DISK_METHOD") == "pagecap"
    with work_dir("herald-soak-disk-") as work, tiny_filesystem(work / "tiny", forced) as mounted:
        if mounted:
            result.figures["method"] = f"tmpfs of {SIZE} (mount)"
            _run_tmpfs(work, work / "tiny", result)
        else:
            result.figures["method"] = (
                "PRAGMA max_page_count (forced)"
                if forced
                else "PRAGMA max_page_count (mount not permitted)"
            )
            _run_page_cap(work, result)
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------- helpers


def _csv(path: Path, accounts: str | list[str], start: int, when: datetime) -> list[str]:
    """POSTS_PER_FILE posts of ~2 KB each (LinkedIn and Facebook take long texts); `accounts`
    for every row, or a list to go round."""
    texts = [
        f"Disk soak post {start + i:05d} " + ("lorem ipsum dolor " * 110)
        for i in range(POSTS_PER_FILE)
    ]
    rounds = [accounts] if isinstance(accounts, str) else accounts
    lines = ["scheduled_at,timezone,accounts,text,media"]
    stamp = when.strftime("%Y-%m-%d %H:%M")
    lines += [
        f'{stamp},UTC,"{rounds[(start + i) % len(rounds)]}",{t.strip()},'
        for i, t in enumerate(texts)
    ]
    path.write_text("\n".join(lines) + "\n")
    return [t.strip() for t in texts]


def _worker(db_url: str, data: Path, timeout: float, *extra: str) -> tuple[int | None, str]:
    """(exit status or None when it had to be killed, everything it printed)."""
    try:
        proc = herald(["worker", "--db", db_url, "--until-idle", *extra], data, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        err = exc.stderr or b""
        text = (out.decode(errors="replace") if isinstance(out, bytes) else out) + (
            err.decode(errors="replace") if isinstance(err, bytes) else err
        )
        return None, text
    return proc.returncode, proc.stdout + proc.stderr


def _says_full(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in FULL_WORDS)


def _one_line(text: str) -> str:
    """The line that says what happened: the exception line of a traceback (not SQLAlchemy's
    "[SQL: ...]" / "(Background ...)" trailer), else the last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line and not line.startswith(("File ", "[SQL", "(Background", "Arguments")):
            return line[:200]
    return lines[-1][:200] if lines else ""


def _own_lines(text: str) -> str:
    """What Herald itself printed: "herald worker: ..." lines and the worker's event lines
    (TAB-separated), not tracebacks, whose OSError text may mention the disk too."""
    return "\n".join(
        line for line in text.splitlines() if line.startswith("herald") or "\t" in line
    )


def _describe(text: str) -> str:
    """What a command printed, in one line: its message and how many tracebacks came with it."""
    tracebacks = text.count("Traceback (most recent call last)")
    logging_errors = text.count("--- Logging error ---")
    extra = []
    if tracebacks:
        extra.append(f"{tracebacks} tracebacks")
    if logging_errors:
        extra.append(f"{logging_errors} of them '--- Logging error ---' (log file not writable)")
    return _one_line(text) + (f" [{'; '.join(extra)}]" if extra else "")


def _verify(db_url: str, committed: list[str], result: SuiteResult, label: str) -> None:
    db = open_database(db_url, migrate=False)
    try:
        with db.session() as s:
            texts = list(s.scalars(select(Post.base_text).where(Post.base_text.like("Disk soak%"))))
            targets = len(list(s.scalars(select(Target.id))))
            integrity = s.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        db.dispose()
    missing = sorted(set(committed) - set(texts))
    extra = sorted(set(texts) - set(committed))
    result.figures[f"posts after reopening ({label})"] = f"{len(texts)} of {len(committed)}"
    result.check(integrity == "ok", f"{label}: PRAGMA integrity_check says {integrity!r}")
    result.check(not missing, f"{label}: {len(missing)} committed posts are gone or changed")
    result.check(not extra, f"{label}: {len(extra)} posts from a failed import are in the file")
    result.check(targets >= len(texts), f"{label}: {targets} targets for {len(texts)} posts")


# ---------------------------------------------------------------- tmpfs: the real thing


def _connect(db_url: str, emulator_url: str) -> list[str]:
    """Enough Facebook Pages and LinkedIn members that no account has more posts than one page
    of the emulator's post list (its Facebook feed does not paginate: chaos.POSTS_PER_ACCOUNT),
    so a reconciliation after the full disk can find what went out. Returns, per CSV row, the
    "facebook:Page;linkedin:Member" pair to use, going round."""
    from app.core.models import Account
    from app.platforms.names import Platform
    from tests.soak.common import connect_accounts, set_rate_limits

    db = open_database(db_url)
    try:
        ids = connect_accounts(
            db, emulator_url, "Disk", {Platform.FACEBOOK: FB_PAGES, Platform.LINKEDIN: 6}
        )
        # LinkedIn allows 100 posts a member a day: lifted, this suite is not about limits.
        set_rate_limits(db, {"LINKEDIN": {"limit": 10_000_000, "window_s": 900, "utc_day": False}})
        with db.session() as s:
            handles = dict(s.execute(select(Account.id, Account.handle)).all())
    finally:
        db.dispose()
    fb = [f"facebook:{handles[i]}" for i in ids[Platform.FACEBOOK]]
    li = [f"linkedin:{handles[i]}" for i in ids[Platform.LINKEDIN]]
    return [f"{fb[n % len(fb)]};{li[n % len(li)]}" for n in range(len(fb) * len(li))]


def _run_tmpfs(work: Path, tiny: Path, result: SuiteResult) -> None:
    data = tiny / "data"
    data.mkdir()
    db_url = f"sqlite:///{data / 'herald.db'}"
    committed: list[str] = []
    with EmulatorProcess(work / "emulator", seed=5) as emulator:
        emulator.configure(container_polls=0, linkedin_posts_per_day=10_000_000)
        handles = _connect(db_url, emulator.base_url)
        # Due soon but in the future, so that the import's "already passed" check stays quiet
        # while the disk fills up; the worker runs below wait for the due time.
        when = (datetime.now(UTC) + timedelta(seconds=119)).replace(second=0, microsecond=0)
        full_message = ""
        imports = 0
        for batch in range(400):
            path = work / f"batch-{batch:03d}.csv"
            texts = _csv(path, handles, batch * POSTS_PER_FILE, when)
            proc = herald(["import", str(path), "--db", db_url, "--workspace", "Disk"], data)
            imports += 1
            if proc.returncode == 0:
                committed.extend(texts)
                continue
            full_message = proc.stderr
            break
        else:
            result.fail("the 4 MB filesystem never filled up")
        log(f"disk: full after {imports} imports, {len(committed)} posts committed")
        result.figures["posts committed before full"] = len(committed)
        result.figures["import on the full disk said"] = _describe(full_message)
        result.check(
            _says_full(_own_lines(full_message)),
            f"import on a full disk did not say so: {_one_line(full_message)!r}",
        )
        result.check(
            "Traceback" not in full_message,
            f"import on a full disk printed a traceback ending {_one_line(full_message)!r}",
        )
        _verify(db_url, committed, result, "after the failed import")

        # The worker on the full disk: publishing needs writes (claims, results, logs).
        wait = (when - datetime.now(UTC)).total_seconds()
        if wait > 0:
            time.sleep(wait + 1)
        log("disk: the worker on the full disk")
        worker_code, worker_out = _worker(db_url, data, 45)
        result.figures["worker on the full disk"] = (
            f"exit {worker_code}: {_describe(worker_out)}" if worker_code is not None else
            f"still running after 45 s (killed): {_describe(worker_out)}"
        )  # fmt: skip
        result.check(
            "Traceback" not in worker_out,
            f"worker on a full disk printed tracebacks: {_describe(worker_out)}",
        )
        result.check(
            _says_full(_own_lines(worker_out)),
            f"worker on a full disk never said the disk is full: {_describe(worker_out)}",
        )
        _verify(db_url, committed, result, "after the worker on the full disk")

        # Space again: everything committed goes out, nothing was lost on the way.
        grown = subprocess.run(
            ["mount", "-o", f"remount,size={ROOMY}", str(tiny)], capture_output=True, check=False
        )
        result.check(grown.returncode == 0, f"could not grow the tmpfs: {grown.stderr!r}")
        log(f"disk: the filesystem grew to {ROOMY}; the worker again")
        code, out = _worker(db_url, data, 300, "--quiet")
        result.figures[f"worker once the disk had {ROOMY}"] = (
            f"exit {code}" if code is not None else f"still running after 300 s: {_one_line(out)}"
        )
        result.check(code == 0, f"worker after freeing space: exit {code}: {_one_line(out)!r}")
        published = emulator.published()
    db = open_database(db_url, migrate=False)
    try:
        with db.session() as s:
            statuses = Counter(str(v) for v in s.scalars(select(Target.status)))
    finally:
        db.dispose()
    result.figures["targets at the end"] = ", ".join(
        f"{k}={v}" for k, v in sorted(statuses.items())
    )
    copies = Counter((p["platform"], p["text"]) for p in published)
    sent = {text for _platform, text in copies}
    del sent
    missing = [t for t in committed if not all((p, t) in copies for p in ("FACEBOOK", "LINKEDIN"))]
    twice = {k: n for k, n in copies.items() if n > 1}
    result.figures["duplicates at the emulator"] = sum(n - 1 for n in twice.values())
    if twice:
        per_platform = Counter(platform for platform, _text in twice)
        result.fail(f"{len(twice)} posts went out more than once: {dict(per_platform)}")
    result.figures["published once space was back"] = (
        f"{len(committed) - len(missing)} of {len(committed)}"
    )
    result.check(
        not missing, f"{len(missing)} committed posts never went out after space came back"
    )


# ---------------------------------------------------------------- fallback: page cap


def _run_page_cap(work: Path, result: SuiteResult) -> None:
    """In-process: every connection of Herald's engine gets a page cap (it is not persistent)."""
    from app.commands.import_csv import ImportFailed, import_file
    from app.core.models import Account, AccountStatus
    from app.core.workspaces import WorkspaceService
    from app.platforms.names import Platform

    db_url = f"sqlite:///{work / 'herald.db'}"
    db = open_database(db_url)
    ws = WorkspaceService(db).create("Disk", "UTC")
    with db.session() as s:
        for p in (Platform.LINKEDIN, Platform.FACEBOOK):
            s.add(
                Account(
                    workspace_id=ws.id,
                    platform=p,
                    handle=f"disk_{p.value.lower()}",
                    external_id=p.value,
                    status=AccountStatus.ACTIVE,
                    settings={},
                    created_at=datetime.now(UTC),
                )
            )
        s.commit()
    pages = int(db.engine.connect().exec_driver_sql("PRAGMA page_count").scalar() or 0) + 250

    @event.listens_for(db.engine, "connect")
    def _cap(conn: sqlite3.Connection, _record: object) -> None:
        conn.execute(f"PRAGMA max_page_count={pages}")

    db.engine.dispose()  # every connection from now on is capped
    committed: list[str] = []
    when = datetime.now(UTC) + timedelta(days=1)
    message = ""
    for batch in range(400):
        path = work / f"batch-{batch:03d}.csv"
        texts = _csv(
            path, "linkedin:disk_linkedin;facebook:disk_facebook", batch * POSTS_PER_FILE, when
        )
        try:
            import_file(db, path, "Disk")
        except ImportFailed as exc:
            message = "\n".join(exc.errors)
            break
        except Exception as exc:  # what the command would show as a traceback
            message = f"Traceback (most recent call last): {type(exc).__name__}: {exc}"
            break
        committed.extend(texts)
    db.dispose()
    result.figures["posts committed before full"] = len(committed)
    result.figures["import on the full database said"] = _describe(message)
    result.check(
        _says_full(_one_line(message)) and "Traceback" not in message,
        f"import did not say the disk is full: {_one_line(message)!r}",
    )
    result.check("Traceback" not in message, f"import crashed: {_one_line(message)!r}")
    _verify(db_url, committed, result, "after the failed import")
