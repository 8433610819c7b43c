"""The two optional adapter hooks of issue 19, as the engine calls them. A network whose
descriptor says `formats.chain` implements `publish_reply`; `formats.first_comment`,
`publish_comment`. `find_reply` looks for a part or comment an interrupted attempt may have
sent (raise LookupUnavailableError when the network cannot list them: a person decides).
The defaults in app/adapters/base.py refuse with a PermanentError."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.core.ports import AccountRef, PublishResult

#: the kinds of extra parts: a reply in a chain, and the first comment
PART = "part"
COMMENT = "comment"


class ChainAdapter(Protocol):
    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        """Publish `text` as a reply to the account's own post `parent_id`."""
        ...

    def publish_comment(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        """Publish `text` as a comment on the account's own post `parent_id`."""
        ...

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        """The id of a reply ("part") or comment ("comment") with this text under
        `parent_id`, or None when there is none."""
        ...
