"""What the demo bakery posts: varied texts per platform and a few photos made with Pillow.

Texts are assembled from parts with a seeded `random.Random`, so a seed gives the same
history every time, and never repeat on one platform (X and Facebook refuse duplicates).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from app.platforms.names import Platform

PRODUCTS = (
    "sourdough loaves",
    "cardamom buns",
    "almond croissants",
    "caraway rye",
    "cinnamon rolls",
    "rosemary focaccia",
    "pain au chocolat",
    "lemon drizzle cake",
    "seeded spelt bread",
    "apple turnovers",
    "chocolate babka",
    "pretzel knots",
    "brioche buns",
    "pumpkin scones",
    "morning buns",
    "baguettes",
    "blueberry muffins",
    "olive fougasse",
)
OPENERS = (
    "Fresh out of the oven:",
    "Just baked:",
    "Back by popular demand:",
    "Today's special:",
    "Early birds, this one's for you:",
    "Weekend treat alert:",
    "Still warm:",
    "Our bakers were up at 4 for these:",
    "New on the counter:",
    "A little something for your coffee break:",
    "Straight from the stone oven:",
    "Say hello to",
)
DETAILS = (
    "until 11am",
    "while they last",
    "at both counters",
    "made with local butter",
    "with stone-ground flour",
    "after a 36-hour ferment",
    "and you can order ahead in the app",
    "two for $6 all afternoon",
    "with oat milk lattes to match",
    "baked in small batches all day",
    "straight from the farmers' market",
    "and the first ten are on us",
)
X_TAGS = ("#bakery", "#sourdough", "#shoplocal", "#breakfast", "#freshbread", "#coffeetime", "")
STORIES = (
    "Shaped by hand by Maya and the early crew.",
    "The crumb on this batch is our best yet.",
    "We switched to a slower proof this month and you can taste it.",
    "Grandma Rosa's recipe, with one small change she'd approve of.",
    "Every crumb of flour comes from a mill two hours up the river.",
    "Tag a friend who owes you breakfast.",
    "Swipe for the crumb shot.",
    "This is the one our regulars line up for.",
)
IG_TAGS = (
    "#bakery #sourdough #realbread #breadporn #shoplocal",
    "#pastry #croissant #bakerylife #morningcoffee",
    "#baking #handmade #smallbusiness #eatlocal",
    "#breakfast #brunch #coffeeandpastry #bakersofinstagram",
)
LINKEDIN = (
    "We're hiring: {role}. Early mornings, great coffee, and a team that cares about the "
    "craft. {extra}",
    "Behind the scenes: {story} It took us {weeks} weeks of testing to get the {product} "
    "right. {extra}",
    "Catering your next team meeting? Our {product} boxes feed {people} people and arrive "
    "warm. {extra}",
    "A thank-you to our suppliers: {story} Good bread starts long before the oven. {extra}",
    "What we learned this quarter: cutting waste by {percent}% came from baking {product} "
    "in smaller batches, not from working harder. {extra}",
    "Proud moment: our {product} made the city's best-of list. {extra}",
)
ROLES = ("a morning baker", "a pastry cook", "a counter lead", "a delivery driver (e-bike!)")
LI_EXTRA = (
    "Get in touch if that sounds like you.",
    "Happy to share what worked with other small businesses.",
    "Thanks to everyone who gave feedback along the way.",
    "Link in the comments.",
    "#smallbusiness #food #hospitality",
    "",
)
FACEBOOK = (
    "This Saturday at 10am: kids' pizza-dough workshop! Aprons provided, {product} for the "
    "grown-ups. {extra}",
    "Rainy day? Hot cocoa and {product} are waiting for you. {extra}",
    "Our {product} are back on the counter {detail}. {extra}",
    "Community board: we're collecting winter coats at the counter all week. Bring one, "
    "get {product} on us. {extra}",
    "Holiday hours: we close at 3pm on Sunday. Pre-order your {product} today! {extra}",
    "Meet the team: {name} has been shaping our {product} for {years} years. {extra}",
)
MASTODON_TAGS = ("#bread #baking", "#sourdough", "#SmallBusiness #bakery", "#food", "")
NAMES = ("Maya", "Tomás", "Aiko", "Grace", "Olu", "Lena")
FB_EXTRA = ("See you soon!", "Share with a neighbour.", "Questions? Just ask below.", "")


class TextMaker:
    """Unique, platform-flavoured texts for the demo bakery."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: dict[Platform, set[str]] = {p: set() for p in Platform}

    def text(self, platform: Platform) -> str:
        make = {
            Platform.TWITTER: self._x,
            Platform.INSTAGRAM: self._instagram,
            Platform.LINKEDIN: self._linkedin,
            Platform.FACEBOOK: self._facebook,
        }.get(platform, self._mastodon)  # a newer network (Bluesky, Mastodon, Threads): plain
        used = self._used[platform]
        for _ in range(50):
            text = make()
            if text not in used:
                break
        else:  # the parts ran out: a counter keeps it unique
            text = f"{make()} ({len(used) + 1})"
        used.add(text)
        return text

    def _pick(self, items: Sequence[str]) -> str:
        return self.rng.choice(items)

    def _x(self) -> str:
        opener, product, detail = self._pick(OPENERS), self._pick(PRODUCTS), self._pick(DETAILS)
        return f"{opener} {product} {detail}. {self._pick(X_TAGS)}".strip()

    def _instagram(self) -> str:
        head = f"{self._pick(OPENERS)} {self._pick(PRODUCTS)} {self._pick(DETAILS)}."
        return f"{head}\n\n{self._pick(STORIES)}\n\n{self._pick(IG_TAGS)}"

    def _linkedin(self) -> str:
        return (
            self._pick(LINKEDIN)
            .format(
                role=self._pick(ROLES),
                story=self._pick(STORIES),
                weeks=self.rng.randint(2, 12),
                product=self._pick(PRODUCTS),
                people=self.rng.choice((8, 12, 20, 30)),
                percent=self.rng.randint(12, 40),
                extra=self._pick(LI_EXTRA),
            )
            .strip()
        )

    def _facebook(self) -> str:
        return (
            self._pick(FACEBOOK)
            .format(
                product=self._pick(PRODUCTS),
                detail=self._pick(DETAILS),
                name=self._pick(NAMES),
                years=self.rng.randint(2, 15),
                extra=self._pick(FB_EXTRA),
            )
            .strip()
        )

    def _mastodon(self) -> str:
        head = f"{self._pick(OPENERS)} {self._pick(PRODUCTS)} {self._pick(DETAILS)}."
        return f"{head} {self._pick(STORIES)} {self._pick(MASTODON_TAGS)}".strip()


PALETTES = (
    ((246, 231, 210), (196, 132, 72)),
    ((252, 243, 228), (150, 92, 48)),
    ((235, 222, 240), (170, 110, 70)),
    ((222, 236, 228), (181, 120, 66)),
    ((250, 226, 214), (128, 78, 44)),
    ((238, 238, 230), (205, 150, 90)),
)


def make_images(folder: Path, rng: random.Random, count: int = 6) -> list[Path]:
    """`count` square JPEGs of "bakes" on a plain background (1080 x 1080, ~30 KB each)."""
    from PIL import Image, ImageDraw, ImageFont

    folder.mkdir(parents=True, exist_ok=True)
    font = ImageFont.load_default(size=56)
    paths = []
    for i in range(count):
        background, crust = PALETTES[i % len(PALETTES)]
        image = Image.new("RGB", (1080, 1080), background)
        draw = ImageDraw.Draw(image)
        for _ in range(rng.randint(3, 6)):
            x, y = rng.randint(80, 760), rng.randint(120, 700)
            w, h = rng.randint(200, 320), rng.randint(130, 220)
            shade = tuple(max(0, c - rng.randint(0, 40)) for c in crust)
            draw.ellipse((x, y, x + w, y + h), fill=shade, outline=(90, 55, 30), width=6)
            for k in range(1, 4):  # the score marks on a loaf
                cx = x + k * w // 4
                draw.line((cx - 20, y + 30, cx + 20, y + h - 30), fill=background, width=8)
        draw.rectangle((0, 900, 1080, 1080), fill=(60, 40, 30))
        draw.text((48, 950), f"Demo Bakery · {PRODUCTS[i % len(PRODUCTS)]}", font=font)
        path = folder / f"demo-bake-{i + 1}.jpg"
        image.save(path, "JPEG", quality=80)
        paths.append(path)
    return paths
