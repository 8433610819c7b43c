"""X (formerly Twitter): API v2, OAuth 2.0 with PKCE as a public "Native App" client."""

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
from app.platforms.video_rules import H264, MP4_OR_MOV, VideoRules

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(chain=True, first_comment=True, video=True, alt_text=True),
    name="TWITTER",
    adapter="app.platforms.twitter.adapter:TwitterAdapter",
    connect="app.platforms.twitter.connect:SIGN_IN",
    display_name="X",
    icon="fa6b.x-twitter",
    colour="#111111",
    # 280 weighted characters (twitter-text: links count 23, CJK and emoji 2).
    text=TextRules(max_length=280, counting="x_weighted"),
    media=MediaRules(
        max_items=4,
        max_images=4,
        max_videos=1,
        max_gifs=1,
        allow_mixed=False,
        video=VideoRules(
            label="X videos",
            min_s=0.5,
            max_s=140,
            max_bytes=512 * MIB,
            mimes=MP4_OR_MOV,
            min_aspect=Fraction(1, 3),
            max_aspect=Fraction(3, 1),
            codecs=H264,
        ),
    ),
    media_summary="up to 4 images, or 1 video, or 1 GIF; never mixed",
    preview=PreviewStyle(
        shorten_links=True,
        link_colour="#1d9bf0",
        link_shortener="t.co",
        image_aspects=((16, 9),),
        actions=("Reply", "Repost", "Like", "Views"),
    ),
    auth=Auth(
        kind="oauth2-pkce",
        scopes=("tweet.read", "tweet.write", "users.read", "offline.access", "media.write"),
        secret_optional=True,
        short_lived_tokens=True,
        redirect_port=8765,
    ),
    rate_budgets=RateBudgets(
        publish=RateBudget(300, 15 * 60),  # POST /2/tweets per user per 15 min
        read=RateBudget(900, 15 * 60),  # GET /2/tweets per user per 15 min
    ),
    analytics=Analytics(
        fields=("like_count", "retweet_count", "quote_count", "reply_count", "impression_count"),
    ),
    priors="resources/besttime_priors.json#platforms.TWITTER",
    setup_help=(
        "developer.x.com → Projects & Apps → your app → User authentication settings: "
        "OAuth 2.0, type “Native App”, permissions “Read and write”."
    ),
)
