"""X (Twitter) API v2 through tweepy: searches and lookups that return the API's own JSON.

Everything here keeps the API's raw JSON (tweepy's ``Client`` with ``return_type`` set to
``requests.Response``), so no field the API sends is lost. Faults become ``XError`` with a one-line
message: 401/402/403/400 explained, 429 waited out within bounds (and said so), 5xx and dropped
connections retried with backoff, responses of the wrong shape and paging that would not end
stopped. The bearer token never appears in a message or a log record, in any form.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
import tweepy

from ...transcripts.fields import id_order
from ..faults import REDACTOR, APIFault, PageGuard, RateWaits, secret_problem
from .errors import XError

TOKEN_ENV = "X_BEARER_TOKEN"
# X API pay-per-use price per post read, in US dollars (X's pricing since February 2026).
# Every post a search or lookup returns in ``data`` is a read. Your developer console is the
# authority on what you are billed; chathub only uses this to estimate.
PRICE_PER_POST_READ = 0.005
RECENT_REACH = timedelta(days=7)  # how far back recent search reaches
_RECENT_MARGIN = timedelta(minutes=5)  # keep clear of that edge: a long fetch takes time
LOOKUP_BATCH = 100  # ids per get_tweets request
MIN_RESULTS = 10  # the smallest max_results the search endpoints accept
RETRIES = 3  # retries after a 5xx or a dropped connection (so 4 tries in all)
BACKOFF = 2.0  # seconds before the first retry; doubles each time
RATE_WAITS = 10  # rate-limit waits in a row before giving up (faults.RateWaits bounds their time)
MAX_POSTS_PER_MINUTE = 1000  # the most a chat's window could hold: bounds the pages of a search
TIMEOUT = (10, 60)  # seconds to connect, and to wait for a response

EXPANSIONS = [
    "author_id",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
    "in_reply_to_user_id",
    "attachments.media_keys",
    "entities.mentions.username",
]
TWEET_FIELDS = [
    "created_at",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "public_metrics",
    "entities",
    "attachments",
    "lang",
    "edit_history_tweet_ids",
    "edit_controls",
    "possibly_sensitive",
    "note_tweet",  # the full text of long posts; not in tweepy's constants, but the API takes it
]
USER_FIELDS = [
    "name",
    "username",
    "profile_image_url",
    "description",
    "url",
    "entities",
    "verified",
    "protected",
    "public_metrics",
]
MEDIA_FIELDS = ["url", "preview_image_url", "type", "alt_text", "width", "height"]
FIELDS: dict[str, Any] = {
    "expansions": EXPANSIONS,
    "tweet_fields": TWEET_FIELDS,
    "user_fields": USER_FIELDS,
    "media_fields": MEDIA_FIELDS,
}


@dataclass(frozen=True)
class Endpoint:
    """A search endpoint: its tweepy method, its page size and its query length limit."""

    method: str
    name: str
    max_results: int
    query_limit: int
    count_method: str


RECENT = Endpoint("search_recent_tweets", "recent search", 100, 512, "get_recent_tweets_count")
ARCHIVE = Endpoint("search_all_tweets", "full-archive search", 500, 1024, "get_all_tweets_count")


def read_token(environ: Mapping[str, str] | None = None) -> str:
    """The bearer token from ``X_BEARER_TOKEN``; one with whitespace or control characters is
    refused (naming the variable, never the value) before anything is sent."""
    token = (os.environ if environ is None else environ).get(TOKEN_ENV, "")
    if not token:
        raise XError(
            f"no X API bearer token: set the environment variable {TOKEN_ENV} to your app's "
            "bearer token (developer.x.com), or fill the transcript from a file with chathub import"
        )
    problem = secret_problem(TOKEN_ENV, token)
    if problem:
        raise XError(problem)
    REDACTOR.add(token)
    return token


def choose_endpoint(start: datetime, now: datetime) -> Endpoint:
    """Recent search while ``start`` is within its 7 days, the full archive after that."""
    return RECENT if start >= now - RECENT_REACH + _RECENT_MARGIN else ARCHIVE


def cost(reads: int) -> str:
    """Approximate price of ``reads`` post reads, as text."""
    return f"${reads * PRICE_PER_POST_READ:,.2f}"


REDACTOR.watch(("tweepy", "tweepy.client", "requests", "urllib3", "urllib3.connectionpool"))


_RAW_RESET = "x-chathub-unusable-rate-limit-reset"  # where an unusable reset header is kept
_USABLE_RESET = re.compile(r"[0-9]{1,15}")  # Unix seconds; "²" or 5,000 digits would break int()


class _TimeoutSession(requests.Session):
    """A session that never waits forever: tweepy sets no timeout of its own."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        response = super().request(*args, **kwargs)
        reset = response.headers.get("x-rate-limit-reset")
        if reset is not None and not _USABLE_RESET.fullmatch(reset.strip()):  # tweepy int()s it
            response.headers[_RAW_RESET] = reset
            del response.headers["x-rate-limit-reset"]
        return response


@dataclass
class SearchResult:
    """The pages of one search, and whether it ran to its last page."""

    pages: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    reads: int = 0
    oldest_id: str | None = None


Say = Callable[[str], None]


class XClient:
    """tweepy's ``Client`` with chathub's fault handling; counts requests and post reads."""

    def __init__(self, token: str, *, say: Say | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        problem = secret_problem(TOKEN_ENV, token)
        if problem:
            raise XError(problem)
        self._token = token
        REDACTOR.add(token)
        self.waits = RateWaits()
        self.client = tweepy.Client(bearer_token=token, return_type=requests.Response,
                                    wait_on_rate_limit=False)
        self.client.session = _TimeoutSession()
        self._say = say
        self._sleep = sleep
        self.requests = 0
        self.reads = 0
        self._last_archive_call = 0.0

    def say(self, message: str) -> None:
        (self._say or print)(self.redact(message))

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)  # looked up now, so tests can replace time.sleep

    def redact(self, text: str) -> str:
        return REDACTOR.redact(text)

    def _fail(self, message: str) -> XError:
        return XError(self.redact(message))

    def _pace(self, method: str) -> None:
        """Full-archive search allows one request a second."""
        if method != ARCHIVE.method:
            return
        elapsed = time.monotonic() - self._last_archive_call
        if self._last_archive_call and elapsed < 1.0:
            self.sleep(1.0 - elapsed)
        self._last_archive_call = time.monotonic()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One API request through ``tweepy.Client.<method>``; the response's JSON."""
        failures = 0
        waits = 0
        while True:
            self._pace(method)
            try:
                self.requests += 1
                response = getattr(self.client, method)(**params)
                return _json(response)
            except tweepy.TooManyRequests as exc:
                waits += 1
                if waits > RATE_WAITS:
                    raise self._fail(f"X kept answering 429 Too Many Requests ({waits} times); "
                                     "try again later") from None
                try:
                    wait, note = self.waits.plan(_reset_header(exc))
                except APIFault as fault:
                    raise self._fail(f"rate limited by X (429): {fault}") from None
                self.say(f"rate limited by X (429): {note}")
                self.sleep(wait)
            except tweepy.Unauthorized:
                raise self._fail(
                    f"X rejected the bearer token (401 Unauthorized): check that {TOKEN_ENV} holds "
                    "your app's current bearer token"
                ) from None
            except tweepy.Forbidden as exc:
                raise self._fail(self._forbidden(method, exc)) from None
            except tweepy.BadRequest as exc:
                raise self._fail(f"X refused the request (400 Bad Request): {_reason(exc)}") from None
            except (tweepy.TwitterServerError, requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError, _Unreadable) as exc:
                failures += 1
                reason = _failure(exc)
                if failures > RETRIES:
                    raise self._fail(f"X failed {failures} times in a row ({reason}); giving up, "
                                     "try again later") from None
                wait = BACKOFF * 2 ** (failures - 1)
                self.say(f"X failed ({reason}); retrying in {wait:g} s "
                         f"(retry {failures} of {RETRIES})")
                self.sleep(wait)
            except tweepy.HTTPException as exc:
                if exc.response.status_code == 402:
                    raise self._fail(
                        "X answered 402 Payment Required: your app has no API credits left (X's "
                        "pay-per-use plan charges for every post read); add credits in the "
                        "developer console (developer.x.com), then run this again") from None
                raise self._fail(f"X answered {_reason(exc)}") from None
            except requests.RequestException as exc:
                raise self._fail(f"could not reach X: {exc}") from None
            except (ValueError, UnicodeError, OSError) as exc:  # raised below requests, unwrapped
                raise self._fail(f"could not talk to X: {type(exc).__name__}: {exc}") from None

    def _forbidden(self, method: str, exc: tweepy.Forbidden) -> str:
        detail = _reason(exc)
        if method == ARCHIVE.method:
            return (
                f"X refused full-archive search ({detail}). It needs pay-per-use or Enterprise "
                "access for your app; with recent-search access only, chats older than 7 days "
                "can be filled from a capture you have with chathub import"
            )
        return (f"X refused the request ({detail}): your app's access level does not include "
                "this endpoint; check its access in the developer console")

    def search(self, endpoint: Endpoint, query: str, start: datetime, end: datetime, *,
               until_id: str | None = None, budget: int | None = None,
               on_page: Callable[[int], None] | None = None) -> SearchResult:
        """Every page of a search, ``max_results`` at the endpoint's maximum; ``budget`` caps
        the posts read (the result is then incomplete). Paging stops with an ``XError`` when a
        ``next_token`` repeats, a page brings no new post, or the pages outnumber what the window
        (or the budget) can need."""
        result = SearchResult()
        next_token: str | None = None
        guard = PageGuard(search_page_limit(start, end, budget), f"the search {query!r}")
        while True:
            size = endpoint.max_results
            if budget is not None:
                left = budget - result.reads
                if left < MIN_RESULTS:
                    return result
                size = min(size, left)
            page = self.call(endpoint.method, query=query, start_time=start, end_time=end,
                             until_id=until_id, next_token=next_token, max_results=size, **FIELDS)
            posts, next_token = self._page(page)
            result.pages.append(page)
            result.reads += len(posts)
            self.reads += len(posts)
            ids = [str(p["id"]) for p in posts if isinstance(p, dict) and p.get("id")]
            if ids:
                oldest = min(ids, key=id_order)
                if result.oldest_id is None or id_order(oldest) < id_order(result.oldest_id):
                    result.oldest_id = oldest
            if on_page:
                on_page(len(posts))
            try:
                guard.next_page(ids, next_token)
            except APIFault as fault:
                raise self._fail(str(fault)) from None
            if not next_token:
                result.complete = True
                return result

    def _page(self, page: dict[str, Any]) -> tuple[list[Any], str | None]:
        """A response page's posts and next_token, once its shape is what the API documents."""
        data = page.get("data")
        if data is not None and not isinstance(data, list | dict):
            raise self._fail(f"X sent a response of the wrong shape: data is {_kind(data)}, not a "
                             "list of posts")
        posts = [data] if isinstance(data, dict) else list(data or [])
        for name, wanted in (("meta", dict), ("includes", dict), ("errors", list)):
            value = page.get(name)
            if value is not None and not isinstance(value, wanted):
                raise self._fail(f"X sent a response of the wrong shape: {name} is {_kind(value)}, "
                                 f"not {'an object' if wanted is dict else 'a list'}")
        token = (page.get("meta") or {}).get("next_token")
        if token is not None and not isinstance(token, str):
            raise self._fail(f"X sent a response of the wrong shape: next_token is {_kind(token)}")
        return posts, token or None

    def count(self, endpoint: Endpoint, query: str, start: datetime, end: datetime) -> int:
        """How many posts match, from the counts endpoint (no post is read)."""
        total = 0
        next_token: str | None = None
        days = max(1, math.ceil((end - start).total_seconds() / 86400))
        guard = PageGuard(math.ceil(days / 30) + 3, f"the count of {query!r}")
        while True:
            extra = {"next_token": next_token} if next_token else {}
            page = self.call(endpoint.count_method, query=query, start_time=start, end_time=end,
                             granularity="day", **extra)
            buckets, next_token = self._page(page)
            meta = page.get("meta") or {}
            number = meta.get("total_tweet_count", 0)
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise self._fail(f"X sent a response of the wrong shape: total_tweet_count is "
                                 f"{_kind(number)}, not a count")
            total += number
            try:
                guard.next_page([str(b.get("start")) for b in buckets if isinstance(b, dict)]
                                or [f"page {guard.pages}"], next_token)
            except APIFault as fault:
                raise self._fail(str(fault)) from None
            if not next_token:
                return total

    def lookup(self, ids: Iterable[str]) -> dict[str, Any]:
        """One ``get_tweets`` request for up to 100 ids: returned posts, and errors for the rest."""
        batch = list(ids)
        if len(batch) > LOOKUP_BATCH:
            raise ValueError(f"at most {LOOKUP_BATCH} ids per lookup")
        page = self.call("get_tweets", ids=batch, **FIELDS)
        posts, _ = self._page(page)
        self.reads += len(posts)
        return page


def search_page_limit(start: datetime, end: datetime, budget: int | None) -> int:
    """The most pages a search can need: the posts it could read (``budget``, or the window at
    ``MAX_POSTS_PER_MINUTE``) at the smallest page size, and a few empty pages."""
    minutes = max(1.0, (end - start).total_seconds() / 60)
    posts = budget if budget is not None else minutes * MAX_POSTS_PER_MINUTE
    return math.ceil(posts / MIN_RESULTS) + 5


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "null"


def _reset_header(exc: tweepy.TooManyRequests) -> str | None:
    """The raw ``x-rate-limit-reset`` header of a 429 (tweepy reads it only when it waits)."""
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("x-rate-limit-reset", headers.get(_RAW_RESET))
    return None if value is None else str(value)


class _Unreadable(Exception):
    """A 2xx response whose body is not a JSON object (cut short, or not from the API)."""


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (ValueError, RecursionError):  # cut short, not JSON, or nested absurdly deep
        raise _Unreadable from None
    if not isinstance(body, dict):
        raise _Unreadable
    return body


def _reason(exc: tweepy.HTTPException) -> str:
    status = f"{exc.response.status_code} {exc.response.reason or ''}".strip()
    messages = "; ".join(str(m) for m in exc.api_messages if m)
    return f"{status}: {messages}" if messages else status


def _failure(exc: Exception) -> str:
    if isinstance(exc, tweepy.HTTPException):
        return f"{exc.response.status_code} {exc.response.reason or ''}".strip()
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, _Unreadable):
        return "an unreadable response"
    return "the connection dropped"
