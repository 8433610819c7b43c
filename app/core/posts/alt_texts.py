"""Alt text at scheduling: each image's description travels with the post (PostMedia.alt_text)
and, when the workspace requires it (Workspace.require_alt_text), an image without one is
refused for every account whose network takes alt text (PostFormats.alt_text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app import platforms
from app.core.models import Account, Media, Workspace
from app.core.posts.shapes import account_label, facts_of
from app.core.posts.values import MediaFacts, SchedulingError


def with_alt_texts(media: Sequence[Media], alt_texts: Sequence[str | None]) -> list[MediaFacts]:
    """The files' facts, each with its alt text (stripped; "" is none)."""
    found = []
    for index, item in enumerate(media):
        given = alt_texts[index] if index < len(alt_texts) else None
        found.append(replace(facts_of(item), alt_text=(given or "").strip() or None))
    return found


def missing_alt_texts(media: Sequence[MediaFacts]) -> list[int]:
    """Positions (0-based) of the images without alt text; videos need none."""
    return [
        i
        for i, m in enumerate(media)
        if (m.mime or "").startswith("image/") and not (m.alt_text or "").strip()
    ]


def takes_alt_text(platform: str) -> bool:
    try:
        return platforms.get(platform).formats.alt_text
    except KeyError:
        return False


def check_alt_texts(
    workspace: Workspace, accounts: Sequence[Account], media: Sequence[MediaFacts]
) -> None:
    """Raise SchedulingError naming each image without alt text when the workspace requires
    alt text and an account's network takes it; otherwise nothing."""
    if not workspace.require_alt_text:
        return
    missing = missing_alt_texts(media)
    if not missing:
        return
    where = [account_label(a) for a in accounts if takes_alt_text(a.platform)]
    if not where:
        return
    names = ", ".join(f"image {i + 1} ({media[i].original_name})" for i in missing)
    raise SchedulingError(
        [
            f"{names} {'has' if len(missing) == 1 else 'have'} no alt text; this workspace "
            f"requires alt text on every image ({', '.join(where)}). Describe "
            f"{'it' if len(missing) == 1 else 'them'} in the media strip's alt text field."
        ]
    )
