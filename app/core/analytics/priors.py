"""The cold-start best-time profiles shipped as data in resources/besttime_priors.json.

Looked up, in order: $HERALD_RESOURCES_DIR; `resources/` at the repository root (a source
checkout, `pip install -e`); `resources/` beside the frozen executable (PyInstaller's
sys._MEIPASS); `<sys.prefix>/share/herald/resources` (a wheel's data files). When none is
found Herald logs a warning and uses a flat profile, so recommendations still work (from the
user's own data only).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.platforms.names import Platform

log = logging.getLogger(__name__)

FILE_NAME = "besttime_priors.json"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FLAT_RATE = 0.04


@dataclass(frozen=True)
class Prior:
    platform: Platform
    weights: tuple[float, ...]  # 168, index = weekday * 24 + hour; 1.0 = the best hour
    typical_rate: float  # engagement rate of a post at an average hour
    about: str = ""

    @property
    def mean_weight(self) -> float:
        return sum(self.weights) / len(self.weights)

    def rate(self, bucket: int) -> float:
        """The prior's engagement rate for a bucket, before any user data."""
        return self.typical_rate * self.weights[bucket] / self.mean_weight


def candidate_paths() -> list[Path]:
    paths = []
    if os.environ.get("HERALD_RESOURCES_DIR"):
        paths.append(Path(os.environ["HERALD_RESOURCES_DIR"]) / FILE_NAME)
    paths.append(Path(__file__).resolve().parents[3] / "resources" / FILE_NAME)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        paths.append(Path(frozen) / "resources" / FILE_NAME)
    paths.append(Path(sys.prefix) / "share" / "herald" / "resources" / FILE_NAME)
    return paths


def parse(data: Mapping[str, object]) -> dict[Platform, Prior]:
    """Validate and convert the JSON document; ValueError says what is wrong."""
    if data.get("format") != 1:
        raise ValueError(f"unsupported priors format {data.get('format')!r}")
    platforms = data.get("platforms")
    if not isinstance(platforms, dict):
        raise ValueError("priors: 'platforms' must be an object")
    out: dict[Platform, Prior] = {}
    for name, spec in platforms.items():
        platform = Platform(str(name).upper())
        week = spec.get("week") if isinstance(spec, dict) else None
        if not isinstance(week, dict) or set(week) != set(WEEKDAYS):
            raise ValueError(f"priors: {name} needs a 'week' with {', '.join(WEEKDAYS)}")
        weights: list[float] = []
        for day in WEEKDAYS:
            hours = week[day]
            if not isinstance(hours, list) or len(hours) != 24:
                raise ValueError(f"priors: {name} {day} needs 24 numbers")
            weights.extend(float(h) for h in hours)
        if min(weights) < 0 or max(weights) <= 0:
            raise ValueError(f"priors: {name} weights must be >= 0 with a positive maximum")
        top = max(weights)
        rate = float(spec.get("typical_rate", FLAT_RATE))
        if not 0 < rate < 1:
            raise ValueError(f"priors: {name} typical_rate must be in (0, 1)")
        out[platform] = Prior(
            platform, tuple(w / top for w in weights), rate, str(spec.get("about", ""))
        )
    return out


def flat(platform: Platform) -> Prior:
    return Prior(platform, (1.0,) * 168, FLAT_RATE, "no cold-start profile available")


@lru_cache(maxsize=1)
def load_priors() -> dict[Platform, Prior]:
    """Every platform's prior (flat for a platform the file does not describe)."""
    found: dict[Platform, Prior] = {}
    for path in candidate_paths():
        if path.is_file():
            found = parse(json.loads(path.read_text(encoding="utf-8")))
            break
    else:
        log.warning("best-time priors %s not found; using flat cold-start profiles", FILE_NAME)
    return {p: found.get(p, flat(p)) for p in Platform}
