"""Threads (Meta): graph.threads.net containers and threads_publish, connected with the
user's own Meta app (Threads use case) through Threads' OAuth.

Facts: developers.facebook.com/docs/threads (posts, overview, long-lived tokens, insights,
troubleshooting); /work/shared/NEW-PLATFORMS.md "Threads" keeps the sources.
"""

from __future__ import annotations

from fractions import Fraction

from app.platforms.descriptor import (
    GRAPH_READ_SHARE,
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
from app.platforms.video_rules import H264_OR_HEVC, MP4_OR_MOV, VideoRules

#: replies need this one too (app.platforms.threads.adapter.reply)
REPLY_SCOPE = "threads_manage_replies"

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(chain=True, video=True, carousel=True, carousel_max=20, alt_text=True),
    name="THREADS",
    adapter="app.platforms.threads.adapter:ThreadsAdapter",
    connect="app.platforms.threads.connect:SIGN_IN",
    display_name="Threads",
    icon="fa6b.threads",
    colour="#101010",
    # "Emojis are counted as the number of UTF-8 bytes" (developers.facebook.com/docs/threads/posts)
    text=TextRules(max_length=500, counting="emoji_utf8_bytes"),
    media=MediaRules(
        max_items=20,  # a carousel holds 2 to 20 items
        image_mimes=frozenset({"image/jpeg", "image/png"}),
        image_max_bytes=8 * MIB,
        needs_hosting=True,  # Threads downloads every image and video from a public address
        hosting_network="FACEBOOK",
        # developers.facebook.com/docs/threads/overview "Video specifications": MOV or MP4,
        # up to 5 minutes and 1 GB, aspect ratio 0.01:1 to 10:1
        video=VideoRules(
            label="Threads videos",
            max_s=300,
            max_bytes=1024 * MIB,
            mimes=MP4_OR_MOV,
            min_aspect=Fraction(1, 100),
            max_aspect=Fraction(10, 1),
            codecs=H264_OR_HEVC,
        ),
    ),
    media_summary=(
        "text alone, or 1 image or video, or a carousel of 2-20; JPEG/PNG up to 8 MB; "
        "MP4/MOV video up to 1 GB and 5 minutes"
    ),
    preview=PreviewStyle(fold_at=None, link_colour="#0095f6"),
    auth=Auth(
        kind="oauth2",
        # threads_manage_replies: a chain's later parts are replies to its first
        scopes=(
            "threads_basic",
            "threads_content_publish",
            "threads_manage_insights",
            REPLY_SCOPE,
        ),
        redirect_port=8769,
    ),
    rate_budgets=RateBudgets(
        publish=RateBudget(250, 24 * 3600),  # 250 API-published posts per profile, rolling 24 h
        read=RateBudget(200, 3600),
        read_share=GRAPH_READ_SHARE,
        read_cost_per_id=1,
    ),
    analytics=Analytics(
        fields=("views", "likes", "replies", "reposts", "quotes"),
        not_reported=(
            "impressions: Threads reports views, which Meta calls “in development”; "
            "when it gives none, none is stored",
        ),
    ),
    # Threads publishes no audience-hour data: the profile is Instagram's (see its "about").
    priors="resources/besttime_priors.json#platforms.THREADS",
    setup_help=(
        "developers.facebook.com → create an app with the “Access the Threads API” use case → "
        "use its Threads app ID and secret; add the redirect URI under Threads settings."
    ),
)
