"""Assemble README.md from its parts: the hand-written head and tail plus the section files
in docs/ (best times, developer apps, testing, soak), so each section has one source."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = [
    "docs/readme/head.md",
    "docs/besttime.md",
    "docs/developer-apps.md",
    "docs/queues.md",
    "docs/testing.md",
    "docs/readme/bench.md",
    "docs/readme/scale.md",
    "docs/soak.md",
    "docs/readme/tail.md",
]


def main() -> int:
    chunks = []
    for part in PARTS:
        path = ROOT / part
        if path.exists():
            chunks.append(path.read_text(encoding="utf-8").strip() + "\n")
    (ROOT / "README.md").write_text("\n".join(chunks), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
