"""twitter-text's official conformance data against Herald's counter and link extractor.

The data lives outside the repository (shared/conformance/twitter-text, Apache-2.0) and is read
in place, never copied. Which config each validate.yml section uses comes from that folder's
README: WeightedTweetsCounterTest uses v2.json, the emoji and directional-marker sections v3.json.
Without the folder (a clone outside this workspace) every test here skips, naming the folder.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.textrules import V2, V3, TweetConfig, extract_urls, parse_tweet, weighted_length

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "twitter-text"

WEIGHTED_SECTIONS = {
    "WeightedTweetsCounterTest": "v2.json",
    "WeightedTweetsWithDiscountedEmojiCounterTest": "v3.json",
    "UnicodeDirectionalMarkerCounterTest": "v3.json",
}
URL_SECTIONS = ("urls", "tco_urls_with_params")
URL_INDEX_SECTIONS = ("urls_with_indices", "urls_with_directional_markers")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(autouse=True, scope="module")
def _conformance_data_present() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"twitter-text conformance data: {CONFORMANCE} not found")


@cache
def _tests(file_name: str) -> dict[str, list[dict[str, Any]]]:
    with (CONFORMANCE / file_name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)["tests"]


@cache
def _config(file_name: str) -> TweetConfig:
    return TweetConfig.from_json(json.loads((CONFORMANCE / file_name).read_text(encoding="utf-8")))


def _case_id(index: int, case: dict[str, Any]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", case["description"].lower()).strip("-")[:60]
    return f"{index:02d}-{slug}"


def _cases(file_name: str, sections: tuple[str, ...]) -> list[Any]:
    """One pytest param per case (section, case); a single placeholder when the data is absent,
    so collection still works and the module fixture skips it with the folder's name."""
    if not CONFORMANCE.is_dir():
        return [pytest.param(None, None, id="conformance-data-missing")]
    return [
        pytest.param(section, case, id=f"{section}-{_case_id(i, case)}")
        for section in sections
        for i, case in enumerate(_tests(file_name)[section])
    ]


@pytest.mark.parametrize(("section", "case"), _cases("validate.yml", tuple(WEIGHTED_SECTIONS)))
def test_weighted_count(section: str, case: dict[str, Any]) -> None:
    config = _config(WEIGHTED_SECTIONS[section])
    assert parse_tweet(case["text"], config).as_twitter_text() == case["expected"]


@pytest.mark.parametrize(
    ("section", "case"),
    _cases(
        "validate.yml",
        tuple(s for s, cfg in WEIGHTED_SECTIONS.items() if cfg == "v3.json"),
    ),
)
def test_public_weighted_length_is_v3(section: str, case: dict[str, Any]) -> None:
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", URL_SECTIONS))
def test_urls(section: str, case: dict[str, Any]) -> None:
    assert [u.url for u in extract_urls(case["text"])] == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("extract.yml", URL_INDEX_SECTIONS))
def test_urls_with_indices(section: str, case: dict[str, Any]) -> None:
    found = [{"url": u.url, "indices": [u.start, u.end]} for u in extract_urls(case["text"])]
    assert found == case["expected"]


def test_built_in_configs_match_twitter_text() -> None:
    assert _config("v2.json") == V2
    assert _config("v3.json") == V3
