"""The networks a chat happens on, and where each one shows the chat's hashtag live."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..model.chat import Chat

# Network key -> (name, hashtag page with {tag} for the URL-quoted "#Hashtag").
NETWORKS = {
    "x": ("X", "https://x.com/search?q={tag}&f=live"),
}


@dataclass(frozen=True)
class HashtagLink:
    network: str  # key in NETWORKS
    name: str
    url: str


def chat_networks(chat: Chat) -> list[str]:
    """The networks the chat happens on, in the order pages list them (today every chat is on X)."""
    return ["x"]


def hashtag_links(chat: Chat) -> list[HashtagLink]:
    """The chat's hashtag on each of its networks, where people follow it live."""
    links = []
    for key in chat_networks(chat):
        name, pattern = NETWORKS[key]
        links.append(HashtagLink(key, name, pattern.format(tag=quote(chat.tag, safe=""))))
    return links
