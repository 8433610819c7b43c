"""Bluesky (the AT Protocol): posts are `app.bsky.feed.post` records in the user's repository
on their PDS, written with an app password's session; numbers come from the AppView.

Sources: /work/shared/NEW-PLATFORMS.md "Bluesky" (lexicons app/bsky/feed/post.json,
app/bsky/embed/images.json, app/bsky/embed/video.json, app/bsky/richtext/facet.json; the
reference PDS's rate limits). Video: app/platforms/bluesky/video.py.
"""

from __future__ import annotations

from fractions import Fraction

from app.platforms.descriptor import (
    MIB,
    Analytics,
    Auth,
    MediaRules,
    PlatformDescriptor,
    PreviewStyle,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.platforms.formats import PostFormats
from app.platforms.video_rules import VideoRules

NAME = "BLUESKY"
#: where an account lives when its handle's DID document names no other PDS
DEFAULT_SERVICE = "https://bsky.social"
#: the AppView answering app.bsky.feed.getPosts without a session
DEFAULT_APPVIEW = "https://public.api.bsky.app"
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_IMAGES = 4
#: app.bsky.embed.images: each image blob at most 2,000,000 bytes (lexicon maxSize)
IMAGE_MAX_BYTES = 2_000_000
#: a video: up to 3 minutes and 100 MB (the video service's published limits)
VIDEO_MAX_SECONDS = 180
VIDEO_MAX_BYTES = 100 * MIB
#: app.bsky.feed.getPosts takes at most 25 AT-URIs
GET_POSTS_BATCH = 25

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(chain=True, alt_text=True, video=True),
    name=NAME,
    adapter="app.platforms.bluesky.adapter:BlueskyAdapter",
    connect="app.platforms.bluesky.connect:SIGN_IN",
    display_name="Bluesky",
    icon="fa6b.bluesky",
    colour="#1185fe",
    # 300 graphemes and 3,000 UTF-8 bytes (app.bsky.feed.post text maxGraphemes/maxLength)
    text=TextRules(max_length=MAX_GRAPHEMES, counting="graphemes", max_bytes=MAX_BYTES),
    media=MediaRules(
        max_items=MAX_IMAGES,
        max_images=MAX_IMAGES,
        max_videos=1,
        max_gifs=0,
        allow_mixed=False,
        image_mimes=frozenset({"image/jpeg", "image/png", "image/webp"}),
        image_max_bytes=IMAGE_MAX_BYTES,
        image_min_aspect=Fraction(1, 100),
        image_max_aspect=Fraction(100, 1),
        # Bluesky's published video limits (bsky.social/about/blog, 2025-03: 3 minutes, 100 MB;
        # the lexicon app.bsky.embed.video takes only video/mp4)
        video=VideoRules(
            label="Bluesky videos",
            max_s=VIDEO_MAX_SECONDS,
            max_bytes=VIDEO_MAX_BYTES,
            mimes=frozenset({"video/mp4"}),
        ),
    ),
    media_summary="up to 4 images (each up to 2 MB) or 1 MP4 video (up to 3 minutes, 100 MB)",
    preview=PreviewStyle(link_colour="#1185fe"),
    auth=Auth(kind="app-password", scopes=(), needs_developer_app=False),
    rate_budgets=RateBudgets(
        # The reference PDS: 5,000 write points an hour per account, a create costs 3.
        publish=RateBudget(1666, 3600),
        # The AppView's per-IP limit is generous; Herald stays far under it.
        read=RateBudget(3000, 5 * 60),
    ),
    analytics=Analytics(
        fields=("likeCount", "repostCount", "replyCount", "quoteCount"),
        not_reported=("impressions: Bluesky does not count views",),
    ),
    priors="resources/besttime_priors.json#platforms.BLUESKY",
    setup_help=(
        "No developer app needed: bsky.app → Settings → Privacy and security → App passwords → "
        "Add App Password, then connect with your handle and that password."
    ),
    accounts_noun="accounts",
)
