"""X's rules for a post: weighted length (twitter-text), the hashtag, and no leading ``@``."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from twitter_text import parse_tweet

LIMIT = 280
ELLIPSIS = "…"


@lru_cache(maxsize=8192)
def weighted_length(text: str) -> int:
    """The length X counts: any URL is 23, CJK characters and emoji are 2 (twitter-text)."""
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
