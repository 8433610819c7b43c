"""What Herald knows about one network, as data: the type every `app/platforms/<network>/`
package fills in and the registry (`app.platforms`) hands out.

Plain frozen dataclasses with no Qt and no database, so every layer may read them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from app.platforms.formats import PostFormats
from app.platforms.video_rules import VideoRules

MIB = 1024 * 1024

# How a network counts characters: X's weighted count (links 23, CJK and emoji 2), plain
# code points (what a person sees as characters, for the networks that publish no rule), or
# grapheme clusters (Bluesky: one emoji with its modifiers is one), the fediverse's
# (Mastodon: characters as a person sees them, every link counting as `TextRules.url_length`,
# a remote @user@server mention as @user), or code points with each emoji counted as its
# UTF-8 bytes (Threads; app.platforms.counting).
LengthCounting = Literal["x_weighted", "code_points", "graphemes", "fediverse", "emoji_utf8_bytes"]

# How a person connects an account: OAuth 2.0 with PKCE (X, LinkedIn), or Meta's login
# dialog (Facebook Login for Business, Instagram Login), which is OAuth 2.0 plus a page or
# professional-account pick.
# An app password (Bluesky): the person types a password made for Herald, no developer app.
AuthKind = Literal["oauth2-pkce", "oauth2", "meta-login", "app-password"]


@dataclass(frozen=True)
class MediaRules:
    required: bool = False  # at least one image or video
    max_items: int | None = None  # None: no limit Herald knows of
    max_images: int | None = None
    max_videos: int | None = None
    max_gifs: int | None = None  # animated GIFs
    allow_mixed: bool = True  # may images, videos and GIFs share a post?
    image_mimes: frozenset[str] | None = None  # None: any image type Herald reads
    image_max_bytes: int | None = None
    # Width / height, inclusive bounds.
    image_min_aspect: Fraction | None = None
    image_max_aspect: Fraction | None = None
    #: the network downloads media from a public address instead of taking an upload, so a
    #: real account needs a media hosting chosen before a post with media can go out
    needs_hosting: bool = False
    #: the network whose connected pages can host that media (Instagram: Facebook Pages)
    hosting_network: str | None = None
    #: duration, size, container and shape a video must have (None: not checked)
    video: VideoRules | None = None


@dataclass(frozen=True)
class TextRules:
    max_length: int
    counting: LengthCounting = "code_points"
    max_hashtags: int | None = None
    max_mentions: int | None = None
    links_clickable: bool = True
    #: a limit on the UTF-8 encoded size as well (Bluesky: 3,000 bytes); None: none
    max_bytes: int | None = None
    #: how many characters a link counts ("fediverse" counting; Mastodon: 23)
    url_length: int = 23


@dataclass(frozen=True)
class Auth:
    kind: AuthKind
    scopes: tuple[str, ...]
    #: scopes added for an optional mode (LinkedIn: posting as a company page)
    extra_scopes: tuple[str, ...] = ()
    #: True when a public client may leave the client secret empty (X's "Native App")
    secret_optional: bool = False
    #: the loopback port of the registered redirect URI (http://127.0.0.1:PORT/callback)
    redirect_port: int = 0
    #: access tokens last hours (X: 2 h): refreshed on demand before a call, not by the
    #: daily maintenance job (which still refreshes an idle one, keeping its refresh token alive)
    short_lived_tokens: bool = False
    #: False when connecting needs no developer app of the user's own (Bluesky)
    needs_developer_app: bool = True
    #: no developer app: Herald registers itself on the server the person names (Mastodon's
    #: instances), so connecting asks for that server's address instead
    registers_itself: bool = False

    @property
    def redirect_uri(self) -> str:
        """The address to register in the network's developer portal ("" without OAuth)."""
        return f"http://127.0.0.1:{self.redirect_port}/callback" if self.redirect_port else ""


@dataclass(frozen=True)
class ConnectOption:
    """A second way to connect an account of the network, asking for `Auth.extra_scopes`
    (LinkedIn: posting as a company page). Shown as its own "Connect account" entry."""

    #: the menu entry ("LinkedIn company page") and its tooltip
    label: str
    help: str
    #: the keyword the sign-in is given as True when this entry is chosen
    sign_in_flag: str
    #: the part of the entry's objectName after the network: connect<Network><name>Action
    name: str


@dataclass(frozen=True)
class PreviewStyle:
    """How the composer's preview imitates the network's feed."""

    #: characters shown before the network folds the text behind a "more" link; None: no fold
    #: (the preview then says when the network would refuse a text over its limit)
    fold_at: int | None = None
    more_label: str = "… more"
    #: links shown shortened, as the network's own link shortener prints them (X's t.co)
    shorten_links: bool = False
    link_colour: str = "#0a66c2"
    #: media above the text, the text as a caption after the handle (Instagram)
    media_first: bool = False
    #: the author line: "name_and_handle" (bold name, muted @handle), "handle" (the handle
    #: alone, bold, without "@": Instagram), "name" (the account's name alone: Pages)
    identity: Literal["name_and_handle", "handle", "name"] = "name_and_handle"
    #: "circle" or "square" (company logos); an initials avatar when the account has no picture
    avatar_shape: Literal["circle", "square"] = "circle"
    #: the time beside the author ("now", "Just now"); "" for none
    time_label: str = "now"
    #: the shortener's name when links are shortened ("t.co") and what one link counts
    link_shortener: str = ""
    short_link_length: int = 23
    #: a card (picture, domain, title) for the first link when the post has no media
    link_card: bool = True
    #: (width, height) the feed crops a picture to: the one nearest the picture's own shape
    #: is used; () shows the picture uncropped
    image_aspects: tuple[tuple[int, int], ...] = ()
    #: the link card's picture shape
    card_aspect: tuple[int, int] = (191, 100)
    #: the action bar under the post
    actions: tuple[str, ...] = ("Reply", "Repost", "Like")


@dataclass(frozen=True)
class RateBudget:
    """A documented per-account limit: `limit` calls per `window_s` seconds."""

    limit: int
    window_s: int
    #: the window ends at the next midnight UTC instead of rolling (LinkedIn's daily limits)
    utc_day: bool = False


#: Meta's Graph counts reads and publishing calls against one limit per user and hour:
#: metric look-ups spend at most this part of it, the rest is kept for publishing (an
#: Instagram post takes four calls).
GRAPH_READ_SHARE = 0.75


@dataclass(frozen=True)
class RateBudgets:
    #: posts per account; None: the network documents no per-post limit (Facebook)
    publish: RateBudget | None
    #: metric reads per account
    read: RateBudget
    #: the part of `read` metric look-ups may spend. Below 1 where reads and publishing count
    #: against one platform limit (Graph: calls per user per hour): the rest is publishing's.
    read_share: float = 1.0
    #: calls the platform counts per post looked up, however the look-up is batched (Graph
    #: counts every request inside a batch; Facebook asks two per post); 0: one per call.
    read_cost_per_id: int = 0


@dataclass(frozen=True)
class Analytics:
    #: the network's own metric names Herald reads for a post
    fields: tuple[str, ...]
    #: what Herald's Metrics (likes, shares, comments, impressions) the network does not
    #: report, each with why: shown as "not reported", never as 0
    not_reported: tuple[str, ...] = ()
    #: (external_id, account settings) -> why Analytics can show no numbers for this account
    #: (the platform did not grant reading), or None; a pure function of the package
    unavailable_reason: Callable[[str, Mapping[str, Any]], str | None] | None = None


@dataclass(frozen=True)
class NetworkSetting:
    """A setting of one network, stored with the data (the Setting table) like Herald's own:
    LinkedIn's API version. Validated by app.core.settings from this data."""

    key: str  # "linkedin.api_version"
    default: str
    #: a stored value (stripped) must match this regular expression in full
    pattern: str
    #: what a person is told when a value does not
    invalid_message: str


@dataclass(frozen=True)
class PlatformDescriptor:
    #: the Platform enum value ("TWITTER"): the name in the database, the CLI and settings
    name: str
    display_name: str
    #: a qtawesome icon name and the brand colour (#rrggbb)
    icon: str
    colour: str
    text: TextRules
    auth: Auth
    rate_budgets: RateBudgets
    analytics: Analytics
    #: where the cold-start best-time profile lives: "FILE#platforms.NAME"
    priors: str
    #: one line: where and how to create the developer app (docs/developer-apps.md has more)
    setup_help: str
    media: MediaRules = field(default_factory=MediaRules)
    #: the adapter class as "module:Class", imported only when adapters are built (so
    #: reading a descriptor never loads HTTP code); "" for a network Herald cannot publish to
    adapter: str = ""
    #: how an account is connected, as "module:NAME" of an app.adapters.oauth.SignIn (the
    #: authorize page, the code exchange, who connected); imported only when connecting
    connect: str = ""
    #: the network's own settings (app.core.settings validates and defaults them)
    settings: tuple[NetworkSetting, ...] = ()
    #: a summary of `media` for people and docs
    media_summary: str = ""
    preview: PreviewStyle = field(default_factory=PreviewStyle)
    connect_option: ConnectOption | None = None
    #: what one sign-in grants, in the plural ("Pages" for Facebook): "Choose Facebook Pages"
    accounts_noun: str = "accounts"
    #: the post formats it supports (chain, first comment, video, carousel, alt text)
    formats: PostFormats = field(default_factory=PostFormats)
