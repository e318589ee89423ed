"""axe-core on every kind of page, of the example hub and of the same hub in French.

axe's default rules run (WCAG 2.0–2.2 A and AA and its best practices), from the copy of
axe-core that ``axe-playwright-python`` ships: nothing is downloaded. chathub's own markup has
no violation. What Material's own markup does is listed below, rule and selector each, with the
reason; everything else on a page counts, and a listed exception that no longer occurs fails the
test that checks the list, so it cannot outlive its reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO

from chathub.model.chat import Hub
from chathub.model.loader import load_hub
from chathub.model.settings import load_config

from .conftest import ALL_KINDS, NOW, SiteRoutes, build_variant, serving, url_of

pytestmark = pytest.mark.browser

# (rule, selector) -> why it is Material's and not chathub's. Selectors are axe's own targets.
MATERIAL = {
    ("aria-dialog-name", ".md-search"):
        "Material's search overlay is role=dialog without an accessible name "
        "(partials/search.html)",
    ("color-contrast", ".md-copyright"):
        "Material's footer, 'Made with Material for MkDocs': #7f7f7f on #171717 is 4.47:1 "
        "(partials/copyright.html)",
}
AXE = Axe()


@dataclasses.dataclass
class Violation:
    rule: str
    impact: str
    target: str
    html: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) at {self.target}: {self.message}\n    {self.html[:160]}"


def violations(page: Any) -> list[Violation]:
    """axe's violations on the page, one per element."""
    page.wait_for_load_state("networkidle")
    found = []
    for rule in AXE.run(page).response["violations"]:
        for node in rule["nodes"]:
            checks = node.get("any") or node.get("all") or node.get("none") or [{}]
            found.append(Violation(rule["id"], rule["impact"] or "", ", ".join(map(str, node["target"])),
                                   node.get("html", ""), checks[0].get("message", "")))
    return found


def chathubs_own(found: list[Violation]) -> list[Violation]:
    return [v for v in found if (v.rule, v.target) not in MATERIAL]


# --- the French hub: the example hub with theme.language fr ---------------------------------

@pytest.fixture(scope="session")
def french_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example hub built in French (``theme.language: fr``; its French chat stays French, its
    English chats stay English), into a temporary folder, once a session."""
    return build_variant(tmp_path_factory.mktemp("french-hub"), {"language": "fr"})


@pytest.fixture(scope="session")
def french_url(french_site: Path, example_hub: Hub) -> Iterator[str]:
    with serving(french_site, example_hub) as address:
        yield address


@pytest.fixture
def visit_french(chromium: Any, french_url: str, example_hub: Hub) -> Iterator[Any]:
    contexts = []
    public = example_hub.config.site_url
    routes = SiteRoutes(french_url, public.rstrip("/") + "/" if public else "")

    def open_page(url: str = "") -> Any:
        context = chromium.new_context(locale="fr-CA")
        contexts.append(context)
        context.route("**/*", routes.handle)
        page = context.new_page()
        page.goto(french_url + url, wait_until="load")
        return page

    yield open_page
    for context in contexts:
        # Requests still in flight (Material fetches sitemap.xml beside every alternate link,
        # answered by route.fetch) must not fail the next test when the context goes away.
        context.unroute_all(behavior="ignoreErrors")
        context.close()


# --- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ALL_KINDS)
def test_no_violation_of_chathubs_markup(visit, page_kinds, kind):
    page = visit(url_of(page_kinds, kind)).page
    own = chathubs_own(violations(page))
    assert not own, f"{kind}: axe finds {len(own)}:\n" + "\n".join(map(str, own))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_no_violation_of_chathubs_markup_in_french(visit_french, page_kinds, kind):
    page = visit_french(url_of(page_kinds, kind))
    assert page.evaluate("document.documentElement.lang") in ("fr", "en")
    own = chathubs_own(violations(page))
    assert not own, f"{kind} (French hub): axe finds {len(own)}:\n" + "\n".join(map(str, own))


def other_language_pages(hub: Hub) -> list[str]:
    """The pages of the example hub's chats in another language than the hub's (its French
    edition): announcement and invite kit, and archive and recap once it has a transcript."""
    urls = []
    for chat in hub.published:
        if hub.config.language_of(chat).split("-")[0] != hub.config.language.split("-")[0]:
            urls += [f"chats/{chat.slug}/", f"chats/{chat.slug}/invite/"]
            if chat.transcript_path.exists():
                urls += [f"chats/{chat.slug}/archive/", f"chats/{chat.slug}/recap/"]
    return urls


def test_the_example_hub_has_a_chat_in_french(example_hub):
    assert "chats/tenants-leases-fr-2026-12-10/" in other_language_pages(example_hub)


def test_no_violation_on_the_pages_of_a_french_chat_in_an_english_hub(visit, example_hub):
    found = []
    for url in other_language_pages(example_hub):
        page = visit(url).page
        assert page.evaluate("document.documentElement.lang") == "fr", url
        found += [f"{url}: {v}" for v in chathubs_own(violations(page))]
    assert not found, f"axe finds {len(found)}:\n" + "\n".join(found)


def test_the_french_hub_is_french(visit_french, page_kinds):
    """The French build is the hub in French; the chat that says language: en stays English."""
    for url, lang in (("", "fr"), ("chats/", "fr"), (url_of(page_kinds, "announcement-past"), "fr"),
                      ("chats/tenants-leases-fr-2026-12-10/", "fr"),
                      ("chats/tenants-leases-2026-12-10/", "en")):
        assert visit_french(url).evaluate("document.documentElement.lang") == lang, url


def test_materials_exceptions_still_occur(visit):
    """Each exception above is real: when Material fixes one, it leaves the list."""
    found = {(v.rule, v.target) for v in violations(visit("").page)}
    stale = [key for key in MATERIAL if key not in found]
    assert not stale, f"no longer violations, remove them from MATERIAL: {stale}"


def test_axe_runs_the_default_rules(visit):
    """The rules that run are axe's defaults: WCAG 2.2 A and AA among them, and best practices."""
    page = visit("").page
    page.evaluate(AXE.axe_script)
    rules = page.evaluate("axe.getRules().map(r => r.tags)")
    tags = {tag for rule in rules for tag in rule}
    assert {"wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"} <= tags
    version = tuple(int(part) for part in page.evaluate("axe.version").split(".")[:2])
    assert version >= (4, 8)


def test_example_palette_passes_everywhere(example_hub: Hub):
    """The example hub's palette is one whose links and header pass 4.5:1 (teal does not)."""
    theme = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]
    assert theme["palette"]["primary"] not in ("teal", "cyan", "light blue", "green", "light green",
                                               "lime", "yellow", "amber", "orange", "white")
    assert example_hub.config.language == "en"


def test_load_config_reads_the_french_build(tmp_path):
    """What the French fixture builds is a hub chathub reads as French."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["language"] = "fr"
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    settings = dataclasses.replace(load_config(tmp_path), now=datetime.fromisoformat(NOW),
                                   chats_dir=REPO / "chats")
    hub, problems = load_hub(settings)
    assert not problems.errors and hub.config.language == "fr"
