"""First comments on Meta's Graph API (issue 19), shared by Instagram and Facebook:
`POST /{object-id}/comments` with `message` answers `{"id": "<comment id>"}`; the comments
are listed by `GET /{object-id}/comments` (Instagram: `id,text,timestamp`; Facebook:
`id,message,created_time`). Sources: developers.facebook.com Instagram "Comment Moderation"
and IG Media "Comments" reference; Graph API reference "/{object-id}/comments".

Commenting needs a permission of its own (Instagram `instagram_business_manage_comments`,
Facebook `pages_manage_engagement`); an account connected before Herald asked for it gets
one clear "reconnect to allow comments" refusal, never Graph's raw permission error, and the
account itself stays usable for posts (a PermanentError of the comment, not an AuthError)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from app.adapters.base import IDEMPOTENCY_HEADER, parse_time, same_text
from app.adapters.graph import SLACK_AFTER, SLACK_BEFORE, GraphAdapter
from app.adapters.http import OUTCOME_UNKNOWN, as_dict, as_list, as_str
from app.core.chain_ports import COMMENT
from app.core.ports import (
    AccountRef,
    AuthError,
    LookupUnavailableError,
    PermanentError,
    PublishResult,
    TransientError,
)
from app.platforms.scopes import granted_scopes

#: Graph codes of a missing permission: 3 (no capability), 10, 200-299
_PERMISSION = re.compile(r"^graph_(3|10|2\d\d)(_\d+)?$")
COMMENT_PERMISSION = "comment_permission"


class GraphComments(GraphAdapter):
    """A Graph network whose posts take comments. Class data: the comment listing's text and
    time fields."""

    comment_text_field: ClassVar[str] = "message"
    comment_time_field: ClassVar[str] = "created_time"
    #: the permission commenting needs (the descriptor's scopes ask for it)
    comment_permission: ClassVar[str] = ""

    def _no_comment_permission(self) -> PermanentError:
        label = self.platform.label
        return PermanentError(
            f"{label} did not allow Herald to comment: reconnect the account in Accounts to "
            f"allow comments ({label} permission {self.comment_permission}).",
            code=COMMENT_PERMISSION,
        )

    def publish_comment(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        granted = granted_scopes(account.settings)
        if granted is not None and self.comment_permission not in granted:
            raise self._no_comment_permission()
        try:
            reply = self._call(
                "POST",
                f"/{parent_id}/comments",
                account,
                data={"message": text},
                headers={IDEMPOTENCY_HEADER: idempotency_key},
                scope="publish",
                unsafe=True,
            )
        except (AuthError, PermanentError) as exc:
            if exc.code and _PERMISSION.match(exc.code):
                raise self._no_comment_permission() from None
            raise
        comment_id = as_str(reply.json_dict(outcome_unknown=True).get("id"))
        if comment_id is None:
            raise TransientError(
                f"{self.platform.label} accepted the comment but sent no id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        return PublishResult(comment_id, None, reply.rate_limit)

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        if kind != COMMENT:
            raise LookupUnavailableError(f"{self.platform.label} has no chains of posts.")
        fields = ("id", self.comment_text_field, self.comment_time_field)
        params = {"fields": ",".join(fields), "limit": 100}
        floor, ceiling = since - SLACK_BEFORE, until + SLACK_AFTER
        for body in self._graph_pages(account, f"/{parent_id}/comments", params):
            for item in as_list(body.get("data")):
                item = as_dict(item)
                when = parse_time(item.get(self.comment_time_field))
                if when is not None and not floor <= when <= ceiling:
                    continue
                found = item.get(self.comment_text_field)
                if same_text(found if isinstance(found, str) else None, text):
                    comment_id = as_str(item.get("id"))
                    if comment_id is None:  # there, but unnamed: "absent" would re-send it
                        raise TransientError(
                            f"{self.platform.label} listed the comment without its id",
                            code="lookup_no_id",
                        )
                    return comment_id
        return None
