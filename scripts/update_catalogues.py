#!/usr/bin/env python3
"""Extract chathub's messages and bring its catalogues up to date (``./dev i18n``).

Reads ``babel.cfg`` (Python modules, the Jinja templates in hub/templates, HTML and the kit's
.txt, and the scripts in hub/assets), writes ``hub/locales/chathub.pot``, then updates every
``hub/locales/<catalogue>/LC_MESSAGES/chathub.po`` from it: new messages are added untranslated,
changed ones are marked fuzzy (a fuzzy translation is not used until someone checks it), and
messages no longer in the code are dropped. A file is rewritten only when its messages changed,
so running it again changes nothing.

    ./dev i18n                 # extract and update
    ./dev i18n --check         # exit 1 when a catalogue is not up to date (what the tests run)
    ./dev i18n --init de       # start a catalogue for another language
"""

from __future__ import annotations

import argparse
import re
import sys
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "hub"
LOCALES = SOURCE / "locales"
TEMPLATE = LOCALES / "chathub.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
COMMENT_TAGS = ("TRANSLATORS:",)
VERSION = re.search(r'__version__ = "([^"]+)"', (SOURCE / "__init__.py").read_text()).group(1)
WIDTH = 100


def extract() -> Catalog:
    """Every message of the package, with where it is used and the translators' comments."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="chathub", version=VERSION, copyright_holder="chathub contributors",
                      charset="utf-8", fuzzy=False)
    found = extract_from_dir(str(SOURCE), method_map, options_map, keywords=KEYWORDS,
                             comment_tags=COMMENT_TAGS, strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        where = (SOURCE / filename).relative_to(ROOT).as_posix()
        catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def _body(catalog: Catalog) -> bytes:
    """A catalogue's messages as a .po writes them, without the header (its dates change)."""
    out = BytesIO()
    write_po(out, catalog, width=WIDTH, omit_header=True, sort_output=False)
    return out.getvalue()


def _write(path: Path, catalog: Catalog) -> None:
    out = BytesIO()
    write_po(out, catalog, width=WIDTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update_catalogue(path: Path, template: Catalog) -> Catalog:
    """The catalogue at ``path`` brought in line with ``template`` (obsolete messages dropped)."""
    catalog = _read(path, path.parent.parent.name)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.obsolete.clear()
    return catalog


def init_catalogue(language: str, template: Catalog) -> Path:
    """A new, untranslated catalogue for ``language`` (a Babel locale: de, pt_BR, fr_CA)."""
    locale = Locale.parse(language.replace("-", "_"))
    path = LOCALES / str(locale) / "LC_MESSAGES" / "chathub.po"
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists already; ./dev i18n updates it")
    catalog = Catalog(locale=locale, project="chathub", version=VERSION,
                      copyright_holder="chathub contributors", charset="utf-8", fuzzy=False)
    catalog.update(template)
    _write(path, catalog)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the template or a catalogue is out of date")
    parser.add_argument("--init", metavar="LANG", help="start the catalogue of another language")
    args = parser.parse_args(argv)
    template = extract()
    stale: list[Path] = []
    if not TEMPLATE.exists() or _body(_read(TEMPLATE)) != _body(template):
        stale.append(TEMPLATE)
        if not args.check:
            _write(TEMPLATE, template)
    for path in sorted(LOCALES.glob("*/LC_MESSAGES/chathub.po")):
        current = _read(path, path.parent.parent.name)
        updated = update_catalogue(path, template)
        if _body(current) != _body(updated):
            stale.append(path)
            if not args.check:
                _write(path, updated)
    if args.init:
        print(f"started {init_catalogue(args.init, template).relative_to(ROOT)}")
    for path in stale:
        verb = "is out of date" if args.check else "updated"
        print(f"{path.relative_to(ROOT)} {verb}", file=sys.stderr if args.check else sys.stdout)
    if args.check and stale:
        print("run ./dev i18n, translate what it added, and commit the catalogues", file=sys.stderr)
        return 1
    for path in sorted(LOCALES.glob("*/LC_MESSAGES/chathub.po")):
        catalog = _read(path, path.parent.parent.name)
        messages = [m for m in catalog if m.id]
        missing = sum(1 for m in messages if not m.string or (isinstance(m.string, tuple)
                                                               and not all(m.string)))
        fuzzy = sum(1 for m in messages if m.fuzzy)
        name = path.parent.parent.name
        if name == "en":  # the messages' own language: an untranslated message is itself
            print(f"{name}: {len(messages)} messages (the source language)")
        else:
            print(f"{name}: {len(messages)} messages, {missing} untranslated, {fuzzy} fuzzy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
