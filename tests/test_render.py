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


CALLS = (
    "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"
    "{{ plain('<a>') }}|{{ twice('<b>') }}|{{ ctx_name() }}|{{ eval_escape('<c>') }}|"
    "{{ env_name() }}|{{ words.get('k', 'none') }}|{{ box.shout('d') }}|{{ callable_object() }}|"
    "{{ plain(plain('e'), suffix='!') }}|"
    "{% for n in tree recursive %}[{{ plain(n.name) }}{{ ctx_name() }}{{ loop(n.kids) }}]{% endfor %}|"
    "{% for x in [1, 2] %}{% set y = x * 10 %}{{ ctx_y() }}{% endfor %}|"
    "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}"
    "{% call wrap('i') %}{{ plain('in<') }}{% endcall %}|"
    "{{ plain(*['star'], **{'suffix': '?'}) }}|{{ keyword(class='c<') }}|{{ range(3) | list }}|"
    "{{ dict(a=1) }}|{{ {'k': plain}['k']('via item') }}"
)


class _Box:
    def shout(self, text: str) -> str:
        return text.upper()


class _CallableObject:
    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context) -> str:
        return f"object:{context.get('name')}"


def _call_context() -> dict:
    return {
        "name": "<hub>",
        "plain": lambda text, suffix="": f"{text}{suffix}",
        "ctx_name": jinja2.pass_context(lambda context: context["name"]),
        "ctx_y": jinja2.pass_context(lambda context: context.get("y", "?")),
        "eval_escape": jinja2.pass_eval_context(lambda ec, text: f"{ec.autoescape}:{text}"),
        "env_name": jinja2.pass_environment(lambda env: type(env).__name__.startswith("_")
                                            or "Environment" in type(env).__name__),
        "words": {"k": "v<"},
        "box": _Box(),
        "callable_object": _CallableObject(),
        "tree": [{"name": "a", "kids": [{"name": "b<", "kids": []}]}],
        "keyword": lambda **values: values["class"],
    }


def test_every_kind_of_call_renders_as_jinja_renders_it(tmp_path):
    """Templates call functions, macros, methods, loops and context-taking callables directly
    where Jinja's Context.call would add nothing: the output stays Jinja's."""
    ours = _env(tmp_path, CALLS).render("chathub/t.html", **_call_context())
    reference = jinja2.Environment(autoescape=True).from_string(CALLS).render(**_call_context())
    assert ours == reference
    assert "&lt;a&gt;" in ours and "&lt;b&gt;&lt;b&gt;" in ours and "True:&lt;c&gt;" in ours
    assert "object:<hub>" in ours.replace("&lt;", "<").replace("&gt;", ">")


def test_a_failing_call_still_fails(tmp_path):
    def broken() -> str:
        raise ValueError("broken helper")

    with pytest.raises(ValueError, match="broken helper"):
        _env(tmp_path, "{{ broken() }}").render("chathub/t.html", broken=broken)
    with pytest.raises(jinja2.UndefinedError):
        _env(tmp_path, "{{ nothing() }}").render("chathub/t.html")


def test_compiled_templates_are_kept_between_builds_and_follow_edits(tmp_path):
    cache = tmp_path / ".cache" / "chathub" / "templates"
    overrides = tmp_path / "overrides"
    (overrides / "chathub").mkdir(parents=True)
    template = overrides / "chathub" / "t.html"
    template.write_text("<p>{{ _('Recap') }} {{ name }}</p>", encoding="utf-8")
    first = Renderer([overrides], cache_dir=cache).render("chathub/t.html", name="<a>")
    kept = sorted(cache.iterdir())
    assert first == "<p>Recap &lt;a&gt;</p>" and kept
    # A new build (a new renderer) reads the compiled template back, in every language.
    again = Renderer([overrides], cache_dir=cache)
    assert again.render("chathub/t.html", name="<a>") == first
    assert again.render("chathub/t.html", language="fr", name="x") == "<p>Résumé x</p>"
    assert sorted(cache.iterdir()) == kept
    # An edited template is compiled again, although its compiled form is in the cache.
    template.write_text("<p>edited {{ name }}</p>", encoding="utf-8")
    assert Renderer([overrides], cache_dir=cache).render("chathub/t.html", name="y") == "<p>edited y</p>"


def test_a_broken_or_unwritable_template_cache_changes_nothing(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    page = _env(tmp_path, "{{ 1 + 1 }}|{{ name }}")
    assert Renderer([tmp_path], cache_dir=blocked / "templates").render(
        "chathub/t.html", name="<x>") == page.render("chathub/t.html", name="<x>") == "2|&lt;x&gt;"
    cache = tmp_path / "cache"
    Renderer([tmp_path], cache_dir=cache).render("chathub/t.html", name="a")
    for kept in cache.iterdir():  # truncated, or garbage of the right length
        kept.write_bytes(kept.read_bytes()[:40])
    assert Renderer([tmp_path], cache_dir=cache).render("chathub/t.html", name="b") == "2|b"
    for kept in cache.iterdir():
        kept.write_bytes(b"\0" * 200)
    assert Renderer([tmp_path], cache_dir=cache).render("chathub/t.html", name="c") == "2|c"


def test_inherited_and_looping_templates_render_as_jinja_renders_them(tmp_path):
    """An override may extend a template, call super() and self's blocks, cycle in loops and keep
    a namespace: the direct calls leave all of it as Jinja makes it."""
    folder = tmp_path / "chathub"
    folder.mkdir()
    (folder / "base.html").write_text(
        "<h1>{% block title %}Base {{ name }}{% endblock %}</h1>{% block body %}{% endblock %}"
        "|{{ self.title() }}", encoding="utf-8")
    (folder / "child.html").write_text(
        '{% extends "chathub/base.html" %}{% block title %}{{ super() }} and child{% endblock %}'
        "{% block body %}{% set ns = namespace(total=0) %}{% set c = cycler('odd', 'even') %}"
        "{% for x in items %}{{ loop.cycle('a', 'b') }}{{ c.next() }}{% set ns.total = ns.total + x %}"
        "{% endfor %}={{ ns.total }}{% set note %}{{ ctx_name() }}{{ plain('<n>') }}{% endset %}"
        "[{{ note }}]{{ lipsum(1, false, 5, 10) | length > 0 }}{% endblock %}", encoding="utf-8")
    context = {**_call_context(), "items": [1, 2, 3]}
    ours = Renderer([tmp_path]).render("chathub/child.html", **context)
    reference = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    assert ours == reference.get_template("chathub/child.html").render(**context)
    assert ours.startswith("<h1>Base &lt;hub&gt; and child</h1>aoddbevenaodd=6[&lt;hub&gt;&lt;n&gt;]")
