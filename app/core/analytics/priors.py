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
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from app import platforms
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
    """Validate and convert the JSON document; ValueError says what is wrong. Every profile
    is validated; those of networks not registered in this build are left out."""
    return {
        Platform(name): prior
        for name, prior in _parse_section(data, "platforms").items()
        if name in Platform
    }


def _parse_section(data: Mapping[str, object], section: str) -> dict[str, Prior]:
    if data.get("format") != 1:
        raise ValueError(f"unsupported priors format {data.get('format')!r}")
    profiles = data.get(section)
    if not isinstance(profiles, dict):
        raise ValueError(f"priors: {section!r} must be an object")
    out: dict[str, Prior] = {}
    for name, spec in profiles.items():
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
        # Typed as Platform for the caller; a name not registered is dropped by the caller.
        out[str(name)] = Prior(
            str(name),  # type: ignore[arg-type]
            tuple(w / top for w in weights),
            rate,
            str(spec.get("about", "")),
        )
    return out


def flat(platform: Platform) -> Prior:
    return Prior(platform, (1.0,) * 168, FLAT_RATE, "no cold-start profile available")


class Priors(dict[Platform, Prior]):
    """Every registered network's prior; a network registered after loading (or without a
    profile) gets a flat one."""

    def __missing__(self, platform: Platform) -> Prior:
        return flat(Platform(platform))


@lru_cache(maxsize=1)
def load_priors() -> Priors:
    """Every platform's prior, found where its descriptor's `priors` points
    ("resources/besttime_priors.json#platforms.<NAME>": a section and a name in the file
    this module locates); flat for a platform the file does not describe."""
    document: Mapping[str, object] = {"format": 1}
    for path in candidate_paths():
        if path.is_file():
            document = json.loads(path.read_text(encoding="utf-8"))
            break
    else:
        log.warning("best-time priors %s not found; using flat cold-start profiles", FILE_NAME)
    sections: dict[str, dict[str, Prior]] = {}
    out = Priors()
    for descriptor in platforms.all_platforms():
        platform = Platform(descriptor.name)
        section, _, name = descriptor.priors.partition("#")[2].partition(".")
        if section and section not in sections:
            sections[section] = _parse_section(document, section) if section in document else {}
        found = sections.get(section, {}).get(name)
        out[platform] = replace(found, platform=platform) if found else flat(platform)
    return out
