"""chathub's Jinja environment: autoescaping with a fast path, and the same output as Jinja's."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from chathub.pages.render import Renderer, escape_output

TEMPLATE = ("{{ text }}|{{ safe }}|{{ number }}|{{ none }}|{{ '<b>' ~ text }}|"
            "{% for x in items %}{{ x }},{% endfor %}")


def _env(tmp_path, source: str) -> Renderer:
    (tmp_path / "chathub").mkdir(exist_ok=True)
    (tmp_path / "chathub" / "t.html").write_text(source, encoding="utf-8")
    return Renderer([tmp_path])


@pytest.mark.parametrize("text", ["plain", "<script>alert('x')</script> & \"q\"", "", "é 🎁 ＃"])
def test_output_is_escaped_exactly_as_jinja_escapes_it(tmp_path, text):
    context = {"text": text, "safe": Markup("<i>ok</i>"), "number": 5, "none": None,
               "items": ["a&b", Markup("<br>"), 3]}
    ours = _env(tmp_path, TEMPLATE).render("chathub/t.html", **context)
    reference = jinja2.Environment(autoescape=True).from_string(TEMPLATE).render(**context)
    assert ours == reference
    assert "<script>" not in ours and "<i>ok</i>" in ours


def test_text_with_nothing_to_escape_is_output_as_it_is():
    assert escape_output("plain text, 13:06") == "plain text, 13:06"
    assert escape_output("a < b") == "a &lt; b"
    assert escape_output(Markup("<i>")) == "<i>"
    assert escape_output(7) == "7"


def test_undefined_values_still_fail(tmp_path):
    with pytest.raises(jinja2.UndefinedError):
        _env(tmp_path, "{{ missing }}").render("chathub/t.html")
