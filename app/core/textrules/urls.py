"""Which parts of a post X counts as links (23 characters each), per twitter-text's URL extractor.

The rules follow twitter-text's `extractUrlsWithIndices` (Apache-2.0) as ported by
twitter-text-parser 3.0.0 (MIT): a link needs a known top-level domain; without ``http(s)://`` the
domain must be ASCII and not follow ``-_./``; no link starts right after a letter, digit, ``@``,
``$`` or ``#``; t.co links stop after their slug. The regular expression is the same language as
the reference's, rebuilt for speed in two ways that do not change what it matches:

- the ~1,600 top-level domains become a trie (``c(?:o(?:m|op|...)|...)``) instead of one long
  alternation tried name by name; each list keeps its longest-match-first order, as the
  reference's ordering already guarantees;
- a lookahead right after the preceding character rejects, in one tight scan, every position
  whose first domain label is not followed by a dot, which is nearly every position in prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from app.core.textrules.tlds import COUNTRY_TLDS, GENERIC_TLDS

DEFAULT_PROTOCOL = "https://"
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40

# Character groups, as twitter-text spells them (its "punct" deliberately lacks " and `).
_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID = r"\uFFFE\uFEFF\uFFFF"
_DIRECTIONAL = r"\u202A-\u202E\u061C\u200E\u200F\u2066\u2067\u2068\u2069"
_PUNCT = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$"
_PUNCT_BUT_DASH_UNDERSCORE = r"\!'#%&'\(\)*\+,\\\.\/:;<=>\?@\[\]\^{|}~\$"
_PUNCT_BUT_DASH = r"\!'#%&'\(\)*\+,\\\.\/:;<=>\?@\[\]\^_{|}~\$"
_LATIN_ACCENTS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263"
    r"\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"

_TLD_END = r"(?=[^0-9a-zA-Z@+-]|$)"
_PUNYCODE = r"(?:xn--[\-0-9a-z]+)"


class UrlEntity(NamedTuple):
    """A link found in text (Python indices). `url` may be shorter than `end - start` in one
    corner case twitter-text shares (a protocol-less link whose domain recurs in its path); the
    weighted count walks by ``len(url)``, exactly as the reference does."""

    url: str
    start: int
    end: int


# Characters that IGNORECASE equates with a TLD letter beyond its simple upper/lower case forms
# (Python's re folds these too; e.g. the Kelvin sign matches "k"). Listed so the TLD trie, which
# is compiled case-sensitively for speed, matches exactly what the reference's regex matches.
_EXTRA_CASE_FORMS = {
    "i": "\u0130\u0131",
    "k": "\u212a",
    "s": "\u017f",
    "ε": "\u03f5",
    "в": "\u1c80",
    "д": "\u1c81",
    "о": "\u1c82",
    "с": "\u1c83",
    "т": "\u1c84\u1c85",
}


@cache
def _case_forms(ch: str) -> str:
    """`ch` as a case-sensitive pattern matching what re.IGNORECASE matches for it."""
    forms = {ch}
    for _ in range(2):
        for form in list(forms):
            for variant in (form.lower(), form.upper(), form.title(), form.casefold()):
                if len(variant) == 1:
                    forms.add(variant)
    forms.update(_EXTRA_CASE_FORMS.get(ch, ""))
    if len(forms) == 1:
        return re.escape(ch)
    return "[" + "".join(re.escape(form) for form in sorted(forms)) + "]"


def _trie_pattern(words: frozenset[str]) -> str:
    """Regex matching the longest of `words` that is followed by _TLD_END, as the reference's
    alternation (ordered so that a longer name precedes its prefixes) does.

    Compiled case-sensitively, with explicit case classes: under IGNORECASE Python tries the
    branches of an alternation one by one, while a case-sensitive branch that starts with a
    character class is skipped after one bitmap test.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict[str, Any]]) -> str:
        branches = []
        for ch, child in sorted(node.items()):
            if not ch:
                continue
            # Follow a chain of single-child nodes and match it as one case-insensitive literal:
            # only a branch's first character needs the class (it is what the engine tests).
            chain = ""
            while len(child) == 1 and "" not in child:
                ((next_ch, child),) = child.items()
                chain += next_ch
            tail = f"(?i:{re.escape(chain)})" if chain else ""
            branches.append(_case_forms(ch) + tail + emit(child))
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a name ends here too: greedy "?" tries the longer names first
            return f"(?:{group})?" if len(branches) == 1 else group + "?"
        return group

    # One end-of-name check after the trie: when it fails, the engine backtracks into the trie
    # and retries it after each shorter name, as a check after every name would.
    return "(?-i:" + emit(trie) + ")" + _TLD_END


@dataclass(frozen=True)
class _Patterns:
    extract: re.Pattern[str]
    ascii_domain: re.Pattern[str]
    tco: re.Pattern[str]
    candidate_dot: re.Pattern[str]  # a dot followed by a character a domain may continue with
    token_tail: re.Pattern[str]  # run of non-space characters (used on the reversed text)
    space: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compiled once, on first use (~30 ms), so importing the module stays cheap."""
    tld = f"(?:{_trie_pattern(GENERIC_TLDS)}|{_trie_pattern(COUNTRY_TLDS)}|{_PUNYCODE})"
    not_domain = f"{_SPACES}{_INVALID}{_DIRECTIONAL}"
    domain_char = f"[^{_PUNCT}{not_domain}]"
    # A label runs up to the next dot, so "domain char, then any of domain chars, '_' and '-',
    # ending in a domain char" is the reference's label language, matched without its nested
    # alternation; these classes hold no cased letter, so matching them case-sensitively is exact.
    subdomain = (
        rf"(?:{domain_char}(?:[^{_PUNCT_BUT_DASH_UNDERSCORE}{not_domain}]*{domain_char})?\.)"
    )
    domain_name = rf"(?:{domain_char}(?:[^{_PUNCT_BUT_DASH}{not_domain}]*{domain_char})?\.)"
    domain = f"(?:(?-i:{subdomain}*{domain_name}){tld})"
    path_char = rf"[a-z{_CYRILLIC}0-9!\*';:=\+,\.\$\/%#\[\]\-\u2013_~@\|&{_LATIN_ACCENTS}]"
    parens = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"[\+\-a-z{_CYRILLIC}0-9=_#\/{_LATIN_ACCENTS}]|(?:{parens})"
    path = rf"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query_char = r"[a-z0-9!?*'@\(\);:&=\+\$\/%#\[\]\-_\.,~|]"
    query_end = r"[a-z0-9\-_&=#\/]"
    preceding = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
    # Necessary condition for a match, checked cheaply before the backtracking domain pattern:
    # after the optional protocol, the first domain label must be followed by a dot.
    first_label_then_dot = (
        rf"(?=(?:https?://)?[^{_PUNCT_BUT_DASH_UNDERSCORE}{_SPACES}{_INVALID}{_DIRECTIONAL}]*\.)"
    )
    extract = re.compile(
        f"(?P<before>{preceding}){first_label_then_dot}"
        rf"(?P<url>(?P<protocol>https?:\/\/)?(?P<domain>{domain})(?::[0-9]+)?"
        rf"(?P<path>\/{path}*)?(?:\?{query_char}*{query_end})?)",
        re.IGNORECASE,
    )
    ascii_domain = re.compile(rf"(?:(?:[\-a-z0-9{_LATIN_ACCENTS}]+)\.)+{tld}", re.IGNORECASE)
    tco = re.compile(
        rf"^https?:\/\/t\.co\/([a-z0-9]+)(?:\?{query_char}*{query_end})?", re.IGNORECASE
    )
    return _Patterns(
        extract=extract,
        ascii_domain=ascii_domain,
        tco=tco,
        candidate_dot=re.compile(rf"\.(?={domain_char})"),
        token_tail=re.compile(f"[^{_SPACES}]*"),
        space=re.compile(f"[{_SPACES}]"),
    )


@lru_cache(maxsize=1024)
def _punycode_length(domain: str) -> int | None:
    """Length of the domain in IDNA (punycode) form, or None when it cannot be encoded."""
    try:
        return len(domain.encode("idna"))
    except (UnicodeError, ValueError):
        return None


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    encoded_length = _punycode_length(domain)
    if not encoded_length:
        return False
    return len(protocol) + len(url) + encoded_length - len(domain) <= MAX_URL_LENGTH


def extract_urls(text: str) -> list[UrlEntity]:
    """Links in `text` as twitter-text finds them (with or without protocol), in order."""
    return list(find_urls(text))


@lru_cache(maxsize=32)
def find_urls(text: str) -> tuple[UrlEntity, ...]:
    """extract_urls, cached: X's counter and Instagram's link check ask about the same text.

    Same result as running the extraction regex over the whole text, but the regex only runs
    over the space-delimited tokens that hold a dot followed by a domain character: a link has
    such a dot and no space, so the skipped stretches cannot hold one. Each run is bounded at the
    token's end (a space, which the TLD's end-of-name lookahead accepts as the end of the string
    does), so a dot that is not a link costs one short scan.
    """
    if "." not in text:  # every link has a dot in its domain
        return ()
    patterns = _patterns()
    reversed_text = text[::-1]
    length = len(text)
    found: list[UrlEntity] = []
    pos = 0
    while True:
        dot = patterns.candidate_dot.search(text, pos)
        if dot is None:
            return tuple(found)
        d = dot.start()
        # The token holding the dot: back to the previous space, forward to the next one.
        tail = patterns.token_tail.match(reversed_text, length - d)  # always matches
        token_start = length - tail.end() if tail else d
        space = patterns.space.search(text, d)
        token_end = space.start() if space else length
        match = patterns.extract.search(text, max(pos, token_start - 1), token_end)
        if match is None:
            pos = token_end
            continue
        pos = match.end()
        _add_url(match, patterns, found)


def _add_url(match: re.Match[str], patterns: _Patterns, found: list[UrlEntity]) -> None:
    before, url, protocol, domain, path = match.group("before", "url", "protocol", "domain", "path")
    end = match.end()
    start = end - len(url)
    if not _is_valid_url(url, protocol or DEFAULT_PROTOCOL, domain):
        return
    if protocol is None:
        # Without a protocol only the ASCII domains count, and not after "-_./".
        if before in ("-", "_", ".", "/"):
            return
        last: UrlEntity | None = None
        for ascii_match in patterns.ascii_domain.finditer(domain):
            last = UrlEntity(
                ascii_match.group(0), start + ascii_match.start(), start + ascii_match.end()
            )
            found.append(last)
        if last is not None and path:
            # As in twitter-text: the path is appended by replacing the domain in the url text.
            found[-1] = UrlEntity(url.replace(domain, last.url), last.start, end)
        return
    tco = patterns.tco.search(url)
    if tco:
        slug = tco.group(1)
        if slug and len(slug) > MAX_TCO_SLUG_LENGTH:
            return
        url = tco.group(0)
        end = start + len(url)
    found.append(UrlEntity(url, start, end))
