"""A post's media files: copied into Herald's media folder (named by content hash), inspected
once, and shared as one Media row by every post of the workspace that uses the same bytes."""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import filemodes, paths
from app.core.clock import Clock
from app.core.media import MediaError, inspect_media
from app.core.models import Account, Media, Workspace
from app.core.posts.values import PostError


@dataclass
class Lookups:
    """What the posts of one write share, read once: the workspace, its accounts, and the
    media files already met (a path's content hash; a hash's Media row, new or stored)."""

    workspace: Workspace
    accounts: dict[int, Account]
    digests: dict[Path, str] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)

    @classmethod
    def load(cls, s: Session, workspace_id: int) -> Lookups:
        workspace = s.get(Workspace, workspace_id)
        if workspace is None:
            raise PostError(f"No workspace with id {workspace_id}.")
        accounts = s.scalars(select(Account).where(Account.workspace_id == workspace_id))
        return cls(workspace, {a.id: a for a in accounts})


def media_list(
    s: Session, found: Lookups, sources: Sequence[str | Path], clock: Clock
) -> list[Media]:
    """The Media rows for a post's files, in order, each once: the same picture listed
    twice (or two copies of the same bytes) is attached once, where it first appears."""
    media: dict[str, Media] = {}  # by content hash, in order of first appearance
    for path in dict.fromkeys(Path(source) for source in sources):
        item = media_for(s, found, path, clock)
        media.setdefault(item.sha256, item)
    return list(media.values())


def media_for(s: Session, found: Lookups, path: Path, clock: Clock) -> Media:
    """The Media row for a file: copied into Herald's media folder (named by content hash),
    inspected once, shared by every post of the workspace that uses the same bytes.

    A new row is not added to the session here: it goes in with the first post that links
    it (cascade), so a refused draft leaves nothing behind; `found` remembers it, so the
    next post of the same batch with the same bytes links the same row."""
    if not path.is_file():
        raise PostError(f"The file {path.name} cannot be found.")
    digest = found.digests.get(path)
    if digest is None:
        digest = found.digests[path] = sha256_of(path)
    known = found.media.get(digest)
    if known is not None:
        return known
    existing = s.scalar(
        select(Media)
        .where(Media.workspace_id == found.workspace.id, Media.sha256 == digest)
        .limit(1)
    )
    if existing is not None and Path(existing.path).is_file():
        found.media[digest] = existing
        return existing
    try:
        info = inspect_media(path)
    except MediaError as exc:
        raise PostError(str(exc)) from exc
    ext = path.suffix.lower() or (mimetypes.guess_extension(info.mime) or "")
    target = paths.media_dir() / f"{digest}{ext}"
    if not target.exists():
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(path, tmp)
        filemodes.make_private(tmp)  # copyfile gives the umask's mode (0644)
        tmp.replace(target)
    if existing is not None:  # the copy had gone missing: point the row at the new one
        existing.path = str(target)
        found.media[digest] = existing
        return existing
    media = Media(
        workspace_id=found.workspace.id,
        path=str(target),
        original_name=path.name[:255],
        sha256=digest,
        mime=info.mime,
        bytes=int(info.bytes),
        width=info.width,
        height=info.height,
        duration_s=info.duration_s,
        created_at=clock.now(),
    )
    found.media[digest] = media
    return media


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
