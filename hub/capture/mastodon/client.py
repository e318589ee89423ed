"""Mastodon servers through ``Mastodon.py``: hashtag timelines, status contexts and status
lookups, kept as the JSON each server sent.

Reading is free and needs no account. A server may restrict its hashtag timeline to logged-in
users (Mastodon 4.5's ``timelines_access``): with ``MASTODON_TOKEN_<HOST>`` (the host
upper-cased, ``.`` and ``-`` as ``_``) it is read logged in, else it is skipped with a warning.
Faults become ``MastodonFault`` with a one-line message: 429 waited out (boundedly, and said
so), 5xx and dropped connections retried with backoff. Tokens never appear in a message.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
    MastodonWarning,
)

from ...transcripts.checks import kind
from ..faults import REDACTOR, APIFault, RateWaits, secret_problem
from ..window import BACKOFF, RETRIES
from .schema import status_problems

TOKEN_PREFIX = "MASTODON_TOKEN_"
TIMELINE_LIMIT = 40  # statuses per hashtag timeline request, the most Mastodon allows
TIMEOUT = 60
Say = Callable[[str], None]


class MastodonFault(APIFault):
    """A failure talking to a Mastodon server, explained in one line."""


class Restricted(MastodonFault):
    """The server shows its hashtag timeline to logged-in users only."""


class Gone(MastodonFault):
    """The status is no longer there (404 or 410)."""


def token_variable(host: str) -> str:
    """``MASTODON_TOKEN_MASTODON_SOCIAL`` for ``mastodon.social``."""
    return TOKEN_PREFIX + re.sub(r"[.-]", "_", host.strip().upper())


REDACTOR.watch(("mastodon", "requests", "urllib3", "urllib3.connectionpool"))


def read_token(host: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The token set for ``host``, if any (a ``MastodonFault`` when it cannot be sent)."""
    env = os.environ if environ is None else environ
    token = env.get(token_variable(host), "").strip() or None
    if token:
        problem = secret_problem(token_variable(host), token)
        if problem:
            raise MastodonFault(problem)
        REDACTOR.add(token)
    return token


class _RecordingSession(requests.Session):
    """Keeps the last response, whose JSON is what the transcript stores (Mastodon.py turns
    responses into objects with datetimes; the server's own JSON is what we keep)."""

    last: requests.Response | None = None

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        self.last = super().request(*args, **kwargs)
        return self.last


class MastodonServer:
    """One server, read through Mastodon.py's client, logged in when a token is set for it."""

    def __init__(self, host: str, *, token: str | None = None, say: Say | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.host = host
        self.token = token
        self._say, self._sleep = say, sleep
        self.session = _RecordingSession()
        self.api = Mastodon(api_base_url=f"https://{host}", access_token=token, ratelimit_method="throw",
                            request_timeout=TIMEOUT, session=self.session, version_check_mode="none")
        self.requests = 0
        self.reads = 0
        self.waits = RateWaits()
        self.left_out: list[str] = []  # statuses of the wrong shape left out, "post URI: why"
        if token:
            REDACTOR.add(token)

    def say(self, message: str) -> None:
        (self._say or print)(self.redact(message))

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    def redact(self, text: str) -> str:
        return REDACTOR.redact(text)

    def _fail(self, message: str, kind: type[MastodonFault] = MastodonFault) -> MastodonFault:
        return kind(self.redact(message))

    def _raw(self) -> Any:
        last = self.session.last
        try:
            return last.json() if last is not None else None
        except ValueError:
            return None

    def call(self, action: Callable[[Mastodon], Any], what: str) -> Any:
        """One request through the client; the server's JSON."""
        failures = 0
        while True:
            try:
                self.requests += 1
                self.session.last = None
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", MastodonWarning)
                    action(self.api)
                return self._raw()
            except MastodonRatelimitError:
                reset = self.api.ratelimit_reset
                try:
                    wait, note = self.waits.plan(reset if isinstance(reset, int | float) else None)
                except APIFault as fault:
                    raise self._fail(f"{self.host}: {fault}") from None
                self.say(f"rate limited by {self.host} (429): {note}")
                self.sleep(wait)
            except MastodonUnauthorizedError:
                if self.token:
                    raise self._fail(f"{self.host} rejected the token in {token_variable(self.host)} "
                                     f"(401 Unauthorized) while reading {what}") from None
                raise self._fail(f"{self.host} shows {what} to logged-in users only (401)",
                                 Restricted) from None
            except MastodonNotFoundError:
                raise self._fail(f"{self.host} has no {what} (404)", Gone) from None
            except MastodonServerError as exc:
                failures = self._retry(failures, _status(exc))
            except MastodonNetworkError:
                failures = self._retry(failures, "the connection dropped")
            except MastodonAPIError as exc:
                status = _status(exc)
                if status.startswith("410"):
                    raise self._fail(f"{self.host} says {what} is gone (410)", Gone) from None
                if status.startswith("422") and not self.token:
                    raise self._fail(f"{self.host} shows {what} to logged-in users only (422)",
                                     Restricted) from None
                if status.startswith("403"):
                    raise self._fail(f"{self.host} refused {what} (403 Forbidden)") from None
                raise self._fail(f"{self.host} answered {status} for {what}") from None
            except MastodonError as exc:
                raise self._fail(f"{self.host}: {type(exc).__name__} while reading {what}") from None

    def _retry(self, failures: int, reason: str) -> int:
        failures += 1
        if failures > RETRIES:
            raise self._fail(f"{self.host} failed {failures} times in a row ({reason}); giving up, "
                             "try again later")
        wait = BACKOFF * 2 ** (failures - 1)
        self.say(f"{self.host} failed ({reason}); retrying in {wait:g} s (retry {failures} of {RETRIES})")
        self.sleep(wait)
        return failures

    def hashtag_open(self) -> bool:
        """Whether the server says its hashtag timeline is readable as we are (logged in or not);
        True when it does not say."""
        self.requests += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MastodonWarning)
            return bool(self.api.timeline_is_available("hashtag", with_auth=self.token is not None))

    def timeline(self, tag: str, *, max_id: datetime | str | None, min_id: datetime | str | None
                 ) -> list[dict[str, Any]]:
        """One page (newest first) of the hashtag timeline between two ids or times."""
        page = self.call(lambda api: api.timeline_hashtag(tag, max_id=max_id, since_id=min_id,
                                                          limit=TIMELINE_LIMIT), f"the #{tag} timeline")
        if not isinstance(page, list):
            raise self._fail(f"{self.host} sent a #{tag} timeline chathub cannot use: {kind(page)}, "
                             "not a list of statuses")
        self.reads += len(page)
        return self.usable(page)

    def usable(self, statuses: list[Any]) -> list[dict[str, Any]]:
        """The statuses chathub can read; the others are left out, and said (``left_out``)."""
        kept = []
        for status in statuses:
            if not isinstance(status, dict):
                raise self._fail(f"{self.host} sent {kind(status)} where a status belongs: an answer "
                                 "chathub cannot use")
            problems = status_problems(status)
            if problems:
                self.left_out.append(self.redact(problems[0].detail()))
            else:
                kept.append(status)
        return kept

    def context(self, status_id: str) -> dict[str, Any]:
        """Ancestors and descendants of a status (its id on this server)."""
        page = self.call(lambda api: api.status_context(status_id), f"the replies of status {status_id}")
        if not isinstance(page, dict) or not all(isinstance(page.get(k, []), list)
                                                 for k in ("ancestors", "descendants")):
            raise self._fail(f"{self.host} sent the replies of status {status_id} in a shape chathub "
                             "cannot use (expected ancestors and descendants, lists of statuses)")
        return {key: self.usable(page.get(key) or []) for key in ("ancestors", "descendants")}

    def status(self, status_id: str) -> dict[str, Any] | None:
        """A status by its id on this server; None when it is gone (404, 410)."""
        try:
            found = self.call(lambda api: api.status(status_id), f"status {status_id}")
        except Gone:
            return None
        self.reads += 1
        return found if isinstance(found, dict) else None


def _status(exc: MastodonError) -> str:
    args = exc.args
    if len(args) >= 3 and isinstance(args[1], int):
        return f"{args[1]} {args[2] or ''}".strip()
    return "an error"
