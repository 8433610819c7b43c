"""First comments on LinkedIn (issue 19): `POST /rest/socialActions/{post urn}/comments` with
`{"actor": <author urn>, "object": <post urn>, "message": {"text": …}}`, answered 201 with the
comment (its `id`, and `$URN` urn:li:comment:(…,id)); listed by `GET` on the same path as
`elements[]`. Sources: Microsoft Learn, LinkedIn Community Management "Comments API"
(network-update-social-actions); abhishek818/windmill-community-integrations
integrations/linkedin/Create_Comment/script.bun.ts (request body). LinkedIn has no chains."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from app.adapters.base import IDEMPOTENCY_HEADER, BaseAdapter, same_text
from app.adapters.http import OUTCOME_UNKNOWN, Reply, as_dict, as_list, as_str
from app.core.chain_ports import COMMENT
from app.core.ports import (
    AccountRef,
    LookupUnavailableError,
    PermanentError,
    PublishResult,
    TransientError,
)
from app.platforms.linkedin.wire import NOT_PERMITTED


def comments_path(post_urn: str) -> str:
    return f"/rest/socialActions/{quote(post_urn, safe='')}/comments"


def comment_id(reply: Reply) -> str | None:
    try:
        body = as_dict(reply.json_dict())
    except Exception:  # noqa: BLE001 — a 201 with no body still names the comment in a header
        body = {}
    return (
        as_str(body.get("$URN"))
        or as_str(body.get("commentUrn"))
        or reply.headers.get("x-restli-id")
        or as_str(body.get("id"))
    )


class LinkedInComments(BaseAdapter):
    """Mixed into LinkedInAdapter (which provides `_call`)."""

    def _call(self, method: str, url: str, account: AccountRef, **kwargs: Any) -> Reply:
        raise NotImplementedError  # pragma: no cover - LinkedInAdapter's

    def publish_comment(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        body = {"actor": account.external_id, "object": parent_id, "message": {"text": text}}
        reply = self._call(
            "POST",
            comments_path(parent_id),
            account,
            json=body,
            headers={IDEMPOTENCY_HEADER: idempotency_key},
            scope="publish",
            unsafe=True,
        )
        found = comment_id(reply)
        if not found:
            raise TransientError(
                "LinkedIn accepted the comment but sent no id",
                code=OUTCOME_UNKNOWN,
                status=reply.status,
            )
        return PublishResult(found, None, reply.rate_limit)

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
            raise LookupUnavailableError("LinkedIn has no chains of posts.")
        try:
            reply = self._call("GET", comments_path(parent_id), account)
        except PermanentError as exc:
            if exc.code == NOT_PERMITTED:
                raise LookupUnavailableError(
                    "LinkedIn does not let this account read comments: " + exc.message
                ) from None
            raise
        for element in as_list(reply.json_dict().get("elements")):
            element = as_dict(element)
            said = as_dict(element.get("message")).get("text")
            if same_text(said if isinstance(said, str) else None, text):
                return as_str(element.get("$URN")) or as_str(element.get("id"))
        return None
