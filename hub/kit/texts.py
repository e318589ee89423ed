"""The invite kit: every text a host needs to promote and run a chat, ready to post.

Texts come from plain-text Jinja templates (``chathub/kit/<key>.txt``; a hub overrides them in
``theme_overrides/chathub/kit/``, and for one language in ``theme_overrides/chathub/kit/fr/``)
or from the chat's own ``invite:`` overrides, which may use the same variables. The kit is
written in the chat's language: the templates' words go through its catalogue, and dates,
times and durations are Babel's for its locale. Every post of the kit exists for each network of
the chat, always carries the hashtag and fits that network's limit as it counts (X: 280 weighted
characters, never starting with ``@``; Bluesky: 300 graphemes; Mastodon: 500, URLs as 23).
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
from babel.lists import format_list

from ..i18n import jinja as i18n_jinja
from ..i18n.languages import writable
from ..i18n.translator import N_, Translator, translator_for
from ..model.chat import Chat, Hub, HubConfig, Person, Question
from ..model.markdown import plain_text, safe_markdown, unwrap_paragraphs
from ..model.networks import NETWORKS
from ..model.problems import HubError, Problem
from ..model.urls import calendar_path, chat_url
from ..resources import TEMPLATES
from .post_rules import (
    cut_post,
    finish_post,
    fit_post,
    fits_on,
    post_length,
    post_limit,
    tidy,
    weighted_length,
)
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
    channel: str  # x, bluesky, mastodon (a post), blog or email
    label: str  # what it is, for people: "Reminder: a day before", "Q2", "Guest introduction: @x"
    text: str
    at: datetime | None = None  # aware, in the chat's zone, for a post meant for a moment
    key: str = ""  # the ``invite:`` key that overrides it
    overridden: bool = False
    number: int | None = None  # the question's number (kind ``question``) or guest's (``guest-intro``)
    notes: list[str] = field(default_factory=list)  # overrides that failed (see check_kit)
    too_long: int = 0  # a post's length before it was shortened to fit (0: no need)
    limit: int | None = None  # a post's limit on its network

    @property
    def network(self) -> str | None:
        """The network a post is for; None for the blog post and the e-mail."""
        return self.channel if self.channel in NETWORKS else None

    @property
    def weighted_length(self) -> int | None:
        return weighted_length(self.text) if self.channel == "x" else None

    @property
    def length(self) -> int | None:
        """The post's length as its network counts it."""
        return post_length(self.text, self.channel) if self.network else None

    @property
    def fits(self) -> bool:
        return self.network is None or (self.length or 0) <= (self.limit or 0)

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
            "network": self.network,
            "length": self.length,
            "limit": self.limit,
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
    return _environment(jinja2.Environment, translator_for(language), auto_reload=False,
                        loader=jinja2.FileSystemLoader([str(d) for d in dirs]))


@cache
def _selected(env: jinja2.Environment, names: tuple[str, ...]) -> jinja2.Template:
    """The first of ``names`` that exists, looked for once per environment (a kit renders some
    thirty texts a chat, each looked for in the language's folders first)."""
    return env.select_template(list(names))


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
    _selected.cache_clear()


@dataclass(frozen=True)
class PersonView:
    """A person as one network's posts name them: ``at`` is their mention there (their name, when
    they have no account on that network)."""

    person: Person
    network: str

    @property
    def handle(self) -> str:
        return self.person.account(self.network) or self.person.handle

    @property
    def at(self) -> str:
        account = self.person.account(self.network)
        if account:
            return NETWORKS[self.network].at(account)
        return self.person.name or self.person.at

    @property
    def profile_url(self) -> str:
        account = self.person.account(self.network)
        return NETWORKS[self.network].profile_url(account) if account else self.person.profile_url

    @property
    def display_name(self) -> str:
        return self.person.name or self.at

    def __getattr__(self, name: str) -> Any:  # name, bio, url, avatar, accounts…
        return getattr(self.person, name)


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
    if isinstance(value, Person | PersonView):
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
        template = _selected(env, tuple(names))
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


def _network_context(chat: Chat, network: str | None, t: Translator) -> dict[str, Any]:
    """What a text for ``network`` (None: the blog post and the e-mail) says of networks and
    people: ``network`` (its label, or every label of the chat), ``networks``, and the people as
    that network's posts mention them."""
    names = [NETWORKS[n].label for n in chat.networks]
    labels = names[0] if len(names) == 1 else format_list(names, locale=t.locale)
    links = [{"name": n, "label": NETWORKS[n].label,
              "hashtag_url": NETWORKS[n].hashtag_url(chat.tag, chat.mastodon_instances[0])}
             for n in chat.networks]
    markdown = [f"[{link['label']}]({link['hashtag_url']})" for link in links]
    context: dict[str, Any] = {
        "network": NETWORKS[network].label if network else labels, "networks": labels,
        "network_links": links,
        "network_links_markdown": markdown[0] if len(markdown) == 1 else format_list(
            markdown, style="or", locale=t.locale)}
    if network is not None and network != "x":
        context.update(host=PersonView(chat.host, network),
                       moderators=[PersonView(p, network).at for p in chat.moderators],
                       guests=[PersonView(p, network) for p in chat.guests])
    return context


class _Maker:
    """Renders one chat's texts for one network (or none), applying its overrides and the
    network's rules."""

    def __init__(self, chat: Chat, config: HubConfig, network: str | None = "x") -> None:
        self.chat = chat
        self.config = config
        self.t = kit_translator(chat, config)
        self.env = _text_env(template_dirs(config), self.t.tag)
        self.base = _base_context(chat, config, self.t)
        self.network = network
        self.base = {**self.base, **_network_context(chat, network, self.t)}
        self.fits = fits_on(network or "x", config.mastodon_max_characters)

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
        post = channel == "x"  # a post, for this maker's network
        network = self.network or "x"
        if post:
            channel = network
        notes: list[str] = []
        context = {**self.base, **extra}
        overridden = key in self.chat.invite

        def render(value: str | None) -> str:
            shrink = SHRINK.get(kind, "title")
            ctx = context if value is None else {**context, shrink: value}
            text = self._render(key, template or key, ctx, notes if value is None else [])
            if post:
                return finish_post(text, self.chat.tag, network)
            return tidy(safe_markdown(text) if channel == "blog" else text)

        text = render(None)
        too_long = 0
        if post and not self.fits(text):
            too_long = post_length(text, network)
            text, _ = fit_post(render, str(context.get(SHRINK.get(kind, "title")) or ""), self.fits)
            if not self.fits(text):
                text = cut_post(text, self.chat.tag, network, self.fits)
        limit = post_limit(network, self.config.mastodon_max_characters) if post else None
        return KitItem(kind, channel, heading or self.t.gettext(default_label), text, at, key,
                       overridden, extra.get("number"), notes, too_long, limit)




def _person_line(person: Person | PersonView) -> str:
    """``Name (@account)``; the name alone for someone without an account on the post's network
    (whose ``at`` is then their name)."""
    return f"{person.name} ({person.at})" if person.name and person.at != person.name else person.at


def built_kits(hub: Hub) -> dict[str, list[KitItem]]:
    """The kits built so far in this build, by chat slug: the kit check builds each chat's kit,
    and its invite page shows that one rather than building it again."""
    return hub.cache.setdefault("kits", {})


def build_kit(chat: Chat, config: HubConfig) -> list[KitItem]:
    """Every text of a chat's kit: promotion, run sheet, blog post and e-mail, in that order; each
    post once for each network of the chat, in the order of its ``networks``."""
    makers = [_Maker(chat, config, network) for network in chat.networks]
    sheet = plan_run_sheet(chat)

    def each(key: str, **options: Any) -> list[KitItem]:
        return [maker.make(key, **options) for maker in makers]

    items = each("announce")
    for key in REMINDERS:
        items += each(key, at=reminder_time(chat, key))
    items += [*each("dm"), *each("guest-invite"), *each("welcome", at=sheet.welcome)]
    for number, (guest, at) in enumerate(zip(chat.guests, sheet.intros, strict=True), start=1):
        for maker in makers:
            view = PersonView(guest, maker.network or "x")
            heading = maker.t.gettext("Guest introduction: %(handle)s", handle=guest.at)
            items.append(maker.make("guest-intro", at=at, heading=heading, number=number, guest=view,
                                    bio=guest.bio, person=_person_line(view)))
    for slot in sheet.slots:
        q = slot.question
        key = f"q{q.number}" if f"q{q.number}" in chat.invite else "question"
        items += each(key, at=slot.at, template="question", heading=q.label, number=q.number,
                      label=q.label, question=q, text=q.text, minutes=slot.minutes)
    items += each("closing", at=sheet.closing)
    texts = _Maker(chat, config, None)
    items += [texts.make("blog"), texts.make("email")]
    return items
