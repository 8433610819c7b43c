"""Shared plumbing for the soak suites: results, the emulator as its own process, accounts
connected through the real OAuth flow, bulk-seeded posts, worker processes, PostgreSQL schemas.

Nothing here imports pytest: the suites run as plain programs from tests/soak/run.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import create_engine, insert, select, text

from app.core.db import Database
from app.core.engine.ratelimits import SETTING_KEY
from app.core.models import Media, Post, PostMedia, PostStatus, Setting, Target, TargetStatus
from app.platforms.names import Platform

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PG_ENV = "HERALD_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://herald:herald@127.0.0.1:5432/herald_test"
#: a Fernet key for the vault; scrypt for a passphrase would cost each worker start ~0.5 s
VAULT_KEY = "8JqKk5R3w5b6xY0m7f0bq8n2lB9c1o4Zt3Wg6hS0aVE="
PLATFORMS: tuple[Platform, ...] = tuple(Platform)
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def soak_posts(default: int = 10_000) -> int:
    """HERALD_SOAK_POSTS: posts per chaos run (each goes to all four platforms)."""
    raw = os.environ.get("HERALD_SOAK_POSTS", "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise ValueError("HERALD_SOAK_POSTS must be a positive integer")
    return value


@contextlib.contextmanager
def work_dir(prefix: str) -> Iterator[Path]:
    """A scratch folder, kept (and named on stderr) when HERALD_SOAK_KEEP=1."""
    if os.environ.get("HERALD_SOAK_KEEP") == "1":
        path = Path(tempfile.mkdtemp(prefix=prefix))
        log(f"keeping {path}")
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def log(message: str) -> None:
    """Progress on stderr, so the summary on stdout stays a clean table."""
    stamp = time.strftime("%H:%M:%S")
    print(f"[soak {stamp}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- results


@dataclass
class SuiteResult:
    name: str
    status: str = "PASS"  # PASS | FAIL | SKIP
    seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.status = "FAIL"
        self.problems.append(problem)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.fail(problem)


# ---------------------------------------------------------------- processes


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HERALD_DB_URL", None)
    env.update(
        HERALD_DATA_DIR=str(data_dir),
        HERALD_VAULT_KEY=VAULT_KEY,
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def herald(
    args: Sequence[str], data_dir: Path, *, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run `python main.py ARGS` to completion, output captured."""
    return subprocess.run(
        [PY, "main.py", *args],
        cwd=ROOT,
        env=child_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class EmulatorProcess:
    """`python main.py emulator --port 0 ...` in its own process; control API over HTTP."""

    def __init__(
        self,
        workdir: Path,
        *,
        faults: str | None = None,
        seed: int = 0,
        timeout_delay: float = 30.0,
    ) -> None:
        self.workdir = workdir
        self.args = ["--port", "0", "--seed", str(seed), "--timeout-delay", str(timeout_delay)]
        if faults:
            self.args += ["--faults", faults]
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""
        self._stderr: IO[str] | None = None
        self._client = httpx.Client(timeout=120.0)

    def start(self) -> EmulatorProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._stderr = open(self.workdir / "emulator.stderr", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [PY, "main.py", "emulator", *self.args],
            cwd=ROOT,
            env=child_env(self.workdir),
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        first: list[str] = []
        reader = threading.Thread(
            target=lambda: first.append(self.proc.stdout.readline() if self.proc else ""),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(60)
        match = LISTENING.search(first[0]) if first else None
        if match is None:
            self.stop()
            raise RuntimeError(
                f"the emulator did not start: {first[0] if first else 'no output in 60 s'}"
            )
        self.base_url = match.group(1)
        return self

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self._client.request(method, f"{self.base_url}/_emulator{path}", json=body)
        resp.raise_for_status()
        return resp.json()

    def configure(self, **options: Any) -> Any:
        return self.control("POST", "/config", options)

    def add_faults(self, spec: str) -> Any:
        return self.control("POST", "/faults", {"spec": spec})

    def clear_faults(self) -> None:
        self.control("DELETE", "/faults")

    def published(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "/published"))

    def tokens(self) -> list[str]:
        return [str(t) for t in self.control("GET", "/tokens")]

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._client.close()

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Worker:
    """One `python main.py worker` process, its output in a log file of its own."""

    def __init__(self, db_url: str, data_dir: Path, name: str, args: Sequence[str]) -> None:
        self.db_url = db_url
        self.data_dir = data_dir
        self.name = name
        self.args = list(args)
        self.generation = 0
        self.proc: subprocess.Popen[str] | None = None
        self._out: IO[str] | None = None

    def start(self) -> None:
        self.generation += 1
        logs = self.data_dir / "workers"
        logs.mkdir(parents=True, exist_ok=True)
        self._close_out()
        self._out = open(logs / f"{self.name}-{self.generation:03d}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [PY, "main.py", "worker", "--db", self.db_url, "--quiet", *self.args],
            cwd=ROOT,
            env=child_env(self.data_dir),
            stdout=self._out,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def started(self) -> bool:
        """True once the worker printed its banner (signal handlers are installed by then)."""
        path = self.data_dir / "workers" / f"{self.name}-{self.generation:03d}.log"
        try:
            return "Herald worker " in path.read_text(errors="replace")
        except OSError:
            return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, leases stay as they were."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def terminate(self, timeout: float = 60) -> int | None:
        """SIGTERM and wait: the worker finishes what it started and gives the rest back."""
        if self.proc is None:
            return None
        deadline = time.monotonic() + 30
        while self.proc.poll() is None and not self.started() and time.monotonic() < deadline:
            time.sleep(0.1)  # a SIGTERM during start-up kills before the handler exists
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                self._close_out()
                return None
        self._close_out()
        return self.proc.returncode

    def _close_out(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def worker_output(data_dir: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted((data_dir / "workers").glob("*.log")):
        yield path, path.read_text(errors="replace")


# ---------------------------------------------------------------- databases


def pg_base_url() -> str:
    return os.environ.get(PG_ENV) or DEFAULT_PG_URL


def pg_unreachable(url: str) -> str | None:
    """Why PostgreSQL at `url` cannot be used, or None when it answers."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
    except Exception as exc:  # no driver, bad URL
        return f"{type(exc).__name__}: {exc}"
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        return f"PostgreSQL at {safe_url(url)} is unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()
    return None


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[str]:
    """A fresh schema on the server (search_path), dropped afterwards."""
    schema = f"soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        if os.environ.get("HERALD_SOAK_KEEP") == "1":
            log(f"keeping PostgreSQL schema {schema}")
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def set_rate_limits(db: Database, limits: Mapping[str, Any]) -> None:
    """The "engine.rate_limits" setting the engine reads at start."""
    with db.session() as s:
        s.merge(Setting(key=SETTING_KEY, value=dict(limits)))
        s.commit()


# ---------------------------------------------------------------- accounts


def connect_accounts(
    db: Database,
    emulator_url: str,
    workspace: str,
    per_platform: int | Mapping[Platform, int],
    *,
    prefix: str = "soak",
) -> dict[Platform, list[int]]:
    """`per_platform` accounts of each platform (one count, or one per platform), each its own
    emulator user, connected with the real OAuth flow (PKCE, state, loopback redirect) as
    `accounts add-emulator` does."""
    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import connect, loopback_browser
    from app.commands.worker import API_BASE, EMULATOR_APP
    from app.core.accounts import AccountService
    from app.core.vault import ENV_KEY, Vault
    from app.core.workspaces import WorkspaceError, WorkspaceService

    spaces = WorkspaceService(db)
    try:
        ws = spaces.by_name(workspace)
    except WorkspaceError:
        ws = spaces.create(workspace, "UTC")
    service = AccountService(db, Vault(db, environ={ENV_KEY: VAULT_KEY}))
    config = AdapterConfig.for_emulator(emulator_url)
    lock = threading.Lock()

    def one(platform: Platform, i: int) -> tuple[Platform, int, int]:
        hint = f"{prefix}_{platform.value.lower()}_{i:03d}"
        found = connect(
            platform,
            EMULATOR_APP,
            config,
            open_browser=loopback_browser,
            port=0,
            timeout=60,
            login_hint=hint,
        )
        account = found[0]
        account = replace(account, settings={**dict(account.settings), API_BASE: emulator_url})
        with lock:  # one writer at a time is plenty here (SQLite)
            return platform, i, service.save_connected(ws.id, account)

    counts = (
        per_platform
        if isinstance(per_platform, Mapping)
        else dict.fromkeys(PLATFORMS, per_platform)
    )
    jobs = [(p, i) for p in PLATFORMS for i in range(counts.get(p, 0))]
    with ThreadPoolExecutor(12) as pool:
        done = list(pool.map(lambda job: one(*job), jobs))
    out: dict[Platform, list[int]] = {p: [] for p in PLATFORMS}
    for platform, _i, account_id in sorted(done, key=lambda d: (d[0].value, d[1])):
        out[platform].append(account_id)
    return out


# ---------------------------------------------------------------- posts


def make_picture(path: Path, colour: tuple[int, int, int] = (200, 80, 40)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1080, 1080), colour).save(path, quality=80)
    return path


def post_text(tag: str, i: int) -> str:
    return f"Soak {tag} post {i:05d}: fresh bread at nine, coffee on us #herald"


def seed_posts(
    db: Database,
    count: int,
    accounts: Mapping[Platform, Sequence[int]],
    due: datetime | Sequence[datetime],
    picture: Path,
    tag: str,
) -> int:
    """`count` scheduled posts, each to one account of every platform (round robin), each with
    the picture (Instagram needs one), each with a unique text. Bulk inserts: the composer's own
    checks are tested elsewhere. Returns the number of targets."""
    from app.core.models import Account

    digest = hashlib.sha256(picture.read_bytes()).hexdigest()
    dues = [due] * count if isinstance(due, datetime) else list(due)
    with db.session() as s:
        ws_id = s.scalar(select(Account.workspace_id).limit(1))
        media = Media(
            workspace_id=ws_id,
            path=str(picture),
            original_name=picture.name,
            sha256=digest,
            mime="image/jpeg",
            bytes=picture.stat().st_size,
            width=1080,
            height=1080,
            created_at=dues[0],
        )
        s.add(media)
        s.commit()
        media_id = media.id
    targets = 0
    chunk = 1000
    for start in range(0, count, chunk):
        ids = range(start, min(count, start + chunk))
        with db.session() as s:
            post_ids = list(
                s.scalars(
                    insert(Post).returning(Post.id, sort_by_parameter_order=True),
                    [
                        {
                            "workspace_id": ws_id,
                            "base_text": post_text(tag, i),
                            "scheduled_at": dues[i],
                            "scheduled_tz": "UTC",
                            "status": PostStatus.SCHEDULED,
                            "created_at": dues[i],
                            "updated_at": dues[i],
                        }
                        for i in ids
                    ],
                )
            )
            s.execute(
                insert(PostMedia),
                [{"post_id": pid, "media_id": media_id, "position": 0} for pid in post_ids],
            )
            rows = [
                {
                    "post_id": pid,
                    "account_id": accounts[p][i % len(accounts[p])],
                    "status": TargetStatus.QUEUED,
                    "attempts": 0,
                    "next_attempt_at": dues[i],
                    "idempotency_key": uuid.uuid4().hex,
                    "updated_at": dues[i],
                }
                for i, pid in zip(ids, post_ids, strict=True)
                for p in PLATFORMS
                if accounts.get(p)
            ]
            s.execute(insert(Target), rows)
            targets += len(rows)
            s.commit()
    return targets


def fmt_count(n: int) -> str:
    return f"{n:,}"
