"""The preview imitates a network's feed from its descriptor's data (PreviewStyle, text and
media rules), so a network registered here renders without any change to the composer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import platforms
from app.core.posts import MediaFacts
from app.platforms.descriptor import (
    Analytics,
    Auth,
    MediaRules,
    PlatformDescriptor,
    PreviewStyle,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.ui.composer.preview import render

REPO = Path(__file__).resolve().parents[3]


def _network(name: str, **changes) -> PlatformDescriptor:
    fields = dict(
        name=name,
        display_name=name.title(),
        icon="fa5s.hashtag",
        colour="#6364ff",
        text=TextRules(max_length=40),
        auth=Auth(kind="oauth2", scopes=()),
        rate_budgets=RateBudgets(publish=None, read=RateBudget(1, 1)),
        analytics=Analytics(fields=()),
        priors="",
        setup_help="",
    )
    fields.update(changes)
    return PlatformDescriptor(**fields)


@pytest.fixture
def register():
    names: list[str] = []

    def add(descriptor: PlatformDescriptor) -> str:
        platforms.register(descriptor)
        names.append(descriptor.name)
        return descriptor.name

    yield add
    for name in names:
        platforms.unregister(name)


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


def test_a_network_without_a_fold_says_when_it_would_refuse(register):
    name = register(_network("FOLDLESS"))
    page = render(name, "@bakery", "a" * 45, [])
    assert "Foldless will refuse this post: 5 characters too many." in _text(page)
    assert "a" * 45 in page


def test_a_network_with_a_fold_cuts_the_text_and_links_in_its_colour(register):
    style = PreviewStyle(fold_at=10, more_label="…read on", link_colour="#ff00aa")
    name = register(_network("FOLDING", preview=style, text=TextRules(max_length=500)))
    page = render(name, "@bakery", "See https://example.com/menu today", [])
    assert "See https:…read on" in _text(page)
    assert "today" not in _text(page)
    style = PreviewStyle(fold_at=200, link_colour="#ff00aa")
    wide = register(_network("WIDEFOLD", preview=style, text=TextRules(max_length=500)))
    page = render(wide, "@bakery", "Go to https://ex.co", [])
    assert '<span style="color:#ff00aa">https://ex.co</span>' in page


def test_links_shortened_or_plain_as_the_descriptor_says(register):
    url = "https://example.com/order/pumpkin-rye-weekend-special"
    short = register(_network("SHORTENS", preview=PreviewStyle(shorten_links=True)))
    plain = register(_network("PLAINLINKS", text=TextRules(max_length=500, links_clickable=False)))
    assert "example.com/order/pump…" in render(short, "@b", url, [])
    page = render(plain, "@b", url, [])
    assert url in page and "color:" not in page.split(url)[0].rsplit("<p", 1)[-1]


def test_media_first_networks_caption_after_the_handle_and_ask_for_media(register, tmp_path):
    from PIL import Image

    rules = MediaRules(required=True)
    name = register(
        _network("PHOTOFIRST", media=rules, preview=PreviewStyle(media_first=True, fold_at=100))
    )
    assert "Photofirst posts need a photo or video." in _text(render(name, "@b", "Rye", []))
    photo = tmp_path / "rye.jpg"
    Image.new("RGB", (40, 40), "peru").save(photo)
    media = [MediaFacts(None, str(photo), "rye.jpg", "image/jpeg", 10, 40, 40, None, "s", None)]
    page = render(name, "@b", "Rye", media)
    assert page.index("<img") < page.index("<b>@b</b> Rye")
    assert "need a photo" not in page


def test_the_composer_and_accounts_name_no_network():
    """Issue 17: network names live in app/platforms; these views read the registry."""
    paths = [
        *sorted((REPO / "app/ui/composer").glob("*.py")),
        *sorted((REPO / "app/ui/accounts").glob("*.py")),
        REPO / "app/ui/developer_apps.py",
        REPO / "app/ui/media_hosting.py",
        REPO / "app/ui/theme.py",
    ]
    pattern = re.compile(r"TWITTER|INSTAGRAM|LINKEDIN|FACEBOOK|app\.constants")
    hits = [
        f"{path.relative_to(REPO)}:{number}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []
