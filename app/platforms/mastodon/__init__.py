"""Mastodon: any instance, by its address. No developer app: Herald registers itself on the
user's instance (`POST /api/v1/apps`) when connecting. Each instance sets its own limits
(`GET /api/v2/instance`), kept in the account's settings (app.core.textrules.account_rules);
the numbers below are Mastodon's defaults, used until an instance has said otherwise."""

from __future__ import annotations

from app.platforms.descriptor import (
    MIB,
    Analytics,
    Auth,
    MediaRules,
    NetworkSetting,
    PlatformDescriptor,
    PreviewStyle,
    RateBudget,
    RateBudgets,
    TextRules,
)
from app.platforms.formats import PostFormats

NAME = "MASTODON"
#: the account's settings keys: the instance's base URL, its own account id, who registered
INSTANCE = "instance"
#: per-account options (NetworkSetting keys); an account's settings may override them
VISIBILITY_SETTING = "mastodon.visibility"
SPOILER_SETTING = "mastodon.spoiler_text"
LANGUAGE_SETTING = "mastodon.language"
VISIBILITIES = ("public", "unlisted", "private", "direct")

DESCRIPTOR = PlatformDescriptor(
    name=NAME,
    # a chain is a thread of replies (in_reply_to_id); images carry a description (alt text)
    formats=PostFormats(chain=True, alt_text=True),
    adapter="app.platforms.mastodon.adapter:MastodonAdapter",
    connect="app.platforms.mastodon.connect:SIGN_IN",
    display_name="Mastodon",
    icon="fa6b.mastodon",
    colour="#6364ff",
    # Mastodon's defaults (entities/Instance.md): 500 characters, every link counts 23.
    text=TextRules(max_length=500, counting="fediverse", url_length=23),
    media=MediaRules(max_items=4, max_images=4, max_videos=4, image_max_bytes=16 * MIB),
    media_summary="up to 4 images or videos (the instance may allow more or fewer)",
    preview=PreviewStyle(link_colour="#563acc"),
    auth=Auth(
        kind="oauth2-pkce",
        scopes=("read:statuses", "write:statuses", "write:media"),
        # Herald registers its own app on each instance; the secret is kept for servers
        # older than 4.3 (no PKCE).
        secret_optional=True,
        registers_itself=True,
        needs_developer_app=False,
        redirect_port=8771,
    ),
    rate_budgets=RateBudgets(
        # app/lib/rate_limiter.rb: 300 statuses per 3 hours per account
        publish=RateBudget(300, 3 * 3600),
        # rack_attack.rb: 300 requests per 5 minutes per token
        read=RateBudget(300, 5 * 60),
    ),
    analytics=Analytics(
        fields=("favourites_count", "reblogs_count", "replies_count", "quotes_count"),
        not_reported=("impressions: Mastodon's API reports no views",),
    ),
    settings=(
        NetworkSetting(
            key=VISIBILITY_SETTING,
            default="public",
            pattern="|".join(VISIBILITIES),
            invalid_message="Mastodon visibility is public, unlisted, private or direct.",
        ),
        NetworkSetting(
            key=SPOILER_SETTING,
            default="",
            pattern=r"[^\n]{0,500}",
            invalid_message="A content warning is one line of at most 500 characters.",
        ),
        NetworkSetting(
            key=LANGUAGE_SETTING,
            default="",
            pattern=r"([a-z]{2})?",
            invalid_message="A language is a two-letter ISO 639-1 code, like en or de.",
        ),
    ),
    priors="resources/besttime_priors.json#platforms.MASTODON",
    setup_help=(
        "No developer app needed: enter your instance's address (mastodon.social) and Herald "
        "registers itself there; or paste a token from Preferences → Development."
    ),
)
