"""The archive and people filters read ``?filter=`` (Material's search keeps ``?q=``), write it back
as the box changes, and show an empty state with a way to clear the filter."""

from __future__ import annotations

import pytest

from .conftest import url_of

pytestmark = pytest.mark.browser

BOX = "article input[type=search]"


@pytest.mark.parametrize("kind", ["archive", "people"])
def test_filter_parameter_fills_the_box_and_search_stays_closed(visit, page_kinds, kind):
    url = url_of(page_kinds, kind)
    seen = visit(url + "?filter=zzzznomatch")
    page = seen.page
    box = page.locator(BOX)
    assert box.input_value() == "zzzznomatch"
    empty = page.locator("[data-chathub-filter-empty]")
    empty.wait_for(state="visible")
    assert "matches this filter" in empty.inner_text()
    # Material's search overlay did not open: its toggle is unchecked and its box is empty.
    assert not page.evaluate("() => { const t = document.querySelector('#__search');"
                             " return t ? t.checked : false }")
    page.locator("[data-chathub-filter-clear]").click()
    assert box.input_value() == ""
    empty.wait_for(state="hidden")
    page.wait_for_function("() => !new URL(location.href).searchParams.has('filter')")
    hidden = page.locator(".chathub-is-filtered-out").count()
    assert hidden == 0
    assert not seen.console_errors


def test_typing_writes_the_filter_into_the_address(visit, page_kinds):
    page = visit(url_of(page_kinds, "archive")).page
    page.locator(BOX).fill("@maya_ops")
    page.wait_for_function("() => new URL(location.href).searchParams.get('filter') === '@maya_ops'")
    assert "q=" not in page.url


def test_the_old_q_parameter_is_left_to_material(visit, page_kinds):
    page = visit(url_of(page_kinds, "archive") + "?q=parking").page
    assert page.locator(BOX).input_value() == ""
