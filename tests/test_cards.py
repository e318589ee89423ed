"""Social cards: a PNG per announcement and recap, in the hub's colours, cached between builds."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from chatdoc import Doc
from conftest import CHAT
from PIL import Image

from chathub.pages import cards
from chathub.pages.palette import ACCENT, PRIMARY

SITE = {"site_url": "https://hub.example.org/tenants/"}
CACHE = (".cache", "chathub", "cards")


def _meta(soup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def _card_file(hub, url: str):
    image = _meta(hub.html(url), "og:image")
    assert image is not None, url
    path = urlsplit(image).path.removeprefix("/tenants/")
    return hub.site / path


def _hub(make_hub, theme=None, **options):
    site = dict(SITE)
    if theme:
        site["theme"] = {"name": "material", "font": False, **theme}
    hub = make_hub({"organization": "@HostCo", **options}, site=site)
    hub.add_chat("leases", CHAT)
    hub.add_chat("gone", CHAT.replace("2026-07-09", "2026-05-14").replace("Leases in 2027", "Gone chat"))
    Doc().write(hub.chats, "gone")
    return hub


def test_announcements_and_recaps_get_a_large_card(make_hub):
    hub = _hub(make_hub)
    hub.build()
    for url, file in (("chats/leases/", "chats/leases/card.png"), ("chats/gone/", "chats/gone/card.png"),
                      ("chats/gone/recap/", "chats/gone/recap/card.png")):
        soup = hub.html(url)
        assert _meta(soup, "twitter:card") == "summary_large_image"
        image = _meta(soup, "og:image")
        assert image.startswith(f"https://hub.example.org/tenants/{file}?v=")
        assert _meta(soup, "twitter:image") == image
        assert (_meta(soup, "og:image:width"), _meta(soup, "og:image:height")) == ("1200", "630")
        assert _meta(soup, "og:image:type") == "image/png"
        assert "#Tenants" in _meta(soup, "og:image:alt")
        with Image.open(hub.site / file) as png:
            assert png.format == "PNG" and png.size == (1200, 630)
        assert (hub.site / file).stat().st_size < 200_000


def test_the_card_is_in_the_hubs_colours(make_hub):
    hub = _hub(make_hub, theme={"palette": {"primary": "deep purple", "accent": "amber"}})
    hub.build()
    with Image.open(_card_file(hub, "chats/leases/")) as png:
        rgb = png.convert("RGB")
        background = "#{:02x}{:02x}{:02x}".format(*rgb.getpixel((20, 300)))
        bottom = "#{:02x}{:02x}{:02x}".format(*rgb.getpixel((600, 627)))
    assert background == PRIMARY["deep-purple"][0]
    assert bottom == ACCENT["amber"]


def test_a_chats_own_image_wins(make_hub):
    hub = _hub(make_hub)
    hub.add_chat("pic", CHAT.replace("2026-07-09", "2026-08-13") + "image: https://img.example.org/pic.png\n")
    hub.build()
    soup = hub.html("chats/pic/")
    assert _meta(soup, "og:image") == "https://img.example.org/pic.png"
    assert _meta(soup, "og:image:width") is None
    assert not (hub.site / "chats/pic/card.png").exists()


def test_social_cards_false_turns_them_off(make_hub):
    hub = _hub(make_hub, social_cards=False)
    hub.build()
    for url in ("chats/leases/", "chats/gone/recap/"):
        soup = hub.html(url)
        assert _meta(soup, "og:image") is None and _meta(soup, "twitter:card") == "summary"
    assert not list(hub.site.rglob("card.png"))
    assert not hub.root.joinpath(*CACHE).exists()


def test_cards_are_cached_and_drawn_again_only_when_their_inputs_change(make_hub, monkeypatch):
    hub = _hub(make_hub)
    hub.build()
    folder = hub.root.joinpath(*CACHE)
    first = {p.name: p.read_bytes() for p in folder.glob("*.png")}
    assert len(first) == 3  # two announcements and a recap
    drawn = []
    real = cards.draw_card
    monkeypatch.setattr(cards, "draw_card", lambda spec: drawn.append(spec.title) or real(spec))
    hub.build()
    assert drawn == []  # a warm cache draws nothing
    assert (hub.site / "chats/leases/card.png").read_bytes() in first.values()
    path = hub.chats / "leases.yml"
    path.write_text(path.read_text().replace("Leases in 2027", "Renewals in 2027"))
    hub.build()
    assert drawn == ["Renewals in 2027"]  # only the card whose title changed
    second = {p.name for p in folder.glob("*.png")}
    assert len(second) == 3 and len(second - set(first)) == 1  # the stale card is gone
    assert _meta(hub.html("chats/leases/"), "og:image") != _meta(hub.html("chats/gone/"), "og:image")


def test_a_changed_palette_draws_the_cards_again(make_hub):
    hub = _hub(make_hub)
    hub.build()
    before = set(p.name for p in hub.root.joinpath(*CACHE).glob("*.png"))
    config = hub.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("font: false", "font: false\n  palette: {primary: red}"))
    hub.build()
    after = set(p.name for p in hub.root.joinpath(*CACHE).glob("*.png"))
    assert before.isdisjoint(after) and len(after) == 3


def test_titles_the_font_cannot_draw_get_no_card(make_hub):
    hub = _hub(make_hub)
    hub.add_chat("cjk", CHAT.replace("2026-07-09", "2026-08-13").replace("Leases in 2027", "租约 2027"))
    hub.build()
    soup = hub.html("chats/cjk/")
    assert _meta(soup, "og:image") is None and _meta(soup, "twitter:card") == "summary"


@pytest.mark.parametrize("title", ["A" * 300, "Supercalifragilisticexpialidocious" * 6, "Short"])
def test_long_titles_are_wrapped_and_cut_within_the_card(title):
    from chathub.pages.cards import _fit_title, _font

    font, lines = _fit_title(title, 1040)
    assert 1 <= len(lines) <= 3
    assert all(font.getlength(line) <= 1040 for line in lines)
    if len(title) > 100:
        assert lines[-1].endswith("…")
    assert _font("Bold", 76).size == 76
