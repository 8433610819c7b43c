"""Instagram: the Graph API's content publishing, connected with Instagram Login (Meta)."""

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

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(
        first_comment=True, video=True, carousel=True, carousel_max=10, alt_text=True
    ),
    name="INSTAGRAM",
    adapter="app.platforms.instagram.adapter:InstagramAdapter",
    connect="app.platforms.instagram.connect:SIGN_IN",
    display_name="Instagram",
    icon="fa6b.instagram",
    colour="#d62976",
    text=TextRules(max_length=2200, max_hashtags=30, max_mentions=20, links_clickable=False),
    media=MediaRules(
        required=True,
        max_items=10,  # a carousel holds 2 to 10; one item is a single post
        image_mimes=frozenset({"image/jpeg"}),
        image_max_bytes=8 * MIB,
        image_min_aspect=Fraction(4, 5),
        image_max_aspect=Fraction(191, 100),
        needs_hosting=True,  # Instagram fetches media from a public address
        hosting_network="FACEBOOK",  # a connected Facebook Page can host it
        video=VideoRules(
            label="Instagram Reels",
            min_s=3,
            max_s=15 * 60,
            max_bytes=300 * MIB,
            mimes=MP4_OR_MOV,
            codecs=H264_OR_HEVC,
        ),
    ),
    preview=PreviewStyle(
        fold_at=125,
        more_label="… more",
        media_first=True,
        identity="handle",
        time_label="",
        link_card=False,
        image_aspects=((1, 1), (4, 5)),
        actions=("Like", "Comment", "Share", "Save"),
    ),
    media_summary=(
        "1 image or video required; carousels of 2-10; JPEG up to 8 MB, aspect 4:5 to 1.91:1"
    ),
    auth=Auth(
        kind="meta-login",
        scopes=(
            "instagram_business_basic",
            "instagram_business_content_publish",
            "instagram_business_manage_insights",
            # first comments: POST /{ig-media-id}/comments
            "instagram_business_manage_comments",
        ),
        redirect_port=8768,
    ),
    rate_budgets=RateBudgets(
        publish=RateBudget(50, 24 * 3600),  # the content-publishing limit per 24 h
        read=RateBudget(200, 3600),  # Graph API: 200 calls per person per hour
        read_share=GRAPH_READ_SHARE,
        read_cost_per_id=1,
    ),
    analytics=Analytics(
        fields=("reach", "likes", "comments", "shares", "saved", "total_interactions", "views"),
        not_reported=("impressions: retired in Graph v22; views (or reach) stand for it",),
    ),
    priors="resources/besttime_priors.json#platforms.INSTAGRAM",
    setup_help=(
        "developers.facebook.com → create a Business app → add “Instagram” → API setup "
        "with Instagram login → Business login settings."
    ),
)
