"""Is the schema at head? Answered without importing Alembic (about a third of a second of
start-up): the head revision read from the migration files' `revision` / `down_revision`
lines, the database's from its `alembic_version` row. Anything unexpected (no such table,
files that do not parse, a fork in the chain) answers "not known to be current", and the
caller takes the full Alembic path (app/core/db_schema.py), which decides properly."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, text

VERSIONS_DIR = Path(__file__).with_name("migrations") / "versions"
_LINE = re.compile(r"""^(down_revision|revision)\s*=\s*(?:["']([^"']+)["']|None)\s*$""", re.M)


@cache
def head_from_files(versions: Path = VERSIONS_DIR) -> str | None:
    """The one revision no other names as its down_revision; None when that is not clear."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _LINE.finditer(path.read_text("utf-8")))
        if "revision" not in found or found["revision"] is None:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(str(found["down_revision"]))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def schema_is_current(engine: Engine) -> bool:
    """True only when the database's recorded revision is the migrations' head."""
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # noqa: BLE001 no version table (new or foreign database): full path
        return False
    return [r[0] for r in rows] == [head]
