"""The emulator's Facebook feed, Instagram media list and X timeline return only the newest
`limit` posts (no paging.next / meta.next_token), so Herald's reconciliation lookup, which
trusts "no next page" to mean "no more posts", answers "not there" for an older post that is
there; the engine then sends it again (a duplicate). The real platforms paginate.

Files: app/emulator/facebook/api.py list_feed, app/emulator/instagram/api.py list_media,
app/emulator/twitter/api.py user_tweets. The adapters' find_existing pages correctly.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from app.core.clock import SystemClock
from app.platforms.names import Platform
from tests.soak.common import make_picture
from tests.soak.repro._world import world


def main() -> int:
    from app.adapters.config import AdapterConfig
    from app.adapters.media_server import LoopbackMediaHost, MediaServer
    from app.adapters.registry import build_adapters, close_adapters
    from app.commands.worker import EMULATOR_APP
    from app.core.accounts import AccountService
    from app.core.media import inspect_media
    from app.core.vault import Vault

    failures = 0
    platforms = {Platform.FACEBOOK: 1, Platform.INSTAGRAM: 1, Platform.TWITTER: 1}
    with (
        world(platforms, instagram_publishes_per_24h=10_000) as w,
        MediaServer() as media,
    ):
        clock = SystemClock()
        adapters = build_adapters(
            AdapterConfig.for_emulator(w.emulator.base_url), clock,
            media_host=LoopbackMediaHost(media),
        )  # fmt: skip
        service = AccountService(w.db, Vault(w.db), clock)
        pic = make_picture(w.folder / "p.jpg")
        info = inspect_media(pic).to_media_item()
        start = clock.now() - timedelta(minutes=1)
        try:
            for platform in platforms:
                ref = service.account_ref(w.accounts[platform][0], EMULATOR_APP)
                adapter = adapters[platform]
                first = adapter.publish(ref, "post number 0", [info], "k0").external_id
                for i in range(1, 120):
                    adapter.publish(ref, f"post number {i}", [info], f"k{i}")
                found = adapter.find_existing(ref, "k0", "post number 0", start)
                ok = found == first
                failures += not ok
                print(
                    f"{platform.label}: 120 posts, lookup of the first -> {found!r} "
                    f"({'ok' if ok else 'MISSED: Herald would send it again'})"
                )
        finally:
            close_adapters(adapters)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
