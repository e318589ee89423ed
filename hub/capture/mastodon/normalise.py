"""Mastodon statuses normalised into the post model.

A status's content is HTML written by any server of the fediverse. Before anything else sees it,
it is sanitised with ``nh3`` down to paragraphs, line breaks, spans and links with http(s)
addresses; that is then read into text and linked segments (Mastodon's hidden ``invisible``
parts of long URLs left out, as its own pages show them). Statuses that are not public or
unlisted are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3

from ...transcripts.fields import parse_instant, parse_lang
from ...transcripts.posts import Document, Link, Media, Metrics, Post, Segment, User, is_http

NETWORK = "mastodon"
SHOWN = ("public", "unlisted")
MAX_HTML = 100_000  # characters of a status's HTML read at most: bounds a crafted one's cost
_ALLOWED = {"a": {"href", "class"}, "span": {"class"}}
_MEDIA = {"image": "photo", "gifv": "animated_gif", "video": "video", "audio": "audio"}


def _str(value: Any) -> str:
    return value if type(value) is str else ""


def _int(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def sanitise(html: str) -> str:
    """The HTML with only p, br, span and a (http(s) links) left, and their classes."""
    return nh3.clean(html[:MAX_HTML], tags={"p", "br", "span", "a"}, attributes=_ALLOWED,
                     url_schemes={"http", "https"}, link_rel=None, strip_comments=True)


class _Reader(HTMLParser):
    """Sanitised status HTML into segments."""

    def __init__(self, hidden: frozenset[str], mentions: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = hidden
        self.mentions = mentions  # profile URL -> account, lowercased
        self.segments: list[Segment] = []
        self.text: list[str] = []
        self.link: tuple[str, str] | None = None  # (href, class) of the open <a>
        self.link_text: list[str] = []
        self.invisible = 0
        self.spans: list[bool] = []
        self.paragraphs = 0
        self.cut = False  # the open link's text was shortened (Mastodon's "ellipsis" span)

    def _plain(self, text: str) -> None:
        if self.link is not None:
            self.link_text.append(text)
        elif self.segments and self.segments[-1].kind == "text":
            self.segments[-1] = Segment("text", self.segments[-1].text + text)
        else:
            self.segments.append(Segment("text", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "p":
            if self.paragraphs:
                self._plain("\n\n")
            self.paragraphs += 1
        elif tag == "br":
            self._plain("\n")
        elif tag == "span":
            classes = values.get("class", "").split()
            hide = "invisible" in classes
            self.cut |= self.link is not None and "ellipsis" in classes
            self.spans.append(hide)
            self.invisible += hide
        elif tag == "a" and self.link is None:
            self.link, self.link_text, self.cut = (values.get("href", ""), values.get("class", "")), [], False

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.spans:
            self.invisible -= self.spans.pop()
        elif tag == "a" and self.link is not None:
            href, classes = self.link
            self.link = None
            self._link("".join(self.link_text), href, classes.split())

    def handle_data(self, data: str) -> None:
        if not self.invisible:  # Mastodon hides the "https://" and the tail of long URLs
            self._plain(data)

    def _link(self, text: str, href: str, classes: list[str]) -> None:
        target = href if is_http(href) else None
        if "hashtag" in classes or text.startswith(("#", "＃")):
            self.segments.append(Segment("hashtag", text, target))
        elif "mention" in classes or text.startswith("@"):
            account = self.mentions.get(href.lower(), "")
            hide = account.lower() in self.hidden or text.lstrip("@").lower() in self.hidden
            self.segments.append(Segment("mention", text, None if hide else target))
        else:
            shown = text + ("…" if self.cut else "")
            self.segments.append(Segment("link", shown, target, href if target else ""))


def read_html(html: str, hidden: frozenset[str] = frozenset(),
              mentions: Mapping[str, str] | None = None) -> tuple[str, tuple[Segment, ...]]:
    """Status HTML as plain text and segments, after sanitising it."""
    reader = _Reader(hidden, mentions or {})
    reader.feed(sanitise(html))
    reader.close()
    segments = tuple(s for s in reader.segments if s.text)
    return "".join(s.text for s in segments), segments


def plain_html(html: str) -> str:
    """HTML (a bio) as plain text."""
    return read_html(html)[0]


def full_account(account: Mapping[str, Any], server: str) -> str:
    """``user@server`` for an account: ``acct`` is only ``user`` on the account's own server."""
    acct = _str(account.get("acct")) or _str(account.get("username"))
    if "@" in acct:
        return acct
    host = urlsplit(_str(account.get("url"))).hostname or server
    return f"{acct}@{host}" if acct else ""


def parse_account(account: Mapping[str, Any], server: str) -> User:
    acct = full_account(account, server)
    user, _, host = acct.partition("@")
    followers = account.get("followers_count")
    url = _str(account.get("url"))
    return User(id=f"{user}@{host.lower()}" if acct else "", handle=f"{user}@{host.lower()}" if acct else "",
                name=_str(account.get("display_name")).strip(), avatar=_str(account.get("avatar")),
                bio=plain_html(_str(account.get("note"))), followers=followers if type(followers) is int
                else None, network=NETWORK,
                profile_url=url if is_http(url) else (f"https://{host}/@{user}" if acct else ""))


def _created(status: Mapping[str, Any]) -> datetime:
    moment = parse_instant(status.get("created_at"))
    return (moment or datetime.fromtimestamp(0, UTC)).astimezone(UTC)


def _server(status: Mapping[str, Any]) -> str:
    return _str(status.get("read_from"))


def parse_status(status: Mapping[str, Any], hidden: frozenset[str], local: Mapping[tuple[str, str], str],
                 accounts: Mapping[tuple[str, str], str]) -> Post:
    """One status; ``local`` maps (server, id) to URIs, ``accounts`` (server, id) to accounts."""
    server = _server(status)
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    author = parse_account(account, server)
    mentions = {}
    for mention in status.get("mentions") or ():
        if isinstance(mention, dict):
            acct = full_account(mention, server)
            mentions[_str(mention.get("url")).lower()] = acct
    text, segments = read_html(_str(status.get("content")), hidden, mentions)
    spoiler = _str(status.get("spoiler_text")).strip()
    if spoiler:
        segments = (Segment("text", f"{spoiler}\n\n"), *segments)
        text = f"{spoiler}\n\n{text}"
    parent_id = _str(status.get("in_reply_to_id")) if status.get("in_reply_to_id") is not None else ""
    parent = local.get((server, parent_id)) if parent_id else None
    parent_account = _str(status.get("in_reply_to_account_id"))
    reply_user = accounts.get((server, parent_account)) if parent_account else None
    if reply_user is None and parent_account:
        reply_user = next((full_account(m, server) for m in status.get("mentions") or ()
                           if isinstance(m, dict) and _str(m.get("id")) == parent_account), None)
    quote = status.get("quote") if isinstance(status.get("quote"), dict) else {}
    quoted = quote.get("quoted_status") if isinstance(quote.get("quoted_status"), dict) else {}
    reblog = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    media = tuple(Media(_str(m.get("url")), _MEDIA.get(_str(m.get("type")), "media"),
                        _str(m.get("description")))
                  for m in status.get("media_attachments") or () if isinstance(m, dict))
    uri = _str(status.get("uri"))
    url = _str(status.get("url"))
    links = [Link(s.href or "", s.href or "", s.text) for s in segments if s.kind == "link" and s.href]
    card = status.get("card") if isinstance(status.get("card"), dict) else {}
    if is_http(_str(card.get("url"))) and _str(card.get("url")) not in {link.url for link in links}:
        links.append(Link(_str(card["url"]), _str(card["url"]), _str(card.get("title")) or _str(card["url"])))
    return Post(
        id=uri,
        author=author,
        created_at=_created(status),
        text=text,
        segments=segments,
        reply_to=parent or (f"{server}/{parent_id}" if parent_id else None),
        reply_to_user=reply_user,
        quote_of=_str(quoted.get("uri")) or None,
        retweet_of=_str(reblog.get("uri")) or None if reblog else None,
        metrics=Metrics(retweets=_int(status.get("reblogs_count")),
                        replies=_int(status.get("replies_count")),
                        likes=_int(status.get("favourites_count")),
                        quotes=_int(status.get("quotes_count"))),
        links=tuple(links),
        mentions=tuple(mentions.values()),
        hashtags=tuple(_str(t.get("name")) for t in status.get("tags") or () if isinstance(t, dict)),
        media=media,
        edited=bool(status.get("edited_at")),
        network=NETWORK,
        url=url if is_http(url) else (uri if is_http(uri) else ""),
        lang=parse_lang(status.get("language")),
    )


def local_ids(statuses: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """(server, that server's id) -> URI, for every server a status was read from."""
    found: dict[tuple[str, str], str] = {}
    for status in statuses:
        uri = _str(status.get("uri"))
        ids = status.get("local_ids") if isinstance(status.get("local_ids"), dict) else {}
        for server, ident in ids.items():
            found[str(server), str(ident)] = uri
        if _str(status.get("id")) and _server(status):
            found[_server(status), _str(status.get("id"))] = uri
    return found


def read_document(doc: Mapping[str, Any], hidden: Iterable[str] = ()) -> Document:
    """Normalise a stored Mastodon transcript (``{"statuses": [...], "meta": {...}}``)."""
    hide = frozenset(hidden)
    statuses = [s for s in doc.get("statuses") or [] if isinstance(s, dict) and _str(s.get("uri"))
                and _str(s.get("visibility") or "public") in SHOWN]
    local = local_ids(statuses)
    accounts = {}
    for status in statuses:
        account = status.get("account")
        if isinstance(account, dict) and _str(account.get("id")):
            accounts[_server(status), _str(account["id"])] = full_account(account, _server(status))
    posts = [parse_status(s, hide, local, accounts) for s in statuses]
    posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
    ids = {p.id for p in posts}
    referenced: dict[str, Post] = {}
    for status in statuses:
        quote = status.get("quote") if isinstance(status.get("quote"), dict) else {}
        quoted = quote.get("quoted_status")
        if (isinstance(quoted, dict) and _str(quoted.get("uri")) and quoted["uri"] not in ids
                and _str(quoted.get("visibility") or "public") in SHOWN):
            referenced[quoted["uri"]] = parse_status({**quoted, "read_from": _server(status)}, hide,
                                                     local, accounts)
    users = {p.author.id: p.author for p in [*posts, *referenced.values()] if p.author.id}
    return Document(posts, referenced, users)
