"""The networks a chat can run on, as chat files and pages name them: what an account looks like
on each, where its profiles and hashtags live, how it is shown, and where its transcript is kept.

Everything network-specific that is not capture (``chathub.capture.<network>``) is here, as
data: adding a network means adding its entry here and its capture package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

_DOMAIN_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = rf"(?:{_DOMAIN_LABEL}\.)+(?!\d+$)[a-z][a-z0-9-]{{0,62}}(?<!-)"
X_HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
BLUESKY_HANDLE_RE = re.compile(rf"^{_DOMAIN}$")
BLUESKY_DID_RE = re.compile(r"^did:(?:plc:[a-z2-7]{24}|web:" + _DOMAIN + ")$")
MASTODON_ACCOUNT_RE = re.compile(rf"^([a-z0-9_](?:[a-z0-9_.-]{{0,62}}[a-z0-9_])?)@({_DOMAIN})$", re.I)
DOMAIN_RE = re.compile(rf"^{_DOMAIN}$")


@dataclass(frozen=True)
class Network:
    """One network: its name in chat files and transcripts, and how pages show it."""

    name: str  # x, bluesky, mastodon: chat files, transcripts and JSON use it
    label: str  # X, Bluesky, Mastodon: what people read
    suffix: str  # the transcript file beside the chat file: <slug><suffix>
    account_example: str  # how an account is written in a chat file
    icon: str  # an SVG path, 24×24, drawn in currentColor
    view_box: str = "0 0 24 24"

    def account(self, value: str) -> str | None:
        """The account ``value`` names on this network, as stored (None when it is no account)."""
        text = value.strip()
        if self.name == "x":
            handle = text.removeprefix("@")
            return handle if X_HANDLE_RE.match(handle) else None
        if self.name == "bluesky":
            handle = text.removeprefix("@").lower()
            return handle if BLUESKY_HANDLE_RE.match(handle) or BLUESKY_DID_RE.match(handle) else None
        match = MASTODON_ACCOUNT_RE.match(text.removeprefix("@"))
        return f"{match.group(1)}@{match.group(2).lower()}" if match else None

    def at(self, account: str) -> str:
        """The account as a mention: ``@acme``, ``@acme.bsky.social``, ``@acme@mastodon.social``."""
        return f"@{account}"

    def profile_url(self, account: str) -> str:
        if self.name == "x":
            return f"https://x.com/{account}"
        if self.name == "bluesky":
            return f"https://bsky.app/profile/{account}"
        user, _, host = account.partition("@")
        return f"https://{host}/@{user}"

    def compose_url(self, text: str, server: str = "") -> str:
        """The page that opens the network's composer with ``text`` filled in (Mastodon: the
        share page of ``server``)."""
        quoted = quote(text, safe="")
        if self.name == "x":
            return f"https://x.com/intent/post?text={quoted}"
        if self.name == "bluesky":
            return f"https://bsky.app/intent/compose?text={quoted}"
        return f"https://{server or 'mastodon.social'}/share?text={quoted}"

    def hashtag_url(self, tag: str, server: str = "") -> str:
        """Where the hashtag's posts are read live (``server``: Mastodon's first server)."""
        name = quote(tag.lstrip("#"), safe="")
        if self.name == "x":
            return f"https://x.com/search?q=%23{name}&f=live"
        if self.name == "bluesky":
            return f"https://bsky.app/hashtag/{name}"
        return f"https://{server or 'mastodon.social'}/tags/{name}"


X = Network(
    "x", "X", ".tweets.json", '"@name"',
    "M18.244 2.25h3.308l-7.227 8.26 8.502 11.24H16.17l-5.214-6.817L4.99 21.75H1.68l7.73-8.835L1.254 "
    "2.25H8.08l4.713 6.231zm-1.161 17.52h1.833L7.084 4.126H5.117z",
)
BLUESKY = Network(
    "bluesky", "Bluesky", ".bsky.json", "name.bsky.social",
    "M5.2 3.4C7.9 5.4 10.8 9.6 12 12c1.2-2.4 4.1-6.6 6.8-8.6 2-1.5 5.2-2.6 5.2 1 0 .7-.4 6-.7 "
    "6.8-.9 3-4 3.8-6.7 3.3 4.8.8 6 3.5 3.4 6.2-5 5.1-7.2-1.3-7.7-2.9l-.3-.8-.3.8c-.5 1.6-2.7 "
    "8-7.7 2.9-2.6-2.7-1.4-5.4 3.4-6.2-2.7.5-5.8-.3-6.7-3.3C.4 10.8 0 5.1 0 4.4c0-3.6 3.2-2.5 "
    "5.2-1z",
)
MASTODON = Network(
    "mastodon", "Mastodon", ".mastodon.json", '"@name@mastodon.social"',
    "M21.3 14.2c-.3 1.6-2.8 3.4-5.7 3.7-1.5.2-3 .3-4.6.3-2.6-.1-4.6-.6-4.6-.6v.7c.4 2.6 2.6 2.8 "
    "4.7 2.9 2.1 0 4-.5 4-.5l.1 1.9s-1.5.8-4.1.9c-1.4.1-3.2 0-5.3-.6C1.3 21.8.5 16.9.4 11.9V7.9C.4 "
    "2.8 3.7 1.3 3.7 1.3 5.4.5 8.3.2 11.3.2h.1c3 0 5.9.3 7.6 1.1 0 0 3.3 1.5 3.3 6.6 0 0 0 3.8-1 "
    "6.3zM17.9 8.3v6.2h-2.5v-6c0-1.3-.5-1.9-1.6-1.9-1.2 0-1.8.8-1.8 2.3v3.3H9.6V8.9c0-1.5-.6-2.3"
    "-1.8-2.3-1.1 0-1.6.6-1.6 1.9v6H3.7V8.3c0-1.3.3-2.3 1-3 .7-.8 1.6-1.1 2.7-1.1 1.3 0 2.3.5 2.9 "
    "1.5l.6 1 .6-1c.6-1 1.6-1.5 2.9-1.5 1.1 0 2 .4 2.7 1.1.6.7.8 1.7.8 3z",
)
NETWORKS: dict[str, Network] = {n.name: n for n in (X, BLUESKY, MASTODON)}
DEFAULT_NETWORKS = ("x",)
DEFAULT_MASTODON_INSTANCES = ("mastodon.social",)


def join_labels(labels: list[str]) -> str:
    """``X``, ``X and Bluesky``, ``X, Bluesky and Mastodon``."""
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def network(name: str) -> Network:
    """The network called ``name`` (an unknown name is a KeyError)."""
    return NETWORKS[name]


def instance_problem(value: str) -> str | None:
    """Why ``value`` is not a Mastodon server's domain name, or None."""
    if DOMAIN_RE.match(value.strip().lower()):
        return None
    shown = repr(value) if len(value) <= 60 else repr(value[:57]) + "…"
    return f"{shown} is not a server's domain name (like mastodon.social, without https://)"


_X_LINK_RE = re.compile(r"^https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?:(?P<handle>[A-Za-z0-9_]{1,15})|i/web)"
                        r"(?:/status(?:es)?/(?P<post>\d{1,25}))?/?(?:[?#]\S*)?$", re.I)
_BLUESKY_LINK_RE = re.compile(r"^https?://(?:www\.)?bsky\.app/profile/(?P<account>[^/?#\s]+)"
                              r"(?:/post/(?P<post>[A-Za-z0-9._~:-]+))?/?(?:[?#]\S*)?$", re.I)
_MASTODON_PROFILE_RE = re.compile(rf"^https?://(?P<server>{_DOMAIN})/(?:@|users/)(?P<user>[a-z0-9_.-]+)/?$",
                                  re.I)
_X_PAGES = {"home", "search", "explore", "settings", "messages", "notifications", "i", "intent", "share"}
_POST_ID_RE = re.compile(r"^\d{1,25}$")
_URI_RE = re.compile(r"^(at://did:[a-z0-9:._-]+/app\.bsky\.feed\.post/[A-Za-z0-9._~:-]+|https?://\S+)$")


HIDE_HELP = ("{value} is not an account or a post: write an X handle (\"@name\"), a Bluesky handle "
             "(name.bsky.social) or DID, a Mastodon account (\"@name@server\"), a post's id or URI, or a "
             "link to a profile or a post (a bsky.app post link only with the author's DID in it)")


def hide_entry(value: str) -> str | None:
    """A ``hide:`` entry as it is matched (lowercase): a post id, a post's URI or an account; a
    link to a profile or post on x.com, bsky.app or a Mastodon server is read as what it names.
    None when it names nothing that can be hidden (a bsky.app post link with a handle in it,
    which only the network can turn into the post's URI)."""
    text = value.strip()
    if _POST_ID_RE.match(text):
        return text
    link = _X_LINK_RE.match(text)
    if link:
        if (link["handle"] or "").lower() in _X_PAGES:
            return None
        return link["post"] or (link["handle"].lower() if link["handle"] else None)
    link = _BLUESKY_LINK_RE.match(text)
    if link:
        account = NETWORKS["bluesky"].account(link["account"])
        if account is None or (link["post"] and not account.startswith("did:")):
            return None
        return f"at://{account}/app.bsky.feed.post/{link['post']}".lower() if link["post"] else account
    link = _MASTODON_PROFILE_RE.match(text)
    if link:
        account = NETWORKS["mastodon"].account(f"{link['user']}@{link['server']}")
        return account.lower() if account else None
    if _URI_RE.match(text):
        return text.lower()
    for network in NETWORKS.values():
        account = network.account(text)
        if account is not None:
            return account.lower()
    return None
