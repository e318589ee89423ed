"""What every network's client needs to fail well: secrets kept out of every message, waits that
end, and paging that ends.

- ``secret_problem`` refuses a token or password with whitespace or control characters (a line
  break pasted with it) before it is sent anywhere, naming the variable and never the value.
- ``Redactor`` takes a secret out of any text in every form it can take there: as it is,
  ``repr``'d (as requests quotes header values), JSON-escaped and URL-encoded.
- ``RateWaits`` decides how long to wait for a rate limit: never more than ``MAX_WAIT`` at a
  time nor ``MAX_TOTAL_WAIT`` in a run, and a backoff when the reset time is unusable.
- ``PageGuard`` ends a paging loop that would not end: a repeated cursor, pages that bring
  nothing new, more pages than the request can need.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus, unquote, unquote_plus

MAX_WAIT = 15 * 60  # seconds: the longest single wait for a rate limit (X's windows are 15 minutes)
MAX_TOTAL_WAIT = 60 * 60  # seconds of rate-limit waits in one run, at most
BACKOFF_WAIT = 60  # seconds: the first wait when the reset time cannot be used; doubles each time
MAX_RESET_AHEAD = 24 * 60 * 60  # a reset time further ahead than this is not believed
EMPTY_PAGES = 3  # pages in a row with no post at all (full-archive search sends some) before giving up
REDACTED = "[redacted]"
_MIN_SECRET = 6  # shorter values are not secrets worth searching every message for


class APIFault(Exception):
    """A network's API failed or answered something unusable; the message says what, in one line,
    and nothing was written."""


def secret_problem(variable: str, value: str) -> str | None:
    """Why the secret in ``variable`` cannot be sent (whitespace or control characters), never
    quoting it; None when it can."""
    for char in value:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            what = "a line break" if char in "\r\n\u2028\u2029" else (
                "a space or tab" if char.isspace() else "a control character")
            return (f"{variable} holds {what}: set it to the secret alone, without spaces, line breaks "
                    "or quotes (a copied value often brings a line break along)")
        if not char.isascii():  # no API secret is; an HTTP header could not carry it
            return (f"{variable} holds a character that is not plain ASCII: set it to the secret as "
                    "the developer console shows it")
    return None


_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _lower_hex(text: str) -> str:
    return _PERCENT.sub(lambda m: m.group(0).lower(), text)


def secret_forms(secret: str) -> set[str]:
    """The ways ``secret`` can be written in a message: as it is, repr'd, JSON-escaped,
    URL-encoded (once or twice, hex digits in either case) and URL-decoded."""
    forms = {secret, repr(secret)[1:-1], repr(secret.encode("utf-8", "replace"))[2:-1],
             json.dumps(secret)[1:-1], unquote(secret), unquote_plus(secret)}
    for plain in (secret, _lower_hex(secret)):  # %2f is %2F
        once = quote(plain, safe="")
        forms |= {plain, once, quote(plain), quote_plus(plain), quote(once, safe="")}
    forms |= {_lower_hex(form) for form in forms}
    return {form for form in forms if len(form) >= _MIN_SECRET}


class Redactor(logging.Filter):
    """Removes secrets from text and from log records (HTTP libraries log headers at DEBUG)."""

    def __init__(self) -> None:
        super().__init__()
        self._forms: list[str] = []

    def add(self, secret: str) -> None:
        if len(secret) >= _MIN_SECRET:
            self._forms = sorted(set(self._forms) | secret_forms(secret), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._forms:
            try:
                message = record.getMessage()
            except Exception:  # a record whose arguments do not fit its format
                message = str(record.msg)
            record.msg, record.args = self.redact(message), None
        return True

    def watch(self, loggers: Iterable[str]) -> None:
        for name in loggers:
            logging.getLogger(name).addFilter(self)


REDACTOR = Redactor()  # one for the process: every client adds its secrets, every message goes through it


@dataclass
class RateWaits:
    """Bounded waits for rate limits, for one run of a command."""

    clock: Callable[[], float] = field(default=lambda: time.time())  # looked up when called
    waited: float = 0.0
    backoffs: int = 0

    def plan(self, reset: str | int | None) -> tuple[float, str]:
        """Seconds to wait before trying again and what to say; raises ``APIFault`` when the
        run has waited as long as it may. ``reset`` is the API's reset time (Unix seconds)."""
        now = self.clock()
        seconds: float | None = None
        reason = ""
        moment = _number(reset)
        if moment is None:
            reason = ("it sent no reset time" if reset in (None, "")
                      else f"its reset time {str(reset)[:30]!r} is not a number")
        elif moment - now > MAX_RESET_AHEAD:
            reason = f"its reset time is {_when(moment)}, which cannot be right"
        elif moment < now - MAX_RESET_AHEAD:
            reason = f"its reset time {_when(moment)} is long past"
        else:
            seconds = max(moment - now, 0) + 1
        if seconds is None:
            seconds = min(BACKOFF_WAIT * 2 ** self.backoffs, MAX_WAIT)
            self.backoffs += 1
            note = f"{reason}: backing off {seconds:g} s, then trying again"
        elif seconds > MAX_WAIT:
            note = (f"the limit resets {_when(now + seconds)}; waiting {MAX_WAIT // 60} minutes "
                    "(the longest chathub waits at a time), then trying again")
            seconds = MAX_WAIT
        else:
            note = f"waiting {math.ceil(seconds)} s for the limit to reset, then going on"
        if self.waited + seconds > MAX_TOTAL_WAIT:
            raise APIFault(f"still rate limited after {self.waited / 60:.0f} minutes of waiting, "
                           f"the most one run waits ({MAX_TOTAL_WAIT // 60} minutes); try again later")
        self.waited += seconds
        return seconds, note


def _number(value: str | int | None) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _when(moment: float) -> str:
    try:
        return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return "far from now"


@dataclass
class PageGuard:
    """Ends paging that would not end. ``limit`` is the most pages the request can need."""

    limit: int
    what: str = "the search"
    source: str = "X"  # the network whose API pages
    cursor: str = "next_token"  # what that API calls its cursor
    tokens: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    empty: int = 0

    def next_page(self, ids: Iterable[str], token: str | None) -> None:
        """Account for a page (its post ids and the cursor to the next); ``APIFault`` when
        another page should not be asked for."""
        self.pages += 1
        ids = list(ids)
        new = [i for i in ids if i not in self.seen]
        self.seen.update(ids)
        if token is None:
            return
        if token in self.tokens:
            raise APIFault(f"{self.source} sent the same {self.cursor} twice in {self.what}; "
                           "stopped so as not to page forever")
        self.tokens.add(token)
        if ids and not new:
            raise APIFault(f"{self.source} sent a page with no new post in {self.what} and asked "
                           "for another; stopped so as not to page forever")
        self.empty = 0 if ids else self.empty + 1
        if self.empty > EMPTY_PAGES:
            raise APIFault(f"{self.source} sent {self.empty} empty pages in a row in {self.what}; "
                           "stopped so as not to page forever")
        if self.pages >= self.limit:
            raise APIFault(f"{self.what} went past {self.limit} pages, more than it can need; "
                           "stopped so as not to page forever")
