"""A fake PlatformAdapter that follows the protocol, scripted per test, and helpers to put
posts in the database without the composer."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock
from app.core.db import Database
from app.core.models import Post, PostStatus, Target, TargetStatus
from app.core.ports import (
    AccountRef,
    AppCredentials,
    ConnectedAccount,
    Credentials,
    MediaItem,
    Metrics,
    PlatformAdapter,
    PublishResult,
)
from app.platforms.names import Platform


@dataclass(frozen=True)
class Warning_:
    code: str
    severity: str
    message: str


class FakeAdapter:
    metrics_batch_size = 100

    def __init__(self, platform: Platform, clock: Clock) -> None:
        self.platform = platform
        self.clock = clock
        self.lock = threading.Lock()
        self.posts: list[dict] = []
        self.publish_errors: list[BaseException | None] = []  # popped per publish call
        self.refresh_errors: list[BaseException | None] = []
        self.lookup_errors: list[BaseException | None] = []
        self.lookups_since: list[datetime] = []
        self.lookups_until: list[datetime | None] = []
        self.calls: Counter[str] = Counter()
        self.tokens_seen: list[str] = []
        self.reject: str | None = None  # validate() says this error
        self.refresh_counter = 0
        self.on_publish = None  # callable run inside publish (e.g. to crash mid-way)

    def publish(
        self, account: AccountRef, text: str, media: Sequence[MediaItem], idempotency_key: str
    ) -> PublishResult:
        with self.lock:
            self.calls["publish"] += 1
            self.tokens_seen.append(account.credentials.access_token)
            err = self.publish_errors.pop(0) if self.publish_errors else None
        if self.on_publish is not None:
            self.on_publish(account, text, idempotency_key)
        if err is not None:
            raise err
        with self.lock:
            ext = f"{self.platform.value.lower()}-{len(self.posts) + 1}"
            self.posts.append(
                {
                    "account": account.external_id,
                    "text": text,
                    "key": idempotency_key,
                    "external_id": ext,
                    "at": self.clock.now(),
                }
            )
        return PublishResult(external_id=ext)

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        return {}

    def refresh(self, account: AccountRef) -> Credentials:
        with self.lock:
            self.calls["refresh"] += 1
            err = self.refresh_errors.pop(0) if self.refresh_errors else None
        if err is not None:
            raise err
        with self.lock:
            self.refresh_counter += 1
            token = f"refreshed-{self.platform.value}-{self.refresh_counter}"
        return Credentials(
            access_token=token,
            refresh_token=f"refresh-{token}",
            expires_at=self.clock.now() + timedelta(hours=2),
        )

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        with self.lock:
            self.calls["lookup"] += 1
            err = self.lookup_errors.pop(0) if self.lookup_errors else None
        if err is not None:
            raise err
        with self.lock:
            self.lookups_since.append(since)
            self.lookups_until.append(until)
            for p in self.posts:
                # A post made outside the search window is invisible, as on the platforms.
                at = p.get("at", since)
                if p["key"] == idempotency_key and at >= since and (until is None or at <= until):
                    return p["external_id"]
        return None

    def validate(self, text: str, media: Sequence[MediaItem]) -> list:
        if self.reject:
            return [Warning_("too_long", "error", self.reject)]
        return [Warning_("style", "warning", "just a hint")]

    def sent_keys(self) -> list[str]:
        with self.lock:
            return [p["key"] for p in self.posts]


class FakeSource:
    def __init__(self, adapters: dict[Platform, FakeAdapter]) -> None:
        self.adapters = adapters

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        return self.adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return AppCredentials("fake-client", "fake-secret")


def connect(
    accounts: AccountService,
    workspace_id: int,
    platform: Platform,
    clock: Clock,
    *,
    token: str = "token-1",
    expires_in: timedelta = timedelta(hours=2),
    external_id: str | None = None,
) -> int:
    return accounts.save_connected(
        workspace_id,
        ConnectedAccount(
            platform=platform,
            external_id=external_id or f"{platform.value.lower()}-user",
            handle=f"@{platform.value.lower()}",
            credentials=Credentials(
                access_token=token,
                refresh_token=f"refresh-{token}",
                expires_at=clock.now() + expires_in,
            ),
        ),
    )


def add_post(
    db: Database,
    workspace_id: int,
    account_ids: Sequence[int],
    due: datetime,
    text: str = "hello",
    *,
    status: TargetStatus = TargetStatus.QUEUED,
) -> tuple[int, list[int]]:
    with db.session() as s:
        post = Post(
            workspace_id=workspace_id,
            base_text=text,
            scheduled_at=due,
            scheduled_tz="UTC",
            status=PostStatus.SCHEDULED,
            created_at=due,
            updated_at=due,
        )
        for account_id in account_ids:
            post.targets.append(
                Target(account_id=account_id, status=status, next_attempt_at=due, updated_at=due)
            )
        s.add(post)
        s.commit()
        return post.id, [t.id for t in post.targets]


def target(db: Database, target_id: int) -> Target:
    with db.session() as s:
        t = s.get(Target, target_id)
        assert t is not None
        s.expunge(t)
        return t


def post_status(db: Database, post_id: int) -> PostStatus:
    with db.session() as s:
        p = s.get(Post, post_id)
        assert p is not None
        return PostStatus(p.status)
