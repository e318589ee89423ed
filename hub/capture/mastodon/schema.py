"""What a Mastodon status must hold for chathub to read it, checked field by field.

The same checks run where statuses enter a transcript and where the build reads one. A stored
transcript or an imported file with a status of the wrong shape is a located error; a status of
the wrong shape in a server's answer is left out of the capture, with a warning (statuses come
from every server of the fediverse, so one odd status must not stop a chat's capture). Fields
chathub does not read may hold anything, as long as they do not nest absurdly deep.
"""

from __future__ import annotations

from typing import Any

from ...transcripts.checks import Checker, PostProblem, shorten

COUNTS = ("reblogs_count", "favourites_count", "replies_count", "quotes_count")
TEXTS = ("content", "url", "visibility", "spoiler_text", "language", "read_from")
ACCOUNT_TEXTS = ("username", "acct", "display_name", "url", "avatar", "note")
LISTS = {"mentions": ("url", "acct", "username"), "tags": ("name", "url"),
         "media_attachments": ("url", "type", "description")}


def _ident(check: Checker, value: Any, where: tuple[str | int, ...], name: str) -> None:
    """An id of any server: text (digits on Mastodon, other letters elsewhere) or a number."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        check.wrong(where, name, "an id", value)


def check_status(check: Checker, status: Any, where: tuple[str | int, ...]) -> None:
    """Problems of one status."""
    check.post = ""
    if not isinstance(status, dict):
        check.wrong(where, "a status", "an object", status)
        return
    uri = status.get("uri")
    if not isinstance(uri, str) or not uri:
        check.add((*where, "uri"), f"a status needs a uri, not {shorten(uri)}" if "uri" in status
                  else "a status has no uri")
        return
    check.post = uri
    if not check.depth(status, where, "the status"):
        return
    if "created_at" in status:
        check.instant(status["created_at"], (*where, "created_at"), "created_at")
    else:
        check.add((*where, "created_at"), "a status needs its created_at")
    if "content" not in status:
        check.add((*where, "content"), "a status needs its content")
    for key in TEXTS:
        check.text(status.get(key), (*where, key), key)
    if status.get("edited_at") is not None:
        check.instant(status["edited_at"], (*where, "edited_at"), "edited_at")
    for key in ("id", "in_reply_to_id", "in_reply_to_account_id"):
        _ident(check, status.get(key), (*where, key), key)
    for key in COUNTS:
        check.count(status.get(key), (*where, key), key)
    account = check.object(status.get("account"), (*where, "account"), "account")
    if account is None:
        if status.get("account") is None:
            check.add((*where, "account"), "a status needs its account")
    else:
        _ident(check, account.get("id"), (*where, "account", "id"), "account.id")
        for key in ACCOUNT_TEXTS:
            check.text(account.get(key), (*where, "account", key), f"account.{key}")
        check.count(account.get("followers_count"), (*where, "account", "followers_count"),
                    "account.followers_count")
    for key, fields in LISTS.items():
        for index, item in check.objects(status.get(key), (*where, key), key):
            for name in fields:
                check.text(item.get(name), (*where, key, index, name), f"{key} {name}")
            if key == "mentions":
                _ident(check, item.get("id"), (*where, key, index, "id"), "mentions id")
    for key in ("card", "reblog", "quote", "poll"):
        check.object(status.get(key), (*where, key), key)
    local = check.object(status.get("local_ids"), (*where, "local_ids"), "local_ids")
    for server, ident in (local or {}).items():
        _ident(check, ident, (*where, "local_ids", server), f"local_ids.{server}")


def status_problems(status: Any) -> list[PostProblem]:
    """Everything wrong with one status (empty when it can be read)."""
    check = Checker()
    check_status(check, status, ())
    return check.problems


def document_problems(doc: dict[str, Any]) -> list[PostProblem]:
    """Everything wrong in a Mastodon transcript (``{"statuses": [...], "meta": {...}}``)."""
    check = Checker()
    for index, status in enumerate(doc.get("statuses") or []):
        check_status(check, status, ("statuses", index))
    return check.problems
