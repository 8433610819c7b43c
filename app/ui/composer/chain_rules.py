"""What the composer's thread tab says about each selected network (issue 19): counts per
part as each network counts (X weighted, Bluesky graphemes and bytes, Mastodon's fediverse
count, Threads' emoji bytes), and for networks without threads what they get instead: the
whole text in one post without the numbers, or a refusal in words when it does not fit
(the same rule set_chain applies: app.core.chain_split.refusal_without_chains)."""

from __future__ import annotations

from collections.abc import Sequence

from app import platforms
from app.core.chain_split import fits, refusal_without_chains, text_length, whole_text
from app.platforms.names import Platform


def networks_with(networks: list[Platform], flag: str) -> list[Platform]:
    return [p for p in networks if getattr(platforms.get(p).formats, flag)]


def names(networks: list[Platform]) -> str:
    return ", ".join(platforms.get(p).display_name for p in networks)


def count_text(text: str, networks: list[Platform], sep: str = "\n") -> tuple[str, bool]:
    """ "X 120/280", one network a line, and whether any network is over its limit."""
    pieces, over = [], False
    for p in networks:
        limit = platforms.get(p).text.max_length
        over = over or not fits(text, p)
        pieces.append(f"{platforms.get(p).display_name} {text_length(text, p):,}/{limit:,}")
    return sep.join(pieces), over


def lone_refusal(parts: Sequence[str], lone: Sequence[Platform]) -> str | None:
    """Why the thread cannot go, as one post, to a network without threads (or None)."""
    if len(parts) < 2:
        return None
    whole = whole_text(parts)
    for p in lone:
        problem = refusal_without_chains(p, whole)
        if problem:
            return problem
    return None


def lone_hint(parts: Sequence[str], lone: list[Platform]) -> tuple[str, bool]:
    """What the networks without threads get, and whether that is a problem."""
    problem = lone_refusal(parts, lone)
    if problem:
        return problem, True
    if len(parts) < 2:
        return f"{names(lone)}: no threads; the post goes out alone.", False
    whole = whole_text(parts)
    counts = ", ".join(
        f"{text_length(whole, p):,}/{platforms.get(p).text.max_length:,}" for p in lone
    )
    verb = "has" if len(lone) == 1 else "have"
    return (
        f"{names(lone)} {verb} no threads: the whole text goes out there as one post, "
        f"without the numbers ({counts}).",
        False,
    )
