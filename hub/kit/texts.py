"""The invite kit: every text a host needs to promote and run a chat, ready to post.

Texts come from plain-text Jinja templates (``chathub/kit/<key>.txt``; a hub overrides them in
``theme_overrides/chathub/kit/``) or from the chat's own ``invite:`` overrides, which may use the
same variables. X posts always carry the hashtag, fit 280 weighted characters and never start
with ``@``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..model.chat import Chat, HubConfig, Person, Question
from ..model.durations import duration_text
from ..model.markdown import plain_text, unwrap_paragraphs
from ..model.problems import HubError, Problem
from ..model.urls import calendar_path, chat_url
from ..resources import TEMPLATES
from .post_rules import cut_post, finish_post, fit_post, fits, tidy, weighted_length
from .runsheet import REMINDERS, plan_run_sheet, reminder_time

# Override key -> (kind, channel, label). ``q<N>`` keys (one question's post) are also allowed.
TEXTS: dict[str, tuple[str, str, str]] = {
    "announce": ("announce", "x", "Announcement"),
    "reminder-week": ("reminder", "x", "Reminder: a week before"),
    "reminder-day": ("reminder", "x", "Reminder: a day before"),
    "reminder-hour": ("reminder", "x", "Reminder: an hour before"),
    "reminder-now": ("reminder", "x", "Reminder: starting now"),
    "dm": ("dm", "x", "Direct-message invitation"),
    "guest-invite": ("guest-invite", "x", "Invitation for guests and customers"),
    "welcome": ("welcome", "x", "Welcome"),
    "guest-intro": ("guest-intro", "x", "Guest introduction"),
    "question": ("question", "x", "Question"),
    "closing": ("closing", "x", "Closing"),
    "blog": ("blog", "blog", "Blog announcement (Markdown)"),
    "email": ("email", "email", "E-mail invitation"),
}
QUESTION_KEY = re.compile(r"^q([1-9]\d{0,2})$")
# Which value each kind of X post may shorten to fit 280 characters.
SHRINK = {"guest-intro": "bio", "question": "text", "closing": "followup"}
PROMOTION = ("announce", "reminder", "dm", "guest-invite")
RUN_SHEET = ("welcome", "guest-intro", "question", "closing")


@dataclass
class KitItem:
    """One ready-made text of the kit."""

    kind: str  # announce, reminder, dm, guest-invite, welcome, guest-intro, question, closing, blog, email
    channel: str  # x, blog or email
    label: str  # what it is, for people: "Reminder: a day before", "Q2", "Guest introduction: @x"
    text: str
    at: datetime | None = None  # aware, in the chat's zone, for a post meant for a moment
    key: str = ""  # the ``invite:`` key that overrides it
    overridden: bool = False
    number: int | None = None  # the question's number (kind ``question``) or guest's (``guest-intro``)
    notes: list[str] = field(default_factory=list)  # overrides that failed (see check_kit)
    too_long: int = 0  # for X: the weighted length before it was shortened to fit (0: no need)

    @property
    def weighted_length(self) -> int | None:
        return weighted_length(self.text) if self.channel == "x" else None

    @property
    def fits(self) -> bool:
        return self.channel != "x" or fits(self.text)

    @property
    def section(self) -> str:
        if self.kind in PROMOTION:
            return "promotion"
        return "run-sheet" if self.kind in RUN_SHEET else self.channel

    def to_json(self) -> dict[str, Any]:
        """The item as ``chathub invite --json`` prints it."""
        return {
            "kind": self.kind,
            "channel": self.channel,
            "label": self.label,
            "text": self.text,
            "weighted_length": self.weighted_length,
            "at": self.at.isoformat() if self.at else None,
        }


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be an ``invite:`` key, or None when it can."""
    if key in TEXTS or QUESTION_KEY.match(key):
        return None
    close = difflib.get_close_matches(key, list(TEXTS), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(TEXTS)}, q1, q2…"
    return f"unknown invite text {key!r}; {hint}"


def text_problem(text: str) -> str | None:
    """Why an override cannot be a template, or None when it can."""
    try:
        _override_env().parse(text)
    except jinja2.TemplateSyntaxError as exc:
        return f"invite text is not a valid template: {exc.message} (line {exc.lineno} of the text)"
    return None


def _environment(cls: type[jinja2.Environment], **options: Any) -> jinja2.Environment:
    env = cls(autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
              undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"], **options)
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(duration=duration_text, plain=plain_text, unwrap=unwrap_paragraphs)
    return env


@cache
def _text_env(dirs: tuple[Path, ...]) -> jinja2.Environment:
    """Plain-text templates: no HTML escaping (these texts never go into a page unescaped)."""
    return _environment(jinja2.Environment, loader=jinja2.FileSystemLoader([str(d) for d in dirs]))


@cache
def _override_env() -> jinja2.Environment:
    """Chat files' own texts run sandboxed: they may read variables, not call into Python."""
    return _environment(ImmutableSandboxedEnvironment)


@lru_cache(maxsize=256)
def _override_template(text: str) -> jinja2.Template:
    return _override_env().from_string(text)


def template_dirs(config: HubConfig) -> tuple[Path, ...]:
    return tuple(d for d in (config.custom_dir, TEMPLATES) if d is not None)


def forget_templates() -> None:
    """Drop the compiled kit templates (a template file was added, removed or edited)."""
    _text_env.cache_clear()


def _when(moment: datetime) -> str:
    return f"{moment:%a %-d %b}, {moment:%H:%M %Z}"


def _base_context(chat: Chat, config: HubConfig) -> dict[str, Any]:
    page = chat_url(chat)
    organization = f"@{config.organization}" if config.organization else ""
    return {
        "chat": chat,
        "title": chat.title,
        "tag": chat.tag,
        "link": config.absolute_url(page) if config.site_url else "",
        "calendar": config.absolute_url(calendar_path(chat)) if config.site_url else "",
        "when": _when(chat.start),
        "when_utc": f"{chat.start_utc:%H:%M} UTC",
        "when_long": f"{chat.start:%A %-d %B %Y, %H:%M %Z}",
        "date": f"{chat.start:%A %-d %B}",
        "time": f"{chat.start:%H:%M %Z}",
        "zone": chat.timezone,
        "duration": duration_text(chat.duration),
        "host": chat.host,
        "moderators": [p.at for p in chat.moderators],
        "guests": chat.guests,
        "organization": organization,
        "about": plain_text(chat.about),
        "followup": plain_text(chat.followup),
        "show_questions": not chat.hide_questions,
        "questions": chat.questions,
    }


def _plain(value: Any) -> Any:
    """``value`` as plain data (text, numbers, lists, mappings): what a YAML override may see.

    Overrides come from chat files, so they never get live objects: no paths or methods that
    could read files or the environment (and so leak a token onto the site).
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Person):
        return {"handle": value.handle, "at": value.at, "name": value.name, "bio": value.bio,
                "url": value.url, "display_name": value.display_name,
                "profile_url": value.profile_url}
    if isinstance(value, Question):
        return {"number": value.number, "label": value.label, "text": value.text,
                "minutes": value.minutes}
    if isinstance(value, Chat):
        return {name: _plain(getattr(value, name)) for name in (
            "slug", "title", "hashtag", "tag", "timezone", "duration", "description", "about",
            "followup", "start", "start_utc", "end", "host", "moderators", "guests", "questions")}
    return str(value)


def plain_context(context: dict[str, Any]) -> dict[str, Any]:
    """The template context of a kit text, as plain data for a YAML override."""
    return {key: _plain(value) for key, value in context.items()}


def _render_template(env: jinja2.Environment, name: str, context: dict[str, Any],
                     config: HubConfig) -> str:
    """Render a kit template; a broken one (say, in theme_overrides/) is a located HubError."""

    def shown(filename: str | None) -> str:
        return config.display_path(Path(filename)) if filename else name

    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise HubError([Problem(shown(exc.filename), exc.lineno, 1, exc.message or str(exc))]) from None
    try:
        return template.render(context)
    except jinja2.TemplateError as exc:
        line, tb = 1, exc.__traceback__
        while tb is not None:  # Jinja maps template frames to the template's own lines
            if tb.tb_frame.f_code.co_filename == template.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        raise HubError([Problem(shown(template.filename), line, 1, str(exc))]) from None


class _Maker:
    """Renders one chat's texts, applying its overrides and X's rules."""

    def __init__(self, chat: Chat, config: HubConfig) -> None:
        self.chat = chat
        self.config = config
        self.env = _text_env(template_dirs(config))
        self.base = _base_context(chat, config)

    def _render(self, key: str, template: str, context: dict[str, Any], notes: list[str]) -> str:
        override = self.chat.invite.get(key)
        if override is not None:
            try:
                return _override_template(override).render(plain_context(context))
            except jinja2.TemplateError as exc:
                notes.append(f"invite text {key!r} could not be used: {exc}")
        return _render_template(self.env, f"chathub/kit/{template}.txt", context, self.config)

    def make(self, key: str, at: datetime | None = None, template: str | None = None,
             heading: str | None = None, **extra: Any) -> KitItem:
        kind, channel, default_label = TEXTS[template or key]
        notes: list[str] = []
        context = {**self.base, **extra}
        overridden = key in self.chat.invite

        def render(value: str | None) -> str:
            shrink = SHRINK.get(kind, "title")
            ctx = context if value is None else {**context, shrink: value}
            text = self._render(key, template or key, ctx, notes if value is None else [])
            return finish_post(text, self.chat.tag) if channel == "x" else tidy(text)

        text = render(None)
        too_long = 0
        if channel == "x" and not fits(text):
            too_long = weighted_length(text)
            text, _ = fit_post(render, str(context.get(SHRINK.get(kind, "title")) or ""))
            if not fits(text):
                text = cut_post(text, self.chat.tag)
        return KitItem(kind, channel, heading or default_label, text, at, key, overridden,
                       extra.get("number"), notes, too_long)


def _person_line(person: Person) -> str:
    return f"{person.name} ({person.at})" if person.name else person.at


def build_kit(chat: Chat, config: HubConfig) -> list[KitItem]:
    """Every text of a chat's kit: promotion, run sheet, blog post and e-mail, in that order."""
    maker = _Maker(chat, config)
    sheet = plan_run_sheet(chat)
    items = [maker.make("announce")]
    items += [maker.make(key, at=reminder_time(chat, key)) for key in REMINDERS]
    items += [maker.make("dm"), maker.make("guest-invite"), maker.make("welcome", at=sheet.welcome)]
    for number, (guest, at) in enumerate(zip(chat.guests, sheet.intros, strict=True), start=1):
        items.append(maker.make("guest-intro", at=at, heading=f"Guest introduction: {guest.at}",
                                number=number, guest=guest, bio=guest.bio,
                                person=_person_line(guest)))
    for slot in sheet.slots:
        q = slot.question
        key = f"q{q.number}" if f"q{q.number}" in chat.invite else "question"
        items.append(maker.make(key, at=slot.at, template="question", heading=q.label,
                                number=q.number, label=q.label, question=q, text=q.text,
                                minutes=slot.minutes))
    items.append(maker.make("closing", at=sheet.closing))
    items += [maker.make("blog"), maker.make("email")]
    return items
