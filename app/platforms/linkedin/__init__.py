"""LinkedIn: the Posts API, as a member or (Community Management API) as a company page."""

from __future__ import annotations

from fractions import Fraction

from app.platforms.descriptor import (
    MIB,
    Analytics,
    Auth,
    ConnectOption,
    MediaRules,
    NetworkSetting,
    PlatformDescriptor,
    PreviewStyle,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.platforms.formats import PostFormats
from app.platforms.linkedin.access import analytics_unavailable
from app.platforms.video_rules import VideoRules

# The LinkedIn-Version Herald was last checked against (learn.microsoft.com, Posts API and
# statistics pages, 2026-01 view): the default of the "linkedin.api_version" setting and the
# version Herald steps to when LinkedIn refuses a configured one as "not active".
API_VERSION = "202601"
LINKEDIN_VERSION = API_VERSION  # the name the adapter and the tests know it by
#: the LinkedIn-Version header (YYYYMM); LinkedIn sunsets a version after about a year
API_VERSION_SETTING = "linkedin.api_version"
LINKEDIN_API_VERSION = API_VERSION_SETTING

DESCRIPTOR = PlatformDescriptor(
    formats=PostFormats(
        first_comment=True, video=True, carousel=True, carousel_max=20, alt_text=True
    ),
    name="LINKEDIN",
    adapter="app.platforms.linkedin.adapter:LinkedInAdapter",
    connect="app.platforms.linkedin.connect:SIGN_IN",
    display_name="LinkedIn",
    icon="fa6b.linkedin",
    colour="#0a66c2",
    text=TextRules(max_length=3000),
    media=MediaRules(
        max_images=20,  # a multi-image post holds 2 to 20
        max_videos=1,
        max_gifs=1,
        allow_mixed=False,
        video=VideoRules(
            label="LinkedIn videos",
            min_s=3,
            max_s=30 * 60,
            min_bytes=75 * 1024,
            max_bytes=500 * MIB,
            mimes=frozenset({"video/mp4"}),
            min_aspect=Fraction(5, 12),  # 1:2.4
            max_aspect=Fraction(12, 5),  # 2.4:1
        ),
    ),
    media_summary="up to 20 images, or 1 video (MP4, 3 s to 30 min); never mixed",
    preview=PreviewStyle(
        fold_at=210,
        more_label="…see more",
        identity="name",
        image_aspects=((191, 100),),
        actions=("Like", "Comment", "Repost", "Send"),
    ),
    connect_option=ConnectOption(
        label="LinkedIn company page",
        help="Post as a LinkedIn company page you administer (your LinkedIn developer app "
        "needs the Community Management API product)",
        sign_in_flag="linkedin_pages",
        name="Pages",
    ),
    auth=Auth(
        kind="oauth2",
        # r_member_social (reading the member's posts and their statistics) is restricted:
        # asking for it without LinkedIn's approval fails the whole sign-in, so Herald does not.
        scopes=("openid", "profile", "w_member_social"),
        # added when the user chooses "post as a company page"
        extra_scopes=("rw_organization_admin", "w_organization_social", "r_organization_social"),
        redirect_port=8766,
    ),
    rate_budgets=RateBudgets(
        publish=RateBudget(100, 24 * 3600, utc_day=True),  # daily, resets at midnight UTC
        read=RateBudget(500, 24 * 3600, utc_day=True),  # daily per member
        # A member's posts are read one socialActions call each; a page's statistics take 20
        # posts a call. The budget counts a call per post for both (safe for pages).
        read_cost_per_id=1,
    ),
    analytics=Analytics(
        fields=("likeCount", "commentCount", "shareCount", "impressionCount"),
        not_reported=(
            "impressions and shares of a member's (personal) posts: socialActions has none",
        ),
        unavailable_reason=analytics_unavailable,
    ),
    settings=(
        NetworkSetting(
            key=API_VERSION_SETTING,
            default=API_VERSION,
            pattern=r"20\d\d(0[1-9]|1[0-2])(\.\d\d)?",
            invalid_message=f"A LinkedIn API version is year and month, like {API_VERSION}.",
        ),
    ),
    priors="resources/besttime_priors.json#platforms.LINKEDIN",
    setup_help=(
        "linkedin.com/developers → Create app → Products: “Share on LinkedIn” and “Sign In "
        "with LinkedIn using OpenID Connect” → Auth: Authorized redirect URLs."
    ),
)
