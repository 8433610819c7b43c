"""Herald's platform emulator: every registered network on one loopback server.

Each platform is served under its own prefix, the rest of the path being the platform's real
path, so an adapter's base URL is the only difference from the real thing:

    /x          https://api.x.com and https://x.com                  (app.emulator.twitter.api)
    /instagram  api.instagram.com, www.instagram.com, graph.instagram.com (app.emulator.instagram.api)
    /linkedin   https://www.linkedin.com and https://api.linkedin.com (app.emulator.linkedin.api)
    /facebook   https://www.facebook.com and https://graph.facebook.com (app.emulator.facebook.api)
    /threads    https://threads.com and https://graph.threads.net     (app.emulator.threads.api)
    /_emulator  the emulator's own control API                       (app.emulator.control)

In-process use::

    from app.emulator import EmulatorServer
    with EmulatorServer(port=0, seed=0, now=fake_clock.now) as srv:
        srv.base_url                # "http://127.0.0.1:<port>"
        srv.add_fault("twitter", "publish", "503", count=1)
        srv.published()             # every post actually created

Faults: see app.emulator.faults (and its SPEC grammar). Engagement: app.emulator.engagement.

One sub-package per network (twitter/, instagram/, linkedin/, facebook/; each `api` module
exports its PlatformAPI as `API`); what they share stays here (wire, routes, oauth, paging,
media, graph for the two Meta networks). A new network: its sub-package, its `API` in
`Emulator.apis` (core.py), its name in names.py and its audience in engagement.py.
This package imports nothing from `app` outside `app.emulator` (it shares no code with what it
tests; its own network names are in app.emulator.names), and no Qt.
"""

from app.emulator.faults import FaultRule, parse_spec
from app.emulator.server import EmulatorServer

__all__ = ["EmulatorServer", "FaultRule", "parse_spec"]
