"""`main.py import` prints a traceback instead of FILE:LINE: reason for two kinds of row:

- a date whose UTC instant falls outside years 1-9999 ("0001-01-01 00:00" in Asia/Tokyo):
  app/core/timeutil.py to_utc raises OverflowError, which app/commands/import_csv.py _parse
  does not catch (it catches NonexistentTimeError/AmbiguousTimeError only);
- the same picture twice in one row ("pic.jpg;pic.jpg"): app/core/posts.py PostService._apply
  makes two PostMedia rows with one (post_id, media_id) key -> IntegrityError.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROWS = {
    "year 1 in Tokyo": "0001-01-01 00:00,Asia/Tokyo,soak_x,hi,",
    "year 9999 in Los Angeles": "9999-12-31 23:59,America/Los_Angeles,soak_x,hi,",
    "the same picture twice": "2031-05-04 09:30,UTC,soak_x,hello,pic.jpg;pic.jpg",
}


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="herald-repro-"))
    os.environ["HERALD_DATA_DIR"] = str(folder)
    from PIL import Image

    from app.cli import main as cli_main
    from app.core.db import open_database
    from app.core.models import Account, AccountStatus
    from app.core.workspaces import WorkspaceService
    from app.platforms.names import Platform

    url = f"sqlite:///{folder / 'herald.db'}"
    db = open_database(url)
    ws = WorkspaceService(db).create("Repro", "UTC")
    with db.session() as s:
        s.add(
            Account(
                workspace_id=ws.id, platform=Platform.TWITTER, handle="soak_x", external_id="1",
                status=AccountStatus.ACTIVE, settings={}, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.commit()
    db.dispose()
    Image.new("RGB", (1080, 1080), (1, 2, 3)).save(folder / "pic.jpg")
    crashes = 0
    for label, row in ROWS.items():
        path = folder / "in.csv"
        path.write_text("scheduled_at,timezone,accounts,text,media\n" + row + "\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code: int | str = cli_main(
                    ["import", str(path), "--db", url, "--workspace", "Repro"]
                )
            except Exception as exc:  # what the command line shows as a traceback
                code = f"traceback: {type(exc).__name__}: {str(exc).splitlines()[0][:90]}"
                traceback.clear_frames(exc.__traceback__)
                crashes += 1
        print(f"{label:26} -> {code} {err.getvalue().strip()[:100]}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
