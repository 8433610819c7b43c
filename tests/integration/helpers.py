"""Real processes against the emulator over loopback: a database with the emulator's four
accounts, posts seeded in bulk, worker subprocesses, and checks on what the emulator got."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import insert, select

from app.cli import main as cli_main
from app.core.db import Database
from app.core.engine.ratelimits import SETTING_KEY
from app.core.models import (
    Account,
    Media,
    Post,
    PostMedia,
    PostStatus,
    Setting,
    Target,
    TargetStatus,
    Workspace,
)

ROOT = Path(__file__).resolve().parents[2]
#: a Fernet key: scrypt for a passphrase would cost every worker process half a second
VAULT_KEY = "qvFSFfF1M4kDMPspTffT3utL6MAqjaI4Jkya1RzfkEs="
#: emulator limits high enough that the big runs are never throttled
NO_EMULATOR_LIMITS: dict[str, Any] = {
    "x_posts_limit": 10_000_000,
    "x_read_limit": 10_000_000,
    "x_media_limit": 10_000_000,
    "linkedin_posts_per_day": 10_000_000,
    "instagram_publishes_per_24h": 10_000_000,
    "facebook_calls_per_hour": 10_000_000,
    "container_polls": 0,
}
NO_BUDGETS = {
    p: {"limit": 10_000_000, "window_s": 900}
    for p in ("TWITTER", "LINKEDIN", "INSTAGRAM", "FACEBOOK")
}


def env(data_dir: Path) -> dict[str, str]:
    out = dict(os.environ)
    out.update(
        HERALD_DATA_DIR=str(data_dir),
        HERALD_VAULT_KEY=VAULT_KEY,
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
    )
    out.pop("HERALD_DB_URL", None)
    return out


def connect_emulator(
    db_url: str, emulator_url: str, monkeypatch: Any, workspace: str = "Demo"
) -> None:
    """`accounts add-emulator`, in this process (the OAuth flow runs for real)."""
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    code = cli_main(
        [
            "accounts",
            "add-emulator",
            "--emulator",
            emulator_url,
            "--db",
            db_url,
            "--workspace",
            workspace,
        ]
    )
    assert code == 0


def unlimited(db: Database) -> None:
    with db.session() as s:
        s.merge(Setting(key=SETTING_KEY, value=NO_BUDGETS))
        s.commit()


def image(path: Path) -> Path:
    Image.new("RGB", (1080, 1080), (200, 80, 40)).save(path, quality=80)
    return path


def seed_posts(
    db: Database,
    count: int,
    due: datetime,
    picture: Path | None,
    prefix: str = "post",
    platforms: Sequence[str] | None = None,
) -> None:
    """`count` posts due at `due`, each to every account, each with the picture (Instagram
    needs one). Bulk inserts: the composer's checks are tested elsewhere."""
    with db.write_session() as s:
        ws = s.scalar(select(Workspace.id))
        q = select(Account.id).order_by(Account.id)
        if platforms is not None:
            q = q.where(Account.platform.in_(list(platforms)))
        accounts = list(s.scalars(q))
        media = picture and Media(
            workspace_id=ws,
            path=str(picture),
            original_name=picture.name,
            sha256="0" * 64,
            mime="image/jpeg",
            bytes=picture.stat().st_size,
            width=1080,
            height=1080,
            created_at=due,
        )
        if media:
            s.add(media)
            s.flush()
        first = (s.scalar(select(Post.id).order_by(Post.id.desc()).limit(1)) or 0) + 1
        s.execute(
            insert(Post),
            [
                {
                    "id": first + i,
                    "workspace_id": ws,
                    "base_text": f"{prefix} {i} #herald",
                    "scheduled_at": due,
                    "scheduled_tz": "UTC",
                    "status": PostStatus.SCHEDULED,
                    "created_at": due,
                    "updated_at": due,
                }
                for i in range(count)
            ],
        )
        if media:
            s.execute(
                insert(PostMedia),
                [{"post_id": first + i, "media_id": media.id, "position": 0} for i in range(count)],
            )
        s.execute(
            insert(Target),
            [
                {
                    "post_id": first + i,
                    "account_id": a,
                    "status": TargetStatus.QUEUED,
                    "attempts": 0,
                    "next_attempt_at": due,
                    "idempotency_key": f"k{first + i}-{a}-{os.urandom(4).hex()}",
                    "updated_at": due,
                }
                for i in range(count)
                for a in accounts
            ],
        )
        s.commit()


def start_worker(
    db_url: str, data_dir: Path, *extra: str, log_name: str = "worker"
) -> subprocess.Popen[str]:
    log = data_dir / f"{log_name}-{time.monotonic_ns()}.log"
    with log.open("w") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "main.py", "worker", "--db", db_url, "--quiet", *extra],
            cwd=ROOT,
            env=env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def wait_all(procs: Sequence[subprocess.Popen[str]], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    try:
        for p in procs:
            codes.append(p.wait(max(0.1, deadline - time.monotonic())))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    return codes


def worker_logs(data_dir: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(data_dir.glob("worker-*.log")))


def published_counts(published: Sequence[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """(platform, text) → how many times the emulator created it."""
    return Counter((str(p["platform"]).upper(), str(p["text"])) for p in published)


def target_statuses(db: Database) -> Counter[str]:
    with db.session() as s:
        return Counter(str(st) for st in s.scalars(select(Target.status)))


def wait_until(cond: Any, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return bool(cond())
