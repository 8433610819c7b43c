"""`main.py emulator`: serve the emulator until SIGINT/SIGTERM.

    python main.py emulator [--port 8700] [--faults SPEC] [--seed N] [--state-file PATH]
                            [--audience-tz America/New_York] [--timeout-delay 30]

Prints exactly one line, ``Herald emulator listening on http://127.0.0.1:PORT``, once the
socket is bound (``--port 0`` picks a free port), then serves until interrupted and exits 0.
The host is always 127.0.0.1. Port 8765 is left free for Herald's OAuth redirects. SPEC is the
fault grammar of app.emulator.faults, e.g. ``twitter:publish:503:0.2,instagram:*:timeout:next=3``.
Bad input gives one clear line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_PORT = 8700


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port on 127.0.0.1 (0: any free port)"
    )
    parser.add_argument("--faults", metavar="SPEC", default=None, help="fault rules to inject")
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulated engagement")
    parser.add_argument(
        "--state-file", metavar="PATH", default=None, help="keep state in this JSON file"
    )
    parser.add_argument(
        "--audience-tz", default="America/New_York", help="IANA zone of the simulated audience"
    )
    parser.add_argument(
        "--timeout-delay",
        type=float,
        default=30.0,
        help="seconds a 'timeout' fault holds the request",
    )


def run(args: argparse.Namespace) -> int:
    from app.emulator.faults import parse_spec
    from app.emulator.server import EmulatorServer

    try:
        ZoneInfo(args.audience_tz)
        rules = parse_spec(args.faults) if args.faults else None
        if not 0 <= args.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {args.port}")
    except (ValueError, ZoneInfoNotFoundError) as exc:
        print(f"herald emulator: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        server = EmulatorServer(
            port=args.port,
            seed=args.seed,
            state_file=args.state_file,
            audience_tz=args.audience_tz,
            faults=rules,
            timeout_delay_s=args.timeout_delay,
        )
        server.start()
    except (OSError, ValueError) as exc:
        print(f"herald emulator: cannot start: {exc}", file=sys.stderr)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        return 2
    try:
        print(f"Herald emulator listening on {server.base_url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="herald emulator", description=__doc__.split("\n")[0])
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
