"""The invite kit: every text a host needs to promote and run a chat, ready to post.

Texts come from plain-text Jinja templates (``chathub/kit/<key>.txt``; a hub overrides them in
``theme_overrides/chathub/kit/``, and for one language in ``theme_overrides/chathub/kit/fr/``)
or from the chat's own ``invite:`` overrides, which may use the same variables. The kit is
written in the chat's language: the templates' words go through its catalogue, and dates,
times and durations are Babel's for its locale. X posts always carry the hashtag, fit 280
weighted characters and never start with ``@``.
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

from ..i18n import jinja as i18n_jinja
from ..i18n.languages import writable
from ..i18n.translator import N_, Translator, translator_for
from ..model.chat import Chat, HubConfig, Person, Question
from ..model.markdown import plain_text, unwrap_paragraphs
from ..model.problems import HubError, Problem
from ..model.urls import calendar_path, chat_url
from ..resources import TEMPLATES
from .post_rules import cut_post, finish_post, fit_post, fits, tidy, weighted_length
from .runsheet import REMINDERS, plan_run_sheet, reminder_time
from .sandbox import BoundedSandbox, render_bounded

# Override key -> (kind, channel, label). ``q<N>`` keys (one question's post) are also allowed.
# Labels are translated into the chat's language when the kit is made.
TEXTS: dict[str, tuple[str, str, str]] = {
    "announce": ("announce", "x", N_("Announcement")),
    "reminder-week": ("reminder", "x", N_("Reminder: a week before")),
    "reminder-day": ("reminder", "x", N_("Reminder: a day before")),
    "reminder-hour": ("reminder", "x", N_("Reminder: an hour before")),
    "reminder-now": ("reminder", "x", N_("Reminder: starting now")),
    "dm": ("dm", "x", N_("Direct-message invitation")),
    "guest-invite": ("guest-invite", "x", N_("Invitation for guests and customers")),
    "welcome": ("welcome", "x", N_("Welcome")),
    "guest-intro": ("guest-intro", "x", N_("Guest introduction")),
    "question": ("question", "x", N_("Question")),
    "closing": ("closing", "x", N_("Closing")),
    "blog": ("blog", "blog", N_("Blog announcement (Markdown)")),
    "email": ("email", "email", N_("E-mail invitation")),
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
        _override_template(text, "en")
    except jinja2.TemplateSyntaxError as exc:
        return f"invite text is not a valid template: {exc.message} (line {exc.lineno} of the text)"
    except (RecursionError, MemoryError, SyntaxError):
        return "invite text is not a valid template: it is nested far too deeply"
    except jinja2.TemplateError as exc:
        return f"invite text is not a valid template: {exc}"
    return None


def kit_translator(chat: Chat, config: HubConfig) -> Translator:
    """What a chat's kit is written with: the chat's language (English when chathub has no
    catalogue for the hub's)."""
    return translator_for(writable(config.language_of(chat)))


def _environment(cls: type[jinja2.Environment], t: Translator, **options: Any) -> jinja2.Environment:
    env = cls(autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
              undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"], **options)
    i18n_jinja.install(env, t)
    env.filters.update(plain=plain_text, unwrap=unwrap_paragraphs)
    return env


@cache
def _text_env(dirs: tuple[Path, ...], language: str) -> jinja2.Environment:
    """Plain-text templates: no HTML escaping (these texts never go into a page unescaped)."""
    return _environment(jinja2.Environment, translator_for(language),
                        loader=jinja2.FileSystemLoader([str(d) for d in dirs]))


@cache
def _override_env(language: str) -> jinja2.Environment:
    """Chat files' own texts run sandboxed: they may read variables, not call into Python
    (the translator's methods are left out: only ``_()`` and the formatting filters), and their
    loops, numbers and output are bounded (``kit.sandbox``)."""
    env = _environment(BoundedSandbox, translator_for(language))
    env.globals.pop("translator", None)
    env.guard_filters()  # the formatting filters added above are bounded like the rest
    return env


def template_names(key: str, language: str) -> list[str]:
    """Where the kit's text ``key`` is looked for, in order: the language's own folder
    (``chathub/kit/fr-CA/``, then ``chathub/kit/fr/``), then ``chathub/kit/``; in each, the
    hub's ``theme_overrides/`` before chathub's own templates."""
    tags = [language]
    primary = language.split("-")[0]
    if primary != language:
        tags.append(primary)
    return [f"chathub/kit/{tag}/{key}.txt" for tag in tags] + [f"chathub/kit/{key}.txt"]


@lru_cache(maxsize=256)
def _override_template(text: str, language: str) -> jinja2.Template:
    return _override_env(language).from_string(text)


def template_dirs(config: HubConfig) -> tuple[Path, ...]:
    return tuple(d for d in (config.custom_dir, TEMPLATES) if d is not None)


def forget_templates() -> None:
    """Drop the compiled kit templates (a template file was added, removed or edited)."""
    _text_env.cache_clear()


def _when(moment: datetime, t: Translator) -> str:
    """A short date and time with the zone: "Thu, Dec 10, 13:00 EST", "jeu. 10 déc., 13 h 00 HNE"."""
    return t.gettext("%(date)s, %(time)s", date=t.date(moment, "MMMEd"), time=t.time(moment))


def _base_context(chat: Chat, config: HubConfig, t: Translator) -> dict[str, Any]:
    page = chat_url(chat)
    organization = f"@{config.organization}" if config.organization else ""
    return {
        "chat": chat,
        "title": chat.title,
        "tag": chat.tag,
        "link": config.absolute_url(page) if config.site_url else "",
        "calendar": config.absolute_url(calendar_path(chat)) if config.site_url else "",
        "when": _when(chat.start, t),
        "when_utc": t.time(chat.start_utc),
        "when_long": t.datetime(chat.start),
        "date": t.date(chat.start, "MMMMEEEEd"),
        "time": t.time(chat.start),
        "zone": chat.timezone,
        "duration": t.duration(chat.duration),
        "language": t.tag,
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


def _render_template(env: jinja2.Environment, names: list[str], context: dict[str, Any],
                     config: HubConfig) -> str:
    """Render the first kit template of ``names`` that exists; a broken one (say, in
    theme_overrides/) is a located HubError."""

    def shown(filename: str | None) -> str:
        return config.display_path(Path(filename)) if filename else names[-1]

    try:
        template = env.select_template(names)
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
        self.t = kit_translator(chat, config)
        self.env = _text_env(template_dirs(config), self.t.tag)
        self.base = _base_context(chat, config, self.t)

    def _render(self, key: str, template: str, context: dict[str, Any], notes: list[str]) -> str:
        override = self.chat.invite.get(key)
        if override is not None:
            try:
                return render_bounded(_override_template(override, self.t.tag), plain_context(context))
            except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
                    RecursionError, SyntaxError) as exc:  # {{ 1/0 }} and the like, too
                notes.append(f"invite text {key!r} could not be used: {exc}")
        return _render_template(self.env, template_names(template, self.t.tag), context, self.config)

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
        return KitItem(kind, channel, heading or self.t.gettext(default_label), text, at, key,
                       overridden, extra.get("number"), notes, too_long)


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
        heading = maker.t.gettext("Guest introduction: %(handle)s", handle=guest.at)
        items.append(maker.make("guest-intro", at=at, heading=heading,
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
