"""Facebook Pages: the Graph API, connected with Facebook Login for Business (Meta)."""

from __future__ import annotations

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
from app.platforms.video_rules import VideoRules

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(first_comment=True, video=True, carousel=True, alt_text=True),
    name="FACEBOOK",
    adapter="app.platforms.facebook.adapter:FacebookAdapter",
    connect="app.platforms.facebook.connect:SIGN_IN",
    display_name="Facebook",
    icon="fa6b.facebook",
    colour="#1877f2",
    text=TextRules(max_length=63206),
    media=MediaRules(
        max_videos=1,
        allow_mixed=False,
        video=VideoRules(label="Facebook Page videos", max_s=240 * 60, max_bytes=10 * 1024 * MIB),
    ),
    media_summary="several photos, or 1 video (up to 240 min); never mixed",
    preview=PreviewStyle(
        fold_at=480,
        more_label="… See more",
        identity="name",
        time_label="Just now",
        image_aspects=((191, 100), (1, 1), (4, 5)),
        actions=("Like", "Comment", "Share"),
    ),
    accounts_noun="Pages",
    auth=Auth(
        kind="meta-login",
        scopes=(
            "pages_show_list",
            "pages_read_engagement",
            "pages_manage_posts",
            "read_insights",
            "pages_manage_engagement",  # first comments: POST /{post-id}/comments as the Page
        ),
        redirect_port=8767,
    ),
    rate_budgets=RateBudgets(
        # Facebook documents no per-post limit (only call-volume throttling, by headers).
        publish=None,
        read=RateBudget(200, 3600),
        read_share=GRAPH_READ_SHARE,
        read_cost_per_id=2,
    ),
    analytics=Analytics(
        fields=(
            "post_total_media_view_unique",
            "post_reactions_by_type_total",
            "post_clicks",
            "shares",
            "comments",
            "reactions",
        ),
        not_reported=(
            "impressions: post_impressions retired 2025-11-15; unique media views stand for it,"
            " and a Page that refuses the metric shows it as not reported",
        ),
    ),
    priors="resources/besttime_priors.json#platforms.FACEBOOK",
    setup_help=(
        "developers.facebook.com → create a Business app → add “Facebook Login for "
        "Business” → Settings: Valid OAuth Redirect URIs."
    ),
)
