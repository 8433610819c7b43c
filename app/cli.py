"""Command line: no sub-command opens the GUI; sub-commands serve scripts, workers and tests.

Sub-command modules are imported only when chosen, so `herald --version` and the GUI's
start-up do not pay for what they do not use.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app import __version__

#: commands that treat SIGTERM / Ctrl-C as "stop cleanly" from their very start
STOP_ON_SIGNAL = frozenset({"worker"})

# name -> (module, one-line help). Each module has configure(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "worker": ("app.commands.worker", "run the publishing engine headless"),
    "emulator": ("app.emulator.command", "serve the platform emulator on 127.0.0.1"),
    "import": (
        "app.commands.import_csv",
        "schedule posts in bulk from a CSV file (all or nothing)",
    ),
    "accounts": ("app.commands.accounts", "list accounts or connect the emulator's accounts"),
    "demo-seed": ("app.commands.demo_seed", "publish demo history through the emulator"),
    "recommend": ("app.commands.recommend", "print the best times to post"),
    "members": (
        "app.commands.members",
        "add, list, remove or regrant people; key stores your member key",
    ),
    "audit": ("app.commands.audit", "print who did what to posts and accounts, and when"),
    "report": ("app.commands.report", "write a workspace's client report (PDF) for a period"),
    "platforms": ("app.commands.platforms", "list the supported networks"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"herald: error: {message}\n")


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The sub-command named on the command line, if any (skipping --db's value)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--db":
            skip = True
            continue
        if not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = _Parser(prog="herald", description="Herald: schedule and publish social posts.")
    parser.add_argument("--version", action="version", version=f"Herald {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="database URL (default: SQLite in the user-data folder)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="run against the built-in emulator with demo data"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="open the main window offscreen and exit 0 (packaging check)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = _chosen_command(argv)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        # Only the chosen sub-command's module is imported (start-up cost); the others
        # exist for --help.
        if name == chosen:
            p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")
            importlib.import_module(module_name).configure(p)
            p.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if _chosen_command(args_list) not in STOP_ON_SIGNAL:
        return _main(args_list)
    # Before the command's imports and its schema upgrade: a SIGTERM from now on asks the
    # command to stop instead of killing it half-way.
    from app.core import stopsignal

    stopsignal.install()
    try:
        return _main(args_list)
    finally:
        stopsignal.uninstall()


def _main(args_list: list[str]) -> int:
    args = build_parser(args_list).parse_args(args_list)
    if getattr(args, "command", None):
        module = importlib.import_module(args._module)
        try:
            return int(module.run(args) or 0)
        except KeyboardInterrupt:
            return 130
        except Exception as exc:
            from app.core.db import DatabaseError  # imported here: --version stays light

            if not isinstance(exc, DatabaseError):
                raise
            # Explained for a person (a full disk...): one line, not a traceback.
            lines = str(exc).strip().splitlines() or [type(exc).__name__]
            print(f"herald {args.command}: {lines[0]}", file=sys.stderr)
            return 1
    from app.ui.launch import run_gui

    # The GUI receives the composition root's opener: the UI never imports app.bootstrap.
    return run_gui(args, open_context)


def open_context(*args, **kwargs):
    """app.bootstrap.open_context, imported when called: the GUI shows its window before
    SQLAlchemy and the models are imported (issue 20, window first)."""
    return importlib.import_module("app.bootstrap").open_context(*args, **kwargs)


if __name__ == "__main__":
    sys.exit(main())
