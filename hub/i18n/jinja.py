"""Jinja glue: gettext, ngettext and Babel's formats of one language, for a Jinja environment.

``install(env, translator)`` gives templates ``_()``, ``gettext``, ``ngettext``, ``pgettext``,
``npgettext`` (Jinja's "newstyle" gettext, the count written in the locale's digits), the
filters ``datetime``, ``date``, ``clock``, ``zone``, ``duration`` and ``number``, and the globals
``format_datetime``, ``format_date``, ``format_time``, ``format_clock``, ``format_duration``,
``format_number``, ``language`` (the page's tag), ``locale`` and ``language_name``. Chathub's
page renderer and the invite kit's plain-text templates both use it.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

from .languages import same_language
from .translator import Translator
from .translator import fill as fill_values


def _number_or_none(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def gettext_callables(t: Translator) -> dict[str, Any]:
    """``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` for templates, through
    ``t``'s catalogue, as Jinja's "newstyle" gettext: ``_("Hello %(name)s", name=x)``; the
    result is HTML-safe (values put into it are escaped). In the plural forms the count (``num``,
    or the ``{% trans count=… %}`` variable) is written in the locale's digits: "1 234"."""

    # The evaluation context (autoescape or not) is all they need: with pass_context, Jinja would
    # make a new context for every call in a loop.
    def fill(eval_ctx: Any, text: str, variables: dict[str, Any]) -> str:
        if eval_ctx.autoescape:
            return Markup(fill_values(text, {k: escape(v) for k, v in variables.items()}))
        return fill_values(text, variables)

    def counted(num: Any, variables: dict[str, Any]) -> dict[str, Any]:
        variables.setdefault("num", num)
        if _number_or_none(num) is None:
            return variables
        shown = t.number(num)
        return {k: shown if v is num or (type(v) is type(num) and v == num) else v
                for k, v in variables.items()}

    # A message without values (a label, a heading) comes out the same every time: worked out
    # once per language and escaping (templates say them in every post, card and row).
    plain: dict[tuple[str, bool], str] = {}

    @jinja2.pass_eval_context
    def gettext(__eval_ctx: Any, __string: str, **variables: Any) -> str:
        if variables:
            return fill(__eval_ctx, t.catalogue.gettext(__string), variables)
        key = (__string, __eval_ctx.autoescape)
        text = plain.get(key)
        if text is None:
            text = fill(__eval_ctx, t.catalogue.gettext(__string), variables)
            if len(plain) < 4096:  # templates' messages: a few hundred
                plain[key] = text
        return text

    # So does a count alone ("3 posts", in every row of a directory): by message, count and escaping.
    counts: dict[tuple[str, str, int, bool], str] = {}

    @jinja2.pass_eval_context
    def ngettext(__eval_ctx: Any, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
        key = (__singular, __plural, __num, __eval_ctx.autoescape) if not variables and type(
            __num) is int else None
        found = counts.get(key) if key else None
        if found is None:
            text = t.catalogue.ngettext(__singular, __plural, __num)
            found = fill(__eval_ctx, text, counted(__num, variables))
            if key and len(counts) < 4096:
                counts[key] = found
        return found

    @jinja2.pass_eval_context
    def pgettext(__eval_ctx: Any, __string_ctx: str, __string: str, **variables: Any) -> str:
        return fill(__eval_ctx, t.catalogue.pgettext(__string_ctx, __string), variables)

    @jinja2.pass_eval_context
    def npgettext(__eval_ctx: Any, __string_ctx: str, __singular: str, __plural: str, __num: int,
                  **variables: Any) -> str:
        text = t.catalogue.npgettext(__string_ctx, __singular, __plural, __num)
        return fill(__eval_ctx, text, counted(__num, variables))

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext,
            "npgettext": npgettext}


def format_filters(t: Translator) -> dict[str, Any]:
    """Filters that format for ``t``'s locale: ``{{ chat.start | datetime }}``,
    ``{{ chat.start | date("MMMEd") }}``, ``{{ n | number }}``…"""
    return {
        "datetime": t.datetime,  # "jeudi 10 décembre 2026 à 13 h 00 HNE"; full, long, medium, short
        "date": t.date,  # full, long, medium, short, or a CLDR skeleton ("MMMEd", "yMMMd")
        "clock": t.clock,  # "13 h 05"
        "zone": t.zone,  # "HNE"
        "duration": t.duration,  # "1 heure 30 minutes"
        "number": t.number,  # "1 234"
    }


def format_globals(t: Translator) -> dict[str, Any]:
    """Functions and values templates format with: ``format_datetime(moment, "full")``…"""
    return {
        "translator": t,
        "language": t.tag,  # the page's BCP 47 tag, for lang="" attributes
        "locale": str(t.locale),  # the Babel locale it formats with (fr_CA for fr)
        "format_datetime": t.datetime,
        "format_date": t.date,
        "format_time": t.time,
        "format_clock": t.clock,
        "format_duration": t.duration,
        "format_number": t.number,
        "language_name": t.language_name,
        "lang_attr": lang_attr(t),
    }


def lang_attr(t: Translator) -> Any:
    """``lang_attr(tag)``: `` lang="fr"`` when ``tag`` is not the page's language, else nothing,
    for text in another language (a French chat's title on an English page, a post)."""
    page = t.tag

    none = Markup("")
    made: dict[str, Markup] = {}

    def attr(tag: str | None) -> Markup:
        if not tag or tag == page:
            return none
        found = made.get(tag)
        if found is None:
            found = none if same_language(tag, page) and "-" not in tag else Markup(' lang="%s"') % tag
            if len(made) < 256:  # posts' tags come from the networks: a few, but not trusted
                made[tag] = found
        return found

    return attr


def install(env: jinja2.Environment, t: Translator) -> None:
    """Give ``env`` the words and formats of ``t``'s language."""
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks on one line, as _() writes them
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext_callables(t))
    env.globals.update(format_globals(t))
    env.filters.update(format_filters(t))
