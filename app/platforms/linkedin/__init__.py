"""LinkedIn: the Posts API, as a member or (Community Management API) as a company page."""

from __future__ import annotations

from app.platforms.descriptor import (
    Analytics,
    Auth,
    ConnectOption,
    PlatformDescriptor,
    PreviewStyle,
    RateBudget,
    RateBudgets,
    TextRules,
)

DESCRIPTOR = PlatformDescriptor(
    name="LINKEDIN",
    display_name="LinkedIn",
    icon="fa6b.linkedin",
    colour="#0a66c2",
    text=TextRules(max_length=3000),
    media_summary="images and videos; no limit Herald enforces",
    preview=PreviewStyle(fold_at=210, more_label="…see more"),
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
    ),
    analytics=Analytics(
        fields=("likeCount", "commentCount", "shareCount", "impressionCount"),
        not_reported=(
            "impressions and shares of a member's (personal) posts: socialActions has none",
        ),
    ),
    priors="resources/besttime_priors.json#platforms.LINKEDIN",
    setup_help=(
        "linkedin.com/developers → Create app → Products: “Share on LinkedIn” and “Sign In "
        "with LinkedIn using OpenID Connect” → Auth: Authorized redirect URLs."
    ),
)
