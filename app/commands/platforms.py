"""`main.py platforms`: the networks Herald supports, one line each, from the registry.

    python main.py platforms

NAME<TAB>DISPLAY<TAB>TEXT_LIMIT<TAB>AUTH (X's line: its Platform value, `X`, `280`,
`oauth2-pkce`): a contract for scripts, so the columns do not change.
"""

from __future__ import annotations

import argparse

from app import platforms


def configure(parser: argparse.ArgumentParser) -> None:
    """No options: the list needs no database (--db is accepted and ignored)."""


def lines() -> list[str]:
    return [
        f"{d.name}\t{d.display_name}\t{d.text.max_length}\t{d.auth.kind}"
        for d in platforms.all_platforms()
    ]


def run(args: argparse.Namespace) -> int:
    for line in lines():
        print(line)
    return 0
