"""The hub's colours, from Material's palette in ``mkdocs.yml``, and accessible variants of them.

Material names its colours (``teal``, ``deep-orange``…); the values below are those of Material
9's stylesheets. chathub's own badges, buttons and social cards use them, darkened where needed
so that text on them keeps a contrast of at least 4.5:1 (WCAG AA).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..model.chat import HubConfig

WHITE = "#ffffff"
DARK_TEXT = "#212121"  # Material's rgba(0, 0, 0, .87) on white
# Material 9: --md-primary-fg-color, and whether text on it is dark (--md-primary-bg-color).
PRIMARY = {
    "red": ("#ef5552", False), "pink": ("#e92063", False), "purple": ("#ab47bd", False),
    "deep-purple": ("#7e56c2", False), "indigo": ("#4051b5", False), "blue": ("#2094f3", False),
    "light-blue": ("#02a6f2", False), "cyan": ("#00bdd6", False), "teal": ("#009485", False),
    "green": ("#4cae4f", False), "light-green": ("#8bc34b", False), "lime": ("#cbdc38", True),
    "yellow": ("#ffec3d", True), "amber": ("#ffc105", True), "orange": ("#ffa724", True),
    "deep-orange": ("#ff6e42", False), "brown": ("#795649", False), "grey": ("#757575", False),
    "blue-grey": ("#546d78", False), "black": ("#141518", False), "white": ("#ffffff", True),
}
# Material 9: --md-accent-fg-color.
ACCENT = {
    "red": "#ff1a47", "pink": "#f50056", "purple": "#df41fb", "deep-purple": "#7c4dff",
    "indigo": "#526cfe", "blue": "#4287ff", "light-blue": "#0091eb", "cyan": "#00bad6",
    "teal": "#00bda4", "green": "#00c753", "light-green": "#63de17", "lime": "#b0eb00",
    "yellow": "#ffd500", "amber": "#ffaa00", "orange": "#ff9100", "deep-orange": "#ff6e42",
}
DEFAULT = "indigo"  # Material's default, also for "custom" colours chathub cannot know


@dataclass(frozen=True)
class Colours:
    primary: str  # the header's colour
    on_primary: str  # text on it
    accent: str
    tint: str  # a light wash of the primary colour, for badges
    ink: str  # the primary colour, darkened until text in it reads on white and on the tint


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``share`` of ``colour`` over ``other``."""
    return _hex(tuple(a * share + b * (1 - share) for a, b in zip(_rgb(colour), _rgb(other), strict=True)))


def readable_on(background: str, colour: str, minimum: float = 4.6) -> str:
    """``colour``, darkened step by step until it reaches ``minimum`` contrast on ``background``."""
    for step in range(21):
        candidate = mix(colour, "#000000", 1 - step * 0.05)
        if contrast(candidate, background) >= minimum:
            return candidate
    return "#000000"


def hub_colours(config: HubConfig) -> Colours:
    """The colours of the hub's palette (every page's head asks: worked out once per palette)."""
    return palette_colours(*config.palette)


@cache
def palette_colours(primary_name: str, accent_name: str) -> Colours:
    primary, dark_text = PRIMARY.get(primary_name, PRIMARY[DEFAULT])
    accent = ACCENT.get(accent_name, ACCENT[DEFAULT])
    tint = mix(primary, WHITE, 0.14) if primary != WHITE else "#eeeeee"
    return Colours(primary=primary, on_primary=DARK_TEXT if dark_text else WHITE, accent=accent,
                   tint=tint, ink=readable_on(tint, primary))
