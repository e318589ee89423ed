"""X's rules for a post: weighted length (twitter-text), the hashtag, and no leading ``@``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config
from twitter_text.extract_urls import extract_urls_with_indices
from twitter_text.get_character_weight import get_character_weight

LIMIT = 280
ELLIPSIS = "…"


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


def has_hashtag(text: str, tag: str) -> bool:
    """Whether ``tag`` (with ``#``) appears in ``text`` as a whole hashtag."""
    pattern = r"(?<![\w#＃])[#＃]" + re.escape(tag.lstrip("#＃")) + r"(?![\w])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def tidy(text: str) -> str:
    """Trailing spaces, runs of blank lines and outer whitespace removed."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def finish_post(text: str, tag: str) -> str:
    """A post as X should get it: tidy, with the hashtag, never starting with ``@``.

    A post that starts with a mention only reaches people who follow both accounts, so it gets
    the customary leading period.
    """
    text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in tidy(text).splitlines())
    if not has_hashtag(text, tag):
        text = f"{text} {tag}" if text else tag
    if text.startswith(("@", "＠")):
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


def fit_post(render: Callable[[str | None], str], value: str) -> tuple[str, bool]:
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


def cut_post(text: str, tag: str) -> str:
    """Last resort for a post that cannot fit otherwise: cut its text, keeping the hashtag."""
    body = text
    if has_hashtag(body, tag) and body.rstrip().endswith(tag):
        body = body.rstrip()[: -len(tag)].rstrip()
    post, _ = fit_post(lambda v: finish_post(body if v is None else v, tag), body)
    return post
