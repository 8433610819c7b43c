"""Issue 21: previews that look like each network's feed, driven by PreviewStyle data: an
initials avatar, name and handle as the network shows them, its fold, X's t.co note, a card for
the first link, photos cropped to the network's shapes, one preview per chosen account that
the previewAccountSwitcher switches."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QComboBox, QTextBrowser

from app import platforms
from app.core.posts import MediaFacts
from app.platforms.descriptor import PreviewStyle, TextRules
from app.platforms.names import Platform
from app.ui.composer import preview_text as pt
from app.ui.composer.preview import account_name, render
from app.ui.composer.preview_images import image_for, photo_url
from tests.ui.calendar.helpers import add_account
from tests.ui.composer.test_composer import env, find, open_composer, tab_index, type_text
from tests.ui.composer.test_preview_descriptors import _network, register

__all__ = ["env", "register"]

URL = "https://cornerbakery.example.com/order/pumpkin-rye-weekend-special"


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


def _photo(tmp_path, w: int, h: int) -> MediaFacts:
    path = tmp_path / f"p{w}x{h}.png"
    Image.new("RGB", (w, h), "peru").save(path)
    return MediaFacts(None, str(path), path.name, "image/png", 10, w, h, None, "s", None)


def test_x_shows_name_handle_time_and_counts_its_short_links():
    page = render(Platform.TWITTER, "@cornerbakery", f"New loaf {URL}", [], name="Corner Bakery")
    text = _text(page)
    assert "Corner Bakery" in text and "@cornerbakery · now" in text
    assert "cornerbakery.example.c…" in text and URL not in text
    assert "1 link counts as 23 characters (t.co)" in text
    assert "herald-preview:avatar?i=CB" in page  # initials avatar
    assert "cornerbakery.example.com" in text and "Pumpkin rye weekend special" in text  # card
    for action in ("Reply", "Repost", "Like"):
        assert action in text


def test_instagram_shows_the_bare_handle_and_folds_at_125_characters():
    caption = "x" * 124 + " tail words after the fold"
    page = render(Platform.INSTAGRAM, "@corner.bakery", caption, [], name="Corner Bakery")
    text = _text(page)
    assert "<b>corner.bakery</b>" in page and "@corner.bakery" not in text
    assert "x" * 124 + "… more" in re.sub(r"<[^>]+>", "", page)
    assert "tail words" not in text
    assert "herald-preview:card" not in page  # captions don't link: no card


def test_linkedin_folds_with_see_more_and_shows_the_page_name_only():
    text = "word " * 60
    page = render(Platform.LINKEDIN, "Corner Bakery", text, [], name="Corner Bakery")
    assert "…see more" in _text(page)
    assert len(re.findall(r"word", _text(page))) < 60
    assert _text(page).count("Corner Bakery") == 1  # the name once, no handle beside it


def test_no_card_when_the_post_has_media(tmp_path):
    page = render(Platform.TWITTER, "@b", f"Look {URL}", [_photo(tmp_path, 800, 800)])
    assert "herald-preview:card" not in page and "herald-preview:photo" in page


@pytest.mark.parametrize(
    ("platform", "size", "shape"),
    [
        (Platform.TWITTER, (1080, 1080), 16 / 9),  # X crops to 16:9
        (Platform.LINKEDIN, (1080, 1080), 1.91),  # LinkedIn 1.91:1
        (Platform.INSTAGRAM, (1080, 1350), 4 / 5),  # a portrait stays 4:5 on Instagram
        (Platform.INSTAGRAM, (1920, 1080), 1.0),  # a landscape is cropped square
    ],
)
def test_photos_are_cropped_to_the_network_shapes(qapp, tmp_path, platform, size, shape):
    media = _photo(tmp_path, *size)
    aspects = platforms.get(platform).preview.image_aspects
    page = render(platform, "@b", "Rye", [media], width=200)
    url = photo_url(media.path, aspects, 200)
    assert url.replace("&", "&amp;") in page
    image = image_for(QUrl(url), {})
    assert image is not None
    assert image.width() / image.height() == pytest.approx(shape, rel=0.02)


def test_avatar_is_a_picture_of_initials(qapp):
    page = render(Platform.TWITTER, "@cornerbakery", "Hi", [], name="Corner Bakery")
    src = re.search(r'src="(herald-preview:avatar[^"]+)"', page).group(1).replace("&amp;", "&")
    image = image_for(QUrl(src), {})
    assert image is not None and image.width() == image.height() > 0
    assert image.pixelColor(0, 0).alpha() == 0  # a circle: the corner is transparent
    assert pt.initials("@corner.bakery") == "CB" and pt.initials("Corner Bakery Leeds") == "CB"


def test_new_style_fields_have_defaults_so_other_descriptors_work(register):
    style = PreviewStyle(fold_at=20)  # a descriptor written before these fields existed
    assert style.identity == "name_and_handle" and style.image_aspects == ()
    name = register(_network("NEWNET", preview=style, text=TextRules(max_length=300)))
    page = render(name, "@me", "Hello from a new network with a long text", [])
    assert "@me" in _text(page) and "… more" in _text(page)


def test_account_name_prefers_what_the_network_said():
    assert account_name("@b", {"display_name": "Bakery Ltd"}, "WS") == "Bakery Ltd"
    assert account_name("@b", {}, "Corner Bakery") == "Corner Bakery"
    assert account_name("Corner Bakery Leeds", {}, "WS") == "Corner Bakery Leeds"


def test_one_preview_per_account_switchable(env, qtbot):
    context, ws, x, li = env
    ig = add_account(context, ws.id, Platform.INSTAGRAM, "@corner.bakery")
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, f"Fresh rye today {URL}")
    dialog._render_preview()
    switcher = find(dialog, QComboBox, "previewAccountSwitcher")
    pane = find(dialog, QTextBrowser, "previewPane")
    assert switcher.count() == 3 and switcher.isEnabled()
    assert {switcher.itemData(i) for i in range(3)} == {x, li, ig}
    seen = set()
    for i in range(switcher.count()):
        switcher.setCurrentIndex(i)
        switcher.activated.emit(i)
        seen.add(pane.toPlainText())
        handle = switcher.itemText(i).split(" · ")[1].removeprefix("@")
        assert handle in pane.toPlainText()
    assert len(seen) == 3  # each account's own feed
    dialog.tabs.setCurrentIndex(tab_index(dialog, li))
    dialog._render_preview()
    assert switcher.currentData() == li and "…" not in switcher.currentText()[:3]
    dialog.account_list.item(0).setCheckState(dialog.account_list.item(0).checkState().Unchecked)
    dialog._render_preview()
    assert switcher.count() == 2
    dialog._dirty = False


def test_an_empty_text_shows_where_it_will_appear():
    page = render(Platform.FACEBOOK, "Corner Bakery", "", [], name="Corner Bakery")
    assert "Your text will appear here." in _text(page)
    assert "Your text" not in _text(render(Platform.FACEBOOK, "Corner Bakery", "Hi", []))


def test_the_switcher_choice_survives_typing_on_an_account_tab(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    dialog.tabs.setCurrentIndex(tab_index(dialog, x))
    dialog._render_preview()
    switcher = find(dialog, QComboBox, "previewAccountSwitcher")
    assert switcher.currentData() == x
    other = next(i for i in range(switcher.count()) if switcher.itemData(i) == li)
    switcher.setCurrentIndex(other)
    switcher.activated.emit(other)
    type_text(qtbot, dialog.tabs_by_account[x].editor, "more")
    dialog._render_preview()
    assert switcher.currentData() == li  # not pulled back while typing
    dialog.tabs.setCurrentIndex(0)
    dialog._render_preview()
    dialog.tabs.setCurrentIndex(tab_index(dialog, x))
    dialog._render_preview()
    assert switcher.currentData() == x  # a tab change shows that tab's account
    dialog._dirty = False
