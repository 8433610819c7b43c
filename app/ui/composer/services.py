"""What the composer is handed by whoever opens it: `ComposerServices` (the composition
root's AppContext is one). The composer builds no service and holds no database."""

from __future__ import annotations

from typing import Protocol

from app.core.accounts import AccountService
from app.core.approvals import ApprovalService
from app.core.besttime import BestTimes
from app.core.chains import ChainService
from app.core.clock import Clock
from app.core.events import EventHub
from app.core.history import HistoryService
from app.core.posts import PostService
from app.core.queues import QueueService


class ComposerServices(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def events(self) -> EventHub: ...
    @property
    def posts(self) -> PostService: ...
    @property
    def accounts(self) -> AccountService: ...
    @property
    def queues(self) -> QueueService: ...
    @property
    def best_times(self) -> BestTimes: ...
    @property
    def approvals(self) -> ApprovalService: ...
    #: chains of posts and first comments (issue 19); optional: without it the composer
    #: shows no "Thread & comment" tab
    @property
    def chains(self) -> ChainService: ...
    #: a post's history (issue 23); optional: without it the composer shows no "History" tab
    @property
    def history(self) -> HistoryService: ...
    #: demo mode: media may be served from this computer to the emulator
    @property
    def demo(self) -> bool: ...
