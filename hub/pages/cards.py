"""Social card images: a PNG for each announcement and recap (Open Graph and X's large card).

Each card shows the chat's title, its date and time with the zone, the hashtag and the host, in
the hub's colours (Material's palette in ``mkdocs.yml``), drawn with Pillow in Source Sans Pro (a
font that ships in a PyPI package, so a build needs no network). Cards are cached between builds
in ``.cache/chathub/cards/`` under the hub's root, named by a digest of everything drawn on
them: a card whose inputs changed is drawn again, and cards no build uses any more are removed.
A chat's own ``image:`` wins over its card; the option ``social_cards: false`` turns cards off.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..analysis.community import analyze_hub
from ..kept_files import forget_unused, keep_file
from ..model.chat import Chat, Hub
from ..model.urls import chat_url, recap_url
from .page import Asset, page_translator
from .palette import WHITE, Colours, hub_colours, mix

log = logging.getLogger("mkdocs.plugins.chathub")

WIDTH, HEIGHT = 1200, 630
CACHE = Path(".cache") / "chathub" / "cards"  # under the hub's root
DRAWING = "1"  # change when the drawing changes, so that cached cards are drawn again
MARGIN = 80


@dataclass(frozen=True)
class CardSpec:
    """Everything a card shows, and where it goes in the site."""

    path: str  # site path of the PNG
    site_name: str
    label: str  # "Recap", or "" for an announcement
    title: str
    when: str
    tag: str
    host: str
    initials: str
    figures: str
    colours: Colours

    @property
    def key(self) -> str:
        """A digest of what the card shows and how it is drawn: its cache file's name."""
        digest = hashlib.sha256()
        for part in (DRAWING, _font_identity(), WIDTH, HEIGHT, self.site_name, self.label, self.title,
                     self.when, self.tag, self.host, self.initials, self.figures, self.colours):
            digest.update(repr(part).encode())
            digest.update(b"\0")
        return digest.hexdigest()[:24]

    alt: str = ""  # the card in words, for og:image:alt


def card_path(chat: Chat, kind: str) -> str:
    """Site path of a chat's card: ``chats/<slug>/card.png`` or ``chats/<slug>/recap/card.png``."""
    return (recap_url(chat) if kind == "recap" else chat_url(chat)) + "card.png"


def card_spec(hub: Hub, chat: Chat, kind: str) -> CardSpec | None:
    """The card of a chat's announcement or recap, or None when cards are off, the chat brings
    its own image, or the font cannot draw its text (a script Source Sans Pro lacks). Worked out
    once a build: the pages, their head tags and the cards' files all ask."""
    if not hub.config.social_cards or chat.image:
        return None
    made = hub.cache.setdefault("cards", {})
    found = made.get((kind, chat.slug))
    if found is None or found[0] is not chat:
        found = made[(kind, chat.slug)] = (chat, _card_spec(hub, chat, kind))
    return found[1]


def _card_spec(hub: Hub, chat: Chat, kind: str) -> CardSpec | None:
    t = page_translator(hub, chat)  # the card is in the chat's language, as its pages
    figures = ""
    if kind == "recap":
        analysis = analyze_hub(hub).chats.get(chat.slug)
        if analysis is None:
            return None
        figures = " · ".join((
            t.ngettext("%(num)s post", "%(num)s posts", analysis.figures.posts),
            t.ngettext("%(num)s participant", "%(num)s participants", analysis.figures.participants)))
    host = chat.host.display_name + (f" ({chat.host.at})" if chat.host.name else "")
    when = f"{t.datetime(chat.start)} ({chat.timezone})"
    spec = CardSpec(
        path=card_path(chat, kind),
        site_name=hub.config.site_name,
        label=t.gettext("Recap") if kind == "recap" else "",
        title=chat.title,
        when=when,
        tag=chat.tag,
        host=t.gettext("Hosted by %(host)s", host=host),
        initials=(chat.host.name or chat.host.handle)[:1].upper(),
        figures=figures,
        colours=hub_colours(hub.config),
        alt=t.gettext("%(title)s: %(tag)s chat, %(when)s, hosted by %(host)s", title=chat.title,
                      tag=chat.tag, when=when, host=host),
    )
    texts = (spec.site_name, spec.title, spec.when, spec.tag, spec.host, spec.figures)
    if not all(_drawable(text) for text in texts):
        log.info("chathub: no social card for %s (its text uses characters the card font lacks); "
                 "set image: in the chat file for one", card_path(chat, kind))
        return None
    return spec


def social_card(hub: Hub, chat: Chat, kind: str) -> dict[str, str]:
    """The Open Graph values of a page about ``chat``: the chat's own image, or its card."""
    if chat.image:
        return {"type": "article", "image": chat.image}
    spec = card_spec(hub, chat, kind)
    if spec is None:
        return {"type": "article"}
    return {"type": "article", "card": spec.path, "card_version": spec.key[:12],
            "image_width": str(WIDTH), "image_height": str(HEIGHT), "image_alt": spec.alt}


def card_specs(hub: Hub) -> Iterator[CardSpec]:
    """Every card of the hub: each announcement's, and each recap's."""
    analyses = analyze_hub(hub).chats if hub.config.social_cards else {}
    for chat in hub.published:
        for kind in ("announcement", "recap"):
            if kind == "recap" and chat.slug not in analyses:
                continue
            spec = card_spec(hub, chat, kind)
            if spec is not None:
                yield spec


def files(hub: Hub) -> Iterator[Asset]:
    """The cards' PNG files, from the cache when they are there; stale cache files are removed."""
    if not hub.config.social_cards:
        return
    folder = hub.config.root / CACHE
    used: set[str] = set()
    for spec in card_specs(hub):
        name = f"{spec.key}.png"
        used.add(name)
        path = folder / name
        if path.is_file():  # copied from the cache by MkDocs: a hub's cards are never all in memory
            yield Asset(spec.path, b"", source=path)
        else:
            yield Asset(spec.path, _cached_png(path, spec))
    forget_unused(folder, "*.png", used)


def _cached_png(path: Path, spec: CardSpec) -> bytes:
    data = draw_card(spec)
    keep_file(path, data, "a social card")  # else drawn again at the next build
    return data


# --- drawing ---------------------------------------------------------------------------------

def _font_file(weight: str) -> str:
    import font_source_sans_pro

    return font_source_sans_pro.font_files_ttf["SourceSansPro" + weight]


@cache
def _font_identity() -> tuple[str, ...]:
    files = [_font_file(weight) for weight in ("Bold", "Semibold", "")]
    return tuple(f"{Path(path).name}:{os.path.getsize(path)}" for path in files)


@cache
def _font(weight: str, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(weight), size)


@cache
def _missing_glyph() -> tuple[tuple[int, int], bytes]:
    mask = _font("Bold", 40).getmask("\U0010fffd")  # a private-use character no font draws
    return mask.size, bytes(mask)


@cache
def _has_glyph(char: str) -> bool:
    if char.isspace():
        return True
    mask = _font("Bold", 40).getmask(char)
    return (mask.size, bytes(mask)) != _missing_glyph()


def _drawable(text: str) -> bool:
    """Whether the card's font has every character of ``text``."""
    return all(_has_glyph(char) for char in text)


def _wrap(text: str, font, width: int, max_lines: int) -> list[str]:  # type: ignore[no-untyped-def]
    """``text`` in lines no wider than ``width``; the last line ends with "…" when it is cut."""
    lines: list[str] = []
    words = text.split()
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > width:  # one word wider than the card: break it
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
        if len(lines) >= max_lines:
            rest = " ".join([current, *words[index + 1 :]])
            return _ellipsize(lines[:max_lines], rest, font, width)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        return _ellipsize(lines[:max_lines], " ".join(lines[max_lines:]), font, width)
    return lines


def _ellipsize(lines: list[str], rest: str, font, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    last = f"{lines[-1]} {rest}".strip() if rest else lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    return [*lines[:-1], last + "…"]


def _fit_title(title: str, width: int) -> tuple[object, list[str]]:
    """The largest title size (76 px down to 48) at which the title takes at most three lines."""
    for size in (76, 70, 64, 58, 52):
        font = _font("Bold", size)
        lines = _wrap(title, font, width, 99)
        if len(lines) <= 3:
            return font, lines
    font = _font("Bold", 48)
    return font, _wrap(title, font, width, 3)


def draw_card(spec: CardSpec) -> bytes:
    """The card as PNG bytes (1200 × 630)."""
    from PIL import Image, ImageDraw

    c = spec.colours
    image = Image.new("RGB", (WIDTH, HEIGHT), c.primary)
    draw = ImageDraw.Draw(image)
    # A quiet disc behind the top right corner, and the accent colour along the bottom.
    draw.ellipse((WIDTH - 330, -260, WIDTH + 230, 300), fill=_blend(c.on_primary, c.primary, 0.10))
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=c.accent)
    text_width = WIDTH - 2 * MARGIN
    muted = _blend(c.on_primary, c.primary, 0.82)
    on_pill = c.ink if c.on_primary == WHITE else c.primary  # text on the pills (on_primary)

    y = 64
    header = _font("Semibold", 30)
    x = MARGIN
    if spec.label:
        label_font = _font("Bold", 26)
        label_width = int(label_font.getlength(spec.label.upper())) + 32
        draw.rounded_rectangle((x, y - 2, x + label_width, y + 38), radius=19, fill=c.on_primary)
        draw.text((x + 16, y + 18), spec.label.upper(), font=label_font, fill=on_pill, anchor="lm")
        x += label_width + 18
    draw.text((x, y + 18), _wrap(spec.site_name, header, WIDTH - MARGIN - x, 1)[0], font=header,
              fill=muted, anchor="lm")

    title_font, lines = _fit_title(spec.title, text_width)
    line_height = int(title_font.size * 1.12)
    y = 140
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=c.on_primary)
        y += line_height
    y += 18
    when_font = _font("Semibold", 34)
    draw.text((MARGIN, y), _wrap(spec.when, when_font, text_width, 1)[0], font=when_font, fill=c.on_primary)
    if spec.figures:
        y += 48
        draw.text((MARGIN, y), spec.figures, font=_font("", 30), fill=muted)

    # The bottom row: the host's initials and name, the hashtag in a pill on the right.
    base = HEIGHT - 96
    draw.ellipse((MARGIN, base - 32, MARGIN + 64, base + 32), fill=c.on_primary)
    draw.text((MARGIN + 32, base), spec.initials, font=_font("Bold", 32), fill=on_pill, anchor="mm")
    tag_font = _font("Bold", 36)
    tag = _wrap(spec.tag, tag_font, 420, 1)[0]
    tag_width = int(tag_font.getlength(tag)) + 48
    draw.rounded_rectangle((WIDTH - MARGIN - tag_width, base - 32, WIDTH - MARGIN, base + 32), radius=32,
                           fill=c.on_primary)
    draw.text((WIDTH - MARGIN - tag_width / 2, base), tag, font=tag_font, fill=on_pill, anchor="mm")
    host_font = _font("Semibold", 30)
    host_room = WIDTH - 2 * MARGIN - tag_width - 64 - 24 - 24
    draw.text((MARGIN + 64 + 20, base), _wrap(spec.host, host_font, host_room, 1)[0], font=host_font,
              fill=c.on_primary, anchor="lm")

    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _blend(colour: str, background: str, share: float) -> str:
    return mix(colour, background, share)
