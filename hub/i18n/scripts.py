"""The words chathub's scripts write ("Copied", "3 of 12 match"), for the browser.

The scripts in ``hub/assets/`` write their texts with ``_()`` and ``ngettext()``, which
``./dev i18n`` extracts like any other message. ``script_catalogues()`` is the JavaScript of
``assets/chathub/messages.js``: for every language chathub writes, the translations of exactly
those messages, the plural rule of its catalogue and the locale it formats with. The scripts pick
the catalogue of the nearest ``lang`` attribute, so a French chat's pages in an English hub get
French.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.extract import extract

from ..resources import ASSETS
from .catalogues import read_catalogue
from .languages import bcp47, catalogue_files, writable

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
_PLURAL_EXPR = re.compile(r"^[n0-9\s()?:!=<>%&|]+$")  # what a gettext plural rule may hold


@lru_cache(maxsize=8)
def _extract(path: str, mtime_ns: int) -> tuple[str | tuple[str, ...], ...]:
    with Path(path).open("rb") as handle:
        return tuple(message for _, message, _, _ in extract("javascript", handle, KEYWORDS))


def script_messages(folder: Path = ASSETS) -> list[str | tuple[str, ...]]:
    """The messages the scripts in ``folder`` write: a msgid, or (singular, plural)."""
    found: dict[str | tuple[str, ...], None] = {}
    for path in sorted(folder.glob("*.js")):
        for message in _extract(str(path), path.stat().st_mtime_ns):
            found.setdefault(message, None)
    return list(found)


def _catalogue(name: str, path: Path, wanted: list[str | tuple[str, ...]]) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    catalog = read_catalogue(path)
    messages: dict[str, Any] = {}
    for message in wanted:
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        if entry is None or entry.fuzzy or not entry.string:
            continue
        if isinstance(entry.string, tuple | list):
            if all(entry.string):
                messages[msgid] = list(entry.string)
        else:
            messages[msgid] = entry.string
    rule = catalog.plural_expr if _PLURAL_EXPR.match(catalog.plural_expr or "") else "(n != 1)"
    return {"locale": bcp47(writable(name.replace("_", "-")).locale), "plural": rule,
            "messages": messages}


def script_catalogues() -> str:
    """The JavaScript of ``assets/chathub/messages.js``."""
    wanted = script_messages()
    entries: dict[str, dict[str, Any]] = {}
    for name, path in sorted(catalogue_files().items()):
        found = _catalogue(name, path, wanted)
        if found is not None:
            entries[name.replace("_", "-").lower()] = found
    for key in list(entries):  # "fr" finds the fr-CA catalogue unless a plain fr one exists
        entries.setdefault(key.split("-")[0], entries[key])
    parts = []
    for key, value in entries.items():
        body = json.dumps({"locale": value["locale"], "messages": value["messages"]},
                          ensure_ascii=False, sort_keys=True)
        parts.append(f"  {json.dumps(key)}: [{body}, function (n) {{ return Number({value['plural']}); }}]")
    catalogues = "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"
    return SCRIPT.replace("/*CATALOGUES*/{}", catalogues)


SCRIPT = """/* chathub: the words its scripts write, in the page's language. Generated from the message
   catalogues when the site is built; the other scripts call window.chathubI18n. */
(function () {
  "use strict";

  /* language tag -> [{locale, messages}, plural rule]. English, the messages' own language, needs none. */
  var catalogues = /*CATALOGUES*/{};

  function tagOf(el) {
    var node = el && el.closest ? el.closest("[lang]") : null;
    return ((node || document.documentElement).getAttribute("lang") || "").toLowerCase();
  }

  function catalogueOf(el) {
    var tag = tagOf(el);
    return catalogues[tag] || catalogues[tag.split("-")[0]] || null;
  }

  function fill(text, values) {
    return text.replace(/%\\((\\w+)\\)s/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    }).replace(/%%/g, "%");
  }

  /* The locale to format dates and numbers with: the page's own tag when it names a region
     (fr-FR), else the one its catalogue formats with (fr is formatted as fr-CA). */
  function locale(el) {
    var tag = tagOf(el);
    var found = catalogueOf(el);
    if (tag.indexOf("-") === -1 && found) return found[0].locale;
    return tag || undefined;
  }

  function gettext(msgid, values, el) {
    var found = catalogueOf(el);
    var text = found && found[0].messages[msgid];
    return fill(typeof text === "string" ? text : msgid, values);
  }

  /* values.num is the count in the locale's digits, unless given. */
  function ngettext(singular, plural, count, values, el) {
    var found = catalogueOf(el);
    var forms = found && found[0].messages[singular];
    var text = Array.isArray(forms) ? forms[found[1](count)] || forms[forms.length - 1]
      : (count === 1 ? singular : plural);
    var all = { num: new Intl.NumberFormat(locale(el)).format(count) };
    Object.keys(values || {}).forEach(function (key) { all[key] = values[key]; });
    return fill(text, all);
  }

  window.chathubI18n = { gettext: gettext, ngettext: ngettext, locale: locale, fill: fill };
})();
"""
