"""The invite kit page of each published chat, at ``chats/<slug>/invite/``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from ..kit.texts import KitItem, build_kit, built_kits
from ..model.chat import Chat, Hub, HubConfig
from ..model.networks import NETWORKS
from ..model.urls import invite_url
from .announcement import questions_visible
from .page import Page, fingerprint, network_list, page_translator

INTENT = "https://x.com/intent/post?text="

def intent_url(text: str) -> str:
    """X's web intent that opens the composer with ``text`` filled in."""
    return INTENT + quote(text, safe="")


@dataclass
class KitView:
    """A chat's kit, built only when its page is rendered (not on every planning pass), unless
    the build's check of the chat built it already (``kits``, by slug)."""

    chat: Chat
    config: HubConfig
    kits: dict[str, list[KitItem]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def items(self) -> list[KitItem]:
        return self.kits.pop(self.chat.slug, None) or build_kit(self.chat, self.config)

    def section(self, name: str, network: str | None = None) -> list[KitItem]:
        return [item for item in self.items if item.section == name
                and (network is None or item.network == network)]

    @property
    def several(self) -> bool:
        """Whether the chat runs on more than one network, or not on X alone."""
        return self.chat.networks != ["x"]

    def compose_url(self, item: KitItem) -> str:
        """"Post this": X's web intent, Bluesky's compose intent, or the share page of the first
        Mastodon server of the chat."""
        network = NETWORKS[item.network or "x"]
        return network.compose_url(item.text, self.chat.mastodon_instances[0])


def pages(hub: Hub) -> Iterator[Page]:
    config = hub.config
    kits = built_kits(hub)
    for chat in hub.published:
        visible = questions_visible(chat, hub)
        t = page_translator(hub, chat)
        yield Page(
            url=invite_url(chat),
            title=t.gettext("Invite kit: %(title)s", title=chat.title),
            template="chathub/invite.html",
            context={"chat": chat, "kit": KitView(chat, config, kits), "show_questions": visible,
                     "intent_url": intent_url, "noindex": True,
                     "networks_text": network_list(chat, t)},
            searchable=False,
            description=t.gettext(
                "Ready-made posts, run sheet, blog post and e-mail for the %(tag)s chat.", tag=chat.tag),
            key=fingerprint("invite", chat.source.read_bytes(), visible, config.site_url,
                            config.organization, config.site_name, config.language),
            language=t.tag,
            chat=chat.slug,
        )
