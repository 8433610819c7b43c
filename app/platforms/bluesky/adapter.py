"""Bluesky's adapter: posts are `app.bsky.feed.post` records written with createRecord at a
record key Herald derives from the target's idempotency key, so a re-send after a lost
answer cannot make a second post (the PDS refuses a second record at a key) and a look-up
is one getRecord.

Hosts: the account's PDS (its settings' "pds", found from the handle's DID document when it
was connected), else `AdapterConfig.endpoint("BLUESKY", https://bsky.social)`; the AppView
for numbers at `endpoint("BLUESKY_APPVIEW", https://public.api.bsky.app)`. On the emulator
both are the emulator's /bluesky prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from app.adapters.base import BaseAdapter, chunks, open_media
from app.adapters.http import Classifier, RateLimitReader, as_dict, as_int, as_list, as_str
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    MediaItem,
    Metrics,
    PermanentError,
    PublishError,
    PublishResult,
    RateLimitedError,
)
from app.platforms.bluesky import (
    DEFAULT_APPVIEW,
    DEFAULT_SERVICE,
    GET_POSTS_BATCH,
    MAX_IMAGES,
    NAME,
    cards,
    facets,
    replies,
    session,
    tid,
    video,
    xrpc,
)
from app.platforms.names import Platform

COLLECTION = "app.bsky.feed.post"
APPVIEW_ENDPOINT = "BLUESKY_APPVIEW"
#: account settings: the PDS host, and the post languages (BCP-47, at most 3)
PDS_SETTING = "pds"
LANGS_SETTING = "langs"


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{COLLECTION}/{rkey}"


def rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def web_url(handle: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{handle.lstrip('@')}/post/{rkey}"


def iso_z(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class BlueskyAdapter(BaseAdapter):
    platform = Platform(NAME)
    metrics_batch_size = GET_POSTS_BATCH
    #: the link card's page reader (url -> title/description or None); tests inject one
    card_fetcher: ClassVar[cards.CardFetcher] = staticmethod(cards.fetch_card)

    def _classifier(self) -> Classifier:
        return xrpc.classify

    def _rate_limit_reader(self) -> RateLimitReader | None:
        return xrpc.read_rate_limit

    # ------------------------------------------------------------ hosts

    def pds(self, account: AccountRef | None = None) -> str:
        default = self.config.endpoint(self.platform, DEFAULT_SERVICE)
        if self.config.emulator or account is None:
            return default
        return str(account.settings.get(PDS_SETTING) or default).rstrip("/")

    def appview(self) -> str:
        if self.config.emulator:
            return self.config.endpoint(self.platform, DEFAULT_SERVICE)
        return self.config.endpoint(APPVIEW_ENDPOINT, DEFAULT_APPVIEW)

    def _call(
        self, account: AccountRef, method: str, verb: str = "GET", **kwargs: Any
    ) -> dict[str, Any]:
        headers = {**self._bearer(account), **kwargs.pop("headers", {})}
        url = session.xrpc(self.pds(account), method)
        return self.http.request(verb, url, account=account, headers=headers, **kwargs).json_dict()

    # ------------------------------------------------------------ publishing

    def publish(
        self, account: AccountRef, text: str, media: Sequence[MediaItem], idempotency_key: str
    ) -> PublishResult:
        rkey = tid.from_key(idempotency_key)
        return self.create_at(account, rkey, self.build_record(account, text, media))

    def create_at(self, account: AccountRef, rkey: str, record: dict[str, Any]) -> PublishResult:
        """Create `record` at `rkey` (derived from the target's key): exactly once."""
        try:
            body = self._call(
                account,
                "com.atproto.repo.createRecord",
                "POST",
                json={
                    "repo": account.external_id,
                    "collection": COLLECTION,
                    "rkey": rkey,
                    "record": record,
                },
                unsafe=True,
            )
        except (AuthError, RateLimitedError):
            raise
        except PublishError:
            # A second create at the key fails (the first one's answer was lost): the post
            # Herald sent is there, so it is published, once.
            if self._record_exists(account, rkey):
                return self._result(account, rkey)
            raise
        uri = as_str(body.get("uri")) or post_uri(account.external_id, rkey)
        return self._result(account, rkey_of(uri))

    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        """A chain's next part: a post with `reply` root/parent refs (replies.py)."""
        return replies.publish_reply(self, account, text, parent_id, "part")

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        return replies.find_reply(self, account, kind, parent_id)

    def _result(self, account: AccountRef, rkey: str) -> PublishResult:
        return PublishResult(
            external_id=post_uri(account.external_id, rkey), url=web_url(account.handle, rkey)
        )

    def build_record(
        self, account: AccountRef, text: str, media: Sequence[MediaItem]
    ) -> dict[str, Any]:
        """The post record: text, facets, images (uploaded now) or a link card, langs."""
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": text,
            "createdAt": iso_z(self.clock.now()),
        }
        found = facets.build(text, lambda handle: self._resolve(account, handle))
        if found:
            record["facets"] = found
        langs = [str(x) for x in as_list(account.settings.get(LANGS_SETTING))][:3]
        if langs:
            record["langs"] = langs
        embed = self._images(account, media) if media else self._card(text)
        if embed:
            record["embed"] = embed
        return record

    def _resolve(self, account: AccountRef, handle: str) -> str | None:
        return session.resolve_handle(self.http, self.pds(account), handle)

    def _card(self, text: str) -> dict[str, Any] | None:
        url = facets.first_link(text)
        return cards.external_embed(url, type(self).card_fetcher) if url else None

    def _images(self, account: AccountRef, media: Sequence[MediaItem]) -> dict[str, Any]:
        if len(media) == 1 and video.is_video(media[0]):
            return video.video_embed(self, account, media[0])  # app/platforms/bluesky/video.py
        if len(media) > MAX_IMAGES or any(not m.mime.startswith("image/") for m in media):
            raise PermanentError(
                f"Bluesky takes up to {MAX_IMAGES} images, or one video, per post.",
                code="media_rejected",
            )
        images = []
        for item in media:
            with open_media(item) as fh:
                data = fh.read()
            body = self._call(
                account,
                "com.atproto.repo.uploadBlob",
                "POST",
                headers={"Content-Type": item.mime},
                content=data,
                timeout=self._upload_timeout(),
            )
            blob = as_dict(body.get("blob"))
            if not blob:
                raise PermanentError("Bluesky did not accept the image.", code="media_rejected")
            image: dict[str, Any] = {"image": blob, "alt": item.alt_text or ""}
            if item.width and item.height:
                image["aspectRatio"] = {"width": item.width, "height": item.height}
            images.append(image)
        return {"$type": "app.bsky.embed.images", "images": images}

    # ------------------------------------------------------------ reading back

    def get_record(self, account: AccountRef, rkey: str) -> dict[str, Any] | None:
        """The post record at `rkey` in the account's repository, or None."""
        try:
            return self._call(
                account,
                "com.atproto.repo.getRecord",
                params={"repo": account.external_id, "collection": COLLECTION, "rkey": rkey},
            )
        except PermanentError as exc:
            if exc.code == "RecordNotFound" or exc.status in (400, 404):
                return None
            raise

    def _record_exists(self, account: AccountRef, rkey: str) -> bool:
        try:
            return self.get_record(account, rkey) is not None
        except PublishError:
            return False

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        rkey = tid.from_key(idempotency_key)
        return post_uri(account.external_id, rkey) if self.get_record(account, rkey) else None

    def delete(self, account: AccountRef, external_id: str) -> None:
        self._call(
            account,
            "com.atproto.repo.deleteRecord",
            "POST",
            json={
                "repo": account.external_id,
                "collection": COLLECTION,
                "rkey": rkey_of(external_id),
            },
        )

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        """Likes, reposts (with quotes) and replies from the AppView's getPosts, 25 a call.
        Bluesky counts no views: impressions are None ("not reported")."""
        out: dict[str, Metrics] = {}
        for batch in chunks(list(external_ids), GET_POSTS_BATCH):
            body = self.http.request(
                "GET",
                session.xrpc(self.appview(), "app.bsky.feed.getPosts"),
                account=account,
                params=[("uris", uri) for uri in batch],
            ).json_dict()
            for post in as_list(body.get("posts")):
                view = as_dict(post)
                uri = as_str(view.get("uri"))
                if uri is not None and uri in batch:
                    out[uri] = Metrics(
                        likes=as_int(view.get("likeCount")),
                        shares=as_int(view.get("repostCount")) + as_int(view.get("quoteCount")),
                        comments=as_int(view.get("replyCount")),
                        impressions=None,
                    )
        return out

    def refresh(self, account: AccountRef) -> Credentials:
        fresh = session.refresh_session(
            self.http, self.pds(account), account.credentials.refresh_token
        )
        return fresh.credentials()
