"""Bluesky's API through the ``atproto`` SDK: search, threads and post lookups as raw JSON.

Logged-out search was turned off in January 2025, so the client logs in with an app password
(``BSKY_HANDLE``, ``BSKY_APP_PASSWORD``), once per run and only when there is something to read:
logins are limited to 30 per 5 minutes. Faults become ``BlueskyError`` with a one-line message:
401/403 explained, 429 waited out (boundedly, and said so), 5xx and dropped connections retried
with backoff. The password and the session's tokens never appear in a message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from atproto import Client, models
from atproto_client.client.base import is_method_not_served
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)

from ...transcripts.checks import kind
from ..faults import REDACTOR, APIFault, RateWaits, secret_problem
from ..window import BACKOFF, RETRIES
from .schema import response_problem, view_problems

HANDLE_ENV = "BSKY_HANDLE"
PASSWORD_ENV = "BSKY_APP_PASSWORD"
SERVICE_ENV = "BSKY_SERVICE"  # optional: the PDS to log in to (default https://bsky.social)
SEARCH_LIMIT = 100  # posts per searchPosts request, the most it allows
LOOKUP_BATCH = 25  # URIs per getPosts request
# Levels of replies per getPostThread request (it allows 1000): each level nests a response two
# deeper, and the SDK's JSON parser stops at 200; a deeper conversation is read on from its edge.
THREAD_DEPTH = 40
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
Say = Callable[[str], None]


class BlueskyError(APIFault):
    """A failure talking to Bluesky, explained in one line."""


REDACTOR.watch(("httpx", "httpcore", "atproto", "atproto_client"))


def read_credentials(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The account and app password from ``BSKY_HANDLE`` and ``BSKY_APP_PASSWORD``."""
    env = os.environ if environ is None else environ
    handle, password = env.get(HANDLE_ENV, "").strip(), env.get(PASSWORD_ENV, "").strip()
    missing = [name for name, value in ((HANDLE_ENV, handle), (PASSWORD_ENV, password)) if not value]
    if missing:
        raise BlueskyError(
            f"no Bluesky login: set the environment variable{'s' * (len(missing) > 1)} "
            f"{' and '.join(missing)} (your handle, and an app password made under Settings → "
            "Privacy and security → App passwords); Bluesky's search needs a logged-in account")
    for name, value in ((HANDLE_ENV, handle), (PASSWORD_ENV, password)):
        problem = secret_problem(name, value)
        if problem:
            raise BlueskyError(problem)
    REDACTOR.add(password)
    return handle, password


class BlueskyClient:
    """One logged-in session of the SDK's ``Client``, made on the first request, with chathub's
    fault handling; counts requests and post reads."""

    def __init__(self, handle: str, password: str, *, say: Say | None = None,
                 sleep: Callable[[float], None] | None = None, service: str | None = None) -> None:
        self._handle, self._password = handle, password
        self._say, self._sleep = say, sleep
        self._service = service or os.environ.get(SERVICE_ENV) or None
        self.client: Client | None = None
        self.requests = 0
        self.reads = 0
        self.waits = RateWaits()
        self.left_out: list[str] = []  # posts of the wrong shape left out, "post URI: why"
        if password:
            REDACTOR.add(password)

    def say(self, message: str) -> None:
        (self._say or print)(self.redact(message))

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    def redact(self, text: str) -> str:
        return REDACTOR.redact(text)

    def _fail(self, message: str) -> BlueskyError:
        return BlueskyError(self.redact(message))

    def _connect(self) -> Client:
        if self.client is not None:
            return self.client
        client = Client(base_url=self._service)
        client.request._client.timeout = TIMEOUT
        self._run(lambda: client.login(self._handle, self._password, fetch_bsky_profile=False),
                  login=True)
        session = getattr(client, "_session", None)
        for token in (getattr(session, "access_jwt", ""), getattr(session, "refresh_jwt", "")):
            if token:
                REDACTOR.add(token)
        self.client = client
        return client

    def _run(self, action: Callable[[], Any], *, login: bool = False) -> Any:
        failures = 0
        while True:
            try:
                self.requests += 1
                return action()
            except RateLimitExceededError as exc:
                reset = exc.response.headers.get("ratelimit-reset") if exc.response is not None else None
                if reset is None and exc.retry_after is not None:
                    reset = str(self.waits.clock() + exc.retry_after)
                try:
                    wait, note = self.waits.plan(reset)
                except APIFault as fault:
                    raise self._fail(f"Bluesky: {fault}") from None
                what = "logins" if login else "requests"
                self.say(f"rate limited by Bluesky (429, too many {what}): {note}")
                self.sleep(wait)
            except UnauthorizedError as exc:
                if login:
                    raise self._fail(
                        f"Bluesky refused the login ({_reason(exc)}): check that {HANDLE_ENV} holds your "
                        f"handle and {PASSWORD_ENV} a current app password") from None
                raise self._fail(f"Bluesky refused the request ({_reason(exc)}): the session of "
                                 f"{HANDLE_ENV} may not read this; log in again later") from None
            except BadRequestError as exc:
                raise self._fail(f"Bluesky refused the request (400 Bad Request: {_reason(exc)})") from None
            except NetworkError as exc:
                failures = self._retry(failures, _reason(exc))
            except RequestErrorBase as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status >= 500:
                    failures = self._retry(failures, _reason(exc))
                    continue
                raise self._fail(f"Bluesky answered {_reason(exc)}") from None
            except (httpx.HTTPError, ValueError) as exc:
                failures = self._retry(failures, type(exc).__name__)
            except AtProtocolError as exc:
                raise self._fail(f"Bluesky's answer could not be read ({type(exc).__name__}: {exc})"
                                 ) from None

    def _retry(self, failures: int, reason: str) -> int:
        failures += 1
        if failures > RETRIES:
            raise self._fail(f"Bluesky failed {failures} times in a row ({reason}); giving up, try again "
                             "later")
        wait = BACKOFF * 2 ** (failures - 1)
        self.say(f"Bluesky failed ({reason}); retrying in {wait:g} s (retry {failures} of {RETRIES})")
        self.sleep(wait)
        return failures

    def query(self, nsid: str, params: Any) -> dict[str, Any]:
        """One XRPC query through the logged-in SDK client; the response's JSON as sent."""
        client = self._connect()
        response = self._run(lambda: client.invoke_query(nsid, params=params))
        content = response.content
        if not isinstance(content, dict):
            raise self._fail(f"Bluesky's answer to {nsid} is not a JSON object")
        return content

    def search(self, tag: str, since: str, until: str, cursor: str | None = None,
               limit: int = SEARCH_LIMIT) -> dict[str, Any]:
        """One page of ``app.bsky.feed.searchPosts`` for posts tagged ``tag`` in [since, until),
        newest first."""
        params = models.AppBskyFeedSearchPosts.Params(q=f"#{tag}", tag=[tag], since=since, until=until,
                                                      sort="latest", limit=limit, cursor=cursor)
        page = self.query("app.bsky.feed.searchPosts", params)
        problem = response_problem(page)
        if problem:
            raise self._fail(f"Bluesky sent a searchPosts response chathub cannot use: {problem}")
        self.reads += len(page.get("posts") or [])
        return page

    def usable(self, views: list[Any]) -> list[dict[str, Any]]:
        """The post views chathub can read; the others are left out, and said (``left_out``)."""
        kept = []
        for view in views:
            if not isinstance(view, dict):
                raise self._fail(f"Bluesky sent {kind(view)} where a post belongs: an answer chathub "
                                 "cannot use")
            problems = view_problems(view)
            if problems:
                self.left_out.append(self.redact(problems[0].detail()))
            else:
                kept.append(view)
        return kept

    def thread(self, uri: str) -> dict[str, Any] | None:
        """``getPostThread`` of ``uri`` with every reply below it; None when it is gone."""
        params = models.AppBskyFeedGetPostThread.Params(uri=uri, depth=THREAD_DEPTH, parent_height=0)
        try:
            page = self.query("app.bsky.feed.getPostThread", params)
        except BlueskyError as exc:
            if "NotFound" in str(exc):
                return None
            raise
        if page.get("thread") is not None and not isinstance(page.get("thread"), dict):
            raise self._fail("Bluesky sent a getPostThread response chathub cannot use: its thread is "
                             "not an object")
        return page

    def lookup(self, uris: list[str]) -> list[dict[str, Any]]:
        """``getPosts`` for up to 25 URIs: the views of those that still exist."""
        if len(uris) > LOOKUP_BATCH:
            raise ValueError(f"at most {LOOKUP_BATCH} URIs per lookup")
        page = self.query("app.bsky.feed.getPosts", models.AppBskyFeedGetPosts.Params(uris=uris))
        problem = response_problem(page)
        if problem:
            raise self._fail(f"Bluesky sent a getPosts response chathub cannot use: {problem}")
        posts = [p for p in page.get("posts") or [] if isinstance(p, dict)]
        self.reads += len(posts)
        return posts


def not_served(exc: BaseException) -> bool:
    return is_method_not_served(exc)


def _reason(exc: RequestErrorBase) -> str:
    return str(exc) or type(exc).__name__
