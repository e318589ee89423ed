"""The networks a chat happens on, and where each one shows the chat's hashtag live."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.chat import Chat
from ..model.networks import NETWORKS


@dataclass(frozen=True)
class HashtagLink:
    network: str  # x, bluesky, mastodon
    name: str
    url: str


def chat_networks(chat: Chat) -> list[str]:
    """The networks the chat happens on, in the order pages list them (its ``networks:``)."""
    return list(chat.networks)


def hashtag_links(chat: Chat) -> list[HashtagLink]:
    """The chat's hashtag on each of its networks, where people follow it live (Mastodon: on the
    chat's first server)."""
    return [HashtagLink(key, NETWORKS[key].label,
                        NETWORKS[key].hashtag_url(chat.tag, chat.mastodon_instances[0]))
            for key in chat_networks(chat)]
