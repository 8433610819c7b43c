"""Text rules behind Herald's content constraints: X's weighted length (twitter-text), link and
emoji detection, hashtag and mention counting, and the per-platform limits table."""

from app.core.textrules import emoji, twitter, urls
from app.core.textrules.twitter import (
    V2,
    V3,
    ParseResult,
    TweetConfig,
    WeightRange,
    parse_tweet,
    weighted_length,
)
from app.core.textrules.urls import UrlEntity, extract_urls


def warm_up() -> None:
    """Build the lookup tables and compile the link regex (~0.2 s) ahead of the first keystroke;
    safe to call from a background thread at start-up."""
    urls.find_urls("warm.up")
    emoji.find_emoji("\u2615")


def clear_caches() -> None:
    """Forget cached results (not the compiled tables); for benchmarks that measure cold calls."""
    twitter.clear_result_cache()
    urls.find_urls.cache_clear()


__all__ = [
    "V2",
    "V3",
    "ParseResult",
    "TweetConfig",
    "UrlEntity",
    "WeightRange",
    "clear_caches",
    "extract_urls",
    "parse_tweet",
    "warm_up",
    "weighted_length",
]
