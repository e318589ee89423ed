"""Each network's rules for a post: its length as the network counts it (X: weighted by
twitter-text, 280; Bluesky: 300 graphemes; Mastodon: 500 graphemes with every URL counted as 23 and
a mention by its local part, or the server's limit), the hashtag, and on X no leading ``@``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

import regex
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config
from twitter_text.extract_urls import extract_urls_with_indices
from twitter_text.get_character_weight import get_character_weight

LIMIT = 280
BLUESKY_LIMIT = 300
MASTODON_LIMIT = 500
MASTODON_URL = 23  # characters_reserved_per_url
ELLIPSIS = "…"
_GRAPHEME = regex.compile(r"\X")
_MASTODON_MENTION = regex.compile(r"(?<![\w@])(@[\w.-]+)@[\w.-]+\.[a-z]{2,}", regex.IGNORECASE)
UNITS = {"x": "characters as X counts them", "bluesky": "graphemes as Bluesky counts them",
         "mastodon": "characters as Mastodon counts them"}


def _emoji_starts() -> frozenset[str] | None:
    """Characters where twitter-text's emoji pattern can begin a match, from its own emoji list.

    ASCII characters (``#``, ``*``, digits) only begin keycaps, whose next character is U+FE0F
    or U+20E3, so those two stand in for them. None when the list is not as expected.
    """
    try:
        from twitter_text.regexp import emoji as data

        sequences = [[int(cp, 16) for cp in e.codepoint.split()] for e in data.emoji_list]
        starts = {chr(seq[0]) for seq in sequences}
        for low, high in data.single_codepoint_emoji_ranges:
            starts.update(map(chr, range(low, high + 1)))
    except (ImportError, AttributeError, ValueError, TypeError):
        return None
    keycaps = {0xFE0F, 0x20E3}
    if any(seq[0] < 128 and (len(seq) < 2 or seq[1] not in keycaps) for seq in sequences):
        return None
    return frozenset(c for c in starts if not c.isascii()) | {chr(cp) for cp in keycaps}


_EMOJI_STARTS = _emoji_starts()


@cache
def _character_weight(char: str) -> int:
    return get_character_weight(char, twitter_config["defaults"])


def _length_without_emoji(normalized: str) -> int:
    """parse_tweet's count for a text in which its emoji pattern cannot match (so it skips the
    slow emoji scan): URLs by twitter-text's URL extractor, other characters by its weights."""
    options = twitter_config["defaults"]
    total, index = 0, 0
    for entity in extract_urls_with_indices(normalized):
        start, end = entity["indices"][0], entity["indices"][0] + len(entity["url"])
        total += sum(map(_character_weight, normalized[index:start]))
        total += options["transformed_url_length"] * options["scale"]
        index = end
    total += sum(map(_character_weight, normalized[index:]))
    return int(total / options["scale"])


@lru_cache(maxsize=8192)
def weighted_length(text: str) -> int:
    """The length X counts, by twitter-text: any URL is 23, CJK characters and emoji are 2.

    Always equal to ``twitter_text.parse_tweet(text).weightedLength`` (the tests compare them);
    a text in which no emoji can start skips parse_tweet's slow emoji scan.
    """
    normalized = re.sub(r"\r\n|\r", "\n", unicodedata.normalize("NFC", text))
    if _EMOJI_STARTS is not None and _EMOJI_STARTS.isdisjoint(normalized):
        return _length_without_emoji(normalized)
    return parse_tweet(text).weightedLength


def fits(text: str) -> bool:
    return weighted_length(text) <= LIMIT


@lru_cache(maxsize=8192)
def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters), as Bluesky counts a post."""
    return len(_GRAPHEME.findall(unicodedata.normalize("NFC", text)))


@lru_cache(maxsize=8192)
def mastodon_length(text: str) -> int:
    """Mastodon's count: graphemes, every http(s) URL as 23, ``@user@server`` as ``@user``."""
    text = _MASTODON_MENTION.sub(lambda m: m.group(1), text)
    total, index = 0, 0
    for entity in extract_urls_with_indices(text, extract_urls_without_protocol=False):
        start, end = entity["indices"]
        total += graphemes(text[index:start]) + MASTODON_URL
        index = end
    return total + graphemes(text[index:])


def post_length(text: str, network: str) -> int:
    """The post's length as ``network`` counts it."""
    if network == "x":
        return weighted_length(text)
    return graphemes(text) if network == "bluesky" else mastodon_length(text)


def post_limit(network: str, mastodon_limit: int = MASTODON_LIMIT) -> int:
    return {"x": LIMIT, "bluesky": BLUESKY_LIMIT}.get(network, mastodon_limit)


def fits_on(network: str, mastodon_limit: int = MASTODON_LIMIT) -> Callable[[str], bool]:
    """Whether a text fits ``network``'s limit."""
    if network == "x":
        return fits
    limit = post_limit(network, mastodon_limit)
    return lambda text: post_length(text, network) <= limit


def has_hashtag(text: str, tag: str) -> bool:
    """Whether ``tag`` (with ``#``) appears in ``text`` as a whole hashtag."""
    pattern = r"(?<![\w#＃])[#＃]" + re.escape(tag.lstrip("#＃")) + r"(?![\w])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def tidy(text: str) -> str:
    """Trailing spaces, runs of blank lines and outer whitespace removed."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def finish_post(text: str, tag: str, network: str = "x") -> str:
    """A post as its network should get it: tidy, with the hashtag, and on X never starting with
    ``@`` (a post that starts with a mention only reaches people who follow both accounts there,
    so it gets the customary leading period)."""
    text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in tidy(text).splitlines())
    if not has_hashtag(text, tag):
        text = f"{text} {tag}" if text else tag
    if network == "x" and text.startswith(("@", "＠")):
        text = "." + text
    return text


def shorten(value: str, keep: int) -> str:
    """``value`` cut to at most ``keep`` characters (at a word when possible) plus an ellipsis."""
    if keep >= len(value):
        return value
    cut = value[:keep]
    space = cut.rfind(" ")
    if space >= keep * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def fit_post(render: Callable[[str | None], str], value: str,
             fits: Callable[[str], bool] = fits) -> tuple[str, bool]:
    """The longest post that fits, shortening one value (``render(None)`` uses it whole).

    ``render(v)`` builds the finished post with ``v`` in place of the value. Returns the post and
    whether the value had to be shortened.
    """
    post = render(None)
    if fits(post):
        return post, False
    best = render(shorten(value, 0))
    low, high = 1, len(value) - 1
    while low <= high:
        middle = (low + high) // 2
        candidate = render(shorten(value, middle))
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best, True


def cut_post(text: str, tag: str, network: str = "x",
             fits: Callable[[str], bool] = fits) -> str:
    """Last resort for a post that cannot fit otherwise: cut its text, keeping the hashtag."""
    body = text
    if has_hashtag(body, tag) and body.rstrip().endswith(tag):
        body = body.rstrip()[: -len(tag)].rstrip()
    post, _ = fit_post(lambda v: finish_post(body if v is None else v, tag, network), body, fits)
    return post
