"""Black-box acceptance tests for issues 10 (hardening: nothing lost, nothing injected, never a
traceback) and 11 (adoption: a new hub in one command, installed from a wheel, behaving as a
Material user expects).

Written from the issues' texts and the README, as an outside tester would: tiny hubs in tmp_path
dated by the real clock, the CLI in-process (``chathub.cli.main``) and as real processes, the
real ``mkdocs build --strict`` (never with ``--quiet``), tweepy's real client against a fake X
API (``responses``), real parsers on what comes out, and hostile inputs of every kind beyond the
examples the issues name.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import textwrap
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import yaml
from bs4 import BeautifulSoup

from chathub.cli import main as cli_main

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
API = "https://api.twitter.com/2"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PAST = (NOW - timedelta(days=40)).replace(hour=17, minute=0)  # a chat that ended long ago
FUTURE = (NOW + timedelta(days=60)).replace(hour=17, minute=0)
LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
TOKEN = "AAAAAAAAAAAAAAAAAAAAAchathubQA%2Btok%3Den"  # X tokens are URL-encoded: % + = forms


# --- tiny hubs, the CLI and the build ----------------------------------------------------------


def write_hub(root: Path, options: dict | None = None, site_url: str | None = "https://qa.example.org/hub/"
              ) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "chats").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Home\n\n<!-- chathub:upcoming -->\n", encoding="utf-8")
    config: dict[str, Any] = {"site_name": "QA hub", "docs_dir": "content",
                              "theme": {"name": "material", "font": False},
                              "plugins": ["search", {"chathub": options or {}}]}
    if site_url:
        config["site_url"] = site_url
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def chat_text(start: datetime = FUTURE, *, tag: str = "QaChat", extra: str = "", title: str = "A QA chat"
              ) -> str:
    return textwrap.dedent(f"""\
        title: "{title}"
        hashtag: "#{tag}"
        start: {start:%Y-%m-%d %H:%M}
        timezone: UTC
        duration: 60
        host: "@hostqa"
        questions:
          - "What is your favourite tool?"
          - "How do you learn?"
        about: "Why we host it."
        followup: "A recap follows."
        """) + textwrap.dedent(extra)


@pytest.fixture(autouse=True)
def outside_world(monkeypatch: pytest.MonkeyPatch) -> None:
    """An outside tester knows neither CHATHUB_NOW nor the maintainers' token."""
    for name in ("CHATHUB_NOW", "X_BEARER_TOKEN", "CHATHUB_DEBUG", "SOURCE_DATE_EPOCH",
                 "CHATHUB_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_hub(tmp_path / "hub")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    """``chathub ARGS`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def build(root: Path) -> tuple[bool, str]:
    """``mkdocs build --strict`` in-process: (built, what MkDocs logged). An exception other than
    MkDocs' own abort is a traceback, which these contracts forbid: it fails the test."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, PluginError

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(root / "mkdocs.yml"), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        return True, stream.getvalue()
    except (Abort, BuildError, PluginError, SystemExit):
        return False, stream.getvalue()
    finally:
        logger.removeHandler(handler)


def mkdocs_process(root: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 600
                   ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "mkdocs"), *args], cwd=root, text=True,
                          capture_output=True, timeout=timeout,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def located(text: str) -> list[tuple[str, int, int, str]]:
    found = []
    for line in text.splitlines():
        line = re.sub(r"^(ERROR|WARNING|INFO)\s+-\s+", "", line.strip())
        match = LOCATED.match(line)
        if match:
            found.append((match["path"], int(match["line"]), int(match["col"]), match["message"]))
    return found


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-2000:]
        assert "unexpected error" not in text, text[-2000:]


# --- chat files: every problem located, the same in check and in the build --------------------


def assert_check_and_build_agree(root: Path, slug: str, expected: str, line: int | None = None) -> str:
    """``chathub check`` and the build both fail with the located error; returns its message."""
    code, out, err = run("check")
    no_traceback(out, err)
    assert code == 1, out + err
    mine = [p for p in located(err) if p[0] == f"chats/{slug}.yml" and re.search(expected, p[3])]
    assert mine, err
    if line is not None:
        assert mine[0][1] == line, mine
    built, logs = build(root)
    no_traceback(logs)
    assert not built
    assert any(p[:2] == mine[0][:2] and re.search(expected, p[3]) for p in located(logs)), logs
    return mine[0][3]


def test_a_value_repeated_by_yaml_aliases_is_reported_once_and_short(hub: Path):
    """A 250 KB file must not make 200 MB of messages: an alias repeated 10,000 times in hide:
    is one problem, and no message quotes a value of thousands of characters in full."""
    big = "x" * 19_000
    body = chat_text() + f"description: &long {big}\nhide: [" + ", ".join(["*long"] * 9_000) + "]\n"
    assert len(body.encode()) < 256 * 1024
    (hub / "chats" / "aliased.yml").write_text(body, encoding="utf-8")
    code, out, err = run("check")
    no_traceback(out, err)
    assert code == 1
    assert len(out) + len(err) < 20_000, f"{len(out) + len(err):,} characters of output"
    assert len(located(err)) < 10
    assert all(len(line) < 1_000 for line in err.splitlines())


@pytest.mark.parametrize(("field", "value"), [
    ("hide", '["' + "h" * 5_000 + '"]'),
    ("networks", '["' + "n" * 5_000 + '"]'),
    ("translation", '"' + "t" * 5_000 + '"'),
    ("replaced_by", '"' + "r" * 5_000 + '"'),
    ("mastodon_instances", '["' + "m" * 5_000 + '"]'),
])
def test_messages_never_quote_a_huge_value_in_full(hub: Path, field: str, value: str):
    (hub / "chats" / "huge.yml").write_text(chat_text() + f"{field}: {value}\n", encoding="utf-8")
    code, out, err = run("check")
    no_traceback(out, err)
    assert code == 1
    assert located(err)
    assert all(len(line) < 1_000 for line in err.splitlines()), err[:3000]


@pytest.mark.parametrize("kind", ["loop", "dangling", "device", "folder", "fifo", "socket"])
def test_a_chat_file_that_is_no_regular_file_is_named_as_it_is(hub: Path, kind: str):
    """Whatever is named *.yml is reported at its own path (not where a link points), by check
    and the build alike, and never opened (a FIFO would block)."""
    path = hub / "chats" / "odd.yml"
    if kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to(hub / "nowhere" / "gone.yml")
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    (hub / "chats" / "fine.yml").write_text(chat_text(), encoding="utf-8")
    message = assert_check_and_build_agree(hub, "odd", ".", line=1)
    assert "odd.yml" not in message or "gone.yml" not in message


@pytest.mark.parametrize("text", [
    "title: Join us\n  #QaChat for small PRs\n",
    "questions:\n  - What is\n    #1 for you\n",
])
def test_a_hashtag_comment_on_a_continuation_line_is_warned_about(hub: Path, text: str):
    """YAML ends a plain value at a comment on its next line just as on its own line: the
    words after it are lost the same way, so the same warning (and no error) is due."""
    base = chat_text()
    key = text.split(":", 1)[0]
    kept = "\n".join(line for line in base.splitlines()
                     if not line.startswith(f"{key}:")
                     and not (key == "questions" and line.startswith("  - ")))
    (hub / "chats" / "wrapped.yml").write_text(kept + "\n" + text, encoding="utf-8")
    code, out, err = run("check")
    no_traceback(out, err)
    assert code == 0, err
    warnings = [p for p in located(out + err) if p[3].startswith("warning:") and "quote" in p[3]]
    assert warnings and warnings[0][0] == "chats/wrapped.yml", out + err
    built, logs = build(hub)
    assert built, logs


# --- invite overrides: bounded work, and every failure a located error -------------------------


@pytest.mark.parametrize(("template", "expected"), [
    # loops without a loop: a macro calling itself twice runs 2**26 calls (hours) with no output
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(25) }}",
     r"calls"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", r"calls itself|calls"),
    ("{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}", r"loops"),
    ("{{ 'x' * 9999 * 9999 }}", r"50,000"),
    ("{{ 9 ** 9 ** 9 }}", r"too large"),
    ("{{ '{:>99999999}'.format(1) }}", r"width"),
    ("{{ 'a'.ljust(99999999) }}", r"10,000"),
    # a literal Python refuses to read, and filters given what they cannot take
    ("{{ " + "9" * 5000 + " }}", r"not a valid template"),
    ("{{ 'x'|datetime('full') }}", r"datetime filter"),
    ("{{ 7|date('full') }}", r"date filter"),
    ("{{ 'x'|number }}", r"number filter"),
    ("{{ 'x'|duration }}", r"duration filter"),
    ("{{ nope }}", r"undefined"),
    ("{{ ''.__class__ }}", r"unsafe"),
    ("{% include 'main.html' %}", r"could not be used|not a valid"),
])
def test_an_invite_override_that_goes_wrong_is_a_located_error_in_check_and_build(
        hub: Path, template: str, expected: str):
    text = chat_text(extra="invite:\n  dm: " + json.dumps(template) + "\n")
    (hub / "chats" / "kit.yml").write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  dm:"))
    assert_check_and_build_agree(hub, "kit", expected, line=line)
    code, out, err = run("invite", "kit")
    no_traceback(out, err)
    assert code == 1 and located(err)


# --- imports and API responses: JSON Python reads but chathub cannot store ----------------------


def bluesky_post(text: str = "A1 hello #QaChat", **extra: Any) -> dict[str, Any]:
    return {"uri": "at://did:plc:qaabc/app.bsky.feed.post/3kqa", "cid": "bafyqa",
            "author": {"did": "did:plc:qaabc", "handle": "qa.bsky.social"},
            "record": {"$type": "app.bsky.feed.post", "text": text,
                       "createdAt": (PAST + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")},
            "indexedAt": (PAST + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z"), **extra}


def mastodon_status(**extra: Any) -> dict[str, Any]:
    return {"id": "111", "uri": "https://mastodon.example/users/qa/statuses/111",
            "url": "https://mastodon.example/@qa/111", "content": "<p>A1 hello #QaChat</p>",
            "created_at": (PAST + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "account": {"id": "1", "username": "qa", "acct": "qa", "display_name": "QA",
                        "url": "https://mastodon.example/@qa"}, **extra}


@pytest.mark.parametrize(("name", "body", "expected"), [
    ("deep.json", "[" * 100_000 + "]" * 100_000, "nested deeper than"),
    ("deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n[]\n", "nested deeper than"),
    ("digits.json", '{"posts": [{"uri": ' + "9" * 5_000 + "}]}", "more than 4,300 digits"),
    ("digits.jsonl", '{"posts": []}\n{"posts": [{"likeCount": ' + "9" * 5_000 + "}]}\n", "4,300 digits"),
    ("nan.json", json.dumps({"posts": [bluesky_post(likeCount=float("nan"))]}), "NaN"),
    ("nan.jsonl", json.dumps({"posts": [bluesky_post(likeCount=float("inf"))]}) + "\n", "Infinity"),
    ("masto-nan.json", json.dumps([mastodon_status(favourites_count=float("nan"))]), "NaN"),
    ("x-nan.json", json.dumps({"data": [{"id": "1800000000000000901", "text": "A1 #QaChat",
                                         "public_metrics": {"like_count": float("-inf")}}]}), "Infinity"),
])
def test_an_import_of_json_chathub_cannot_store_is_refused_and_located(hub: Path, tmp_path: Path, name: str,
                                                                     body: str, expected: str):
    """JSON nested 100,000 deep and numbers of 5,000 digits were tracebacks ("unexpected error");
    NaN in a Bluesky or Mastodon file was stored, and the transcript it made was unreadable
    (every later import and build failed on it). Each is the file's own located error."""
    (hub / "chats" / "qa.yml").write_text(chat_text(PAST), encoding="utf-8")
    file = tmp_path / name
    file.write_text(body, encoding="utf-8")
    code, out, err = run("import", "qa", str(file))
    no_traceback(out, err)
    assert code == 1, out + err
    assert re.search(rf"{re.escape(str(file))}:\d+: .*{expected}", err), err
    assert "sys.set_int_max_str_digits" not in err
    assert sorted(p.name for p in (hub / "chats").iterdir()) == ["qa.yml"]
    built, logs = build(hub)
    assert built, logs


def test_a_well_formed_import_still_imports(hub: Path, tmp_path: Path):
    (hub / "chats" / "qa.yml").write_text(chat_text(PAST), encoding="utf-8")
    file = tmp_path / "fine.json"
    file.write_text(json.dumps({"posts": [bluesky_post(likeCount=3)]}), encoding="utf-8")
    code, out, err = run("import", "qa", str(file))
    assert code == 0, err
    stored = json.loads((hub / "chats" / "qa.bsky.json").read_text(encoding="utf-8"))
    assert "NaN" not in json.dumps(stored)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


X_POST = {"id": "1800000000000000777", "text": "A1 stored #QaChat", "author_id": "77",
          "created_at": (PAST + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
X_STORED = {"data": [X_POST], "includes": {"users": [{"id": "77", "username": "qaone", "name": "QA one"}]},
            "meta": {}}


def stored_x(root: Path) -> bytes:
    (root / "chats" / "qa.yml").write_text(chat_text(PAST), encoding="utf-8")
    path = root / "chats" / "qa.tweets.json"
    path.write_text(json.dumps(X_STORED, indent=1), encoding="utf-8")
    return path.read_bytes()


@pytest.mark.parametrize("reset", ["\u00b2", "\u00b9\u00b2\u00b3", "9" * 5_000, "1800000000.5", "-5"])
@pytest.mark.parametrize("command", ["fetch", "comply"])
def test_a_rate_limit_reset_python_cannot_read_as_int_backs_off(hub: Path, monkeypatch: pytest.MonkeyPatch,
                                                               slept: list[float], reset: str, command: str):
    """"²" is a digit to str.isdigit() and 5,000 digits are too many for int(): tweepy int()s the
    header and failed ("could not talk to X: ValueError"). Backing off is what an unusable
    reset header gets."""
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    stored_x(hub)
    url = re.compile(rf"{API}/tweets(/search/all|/search/recent)?(\?.*)?$")
    ok = {"data": [X_POST], "includes": X_STORED["includes"], "meta": {"result_count": 1}}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(url, status=429, json={"title": "Too Many Requests"},
                 headers={"x-rate-limit-reset": reset})
        rsps.get(url, json=ok)
        code, out, err = run(command, "qa")
    no_traceback(out, err)
    assert code == 0, out + err
    assert "backing off" in err and "ValueError" not in err, err
    assert slept and max(slept) <= 15 * 60


def test_a_response_nested_absurdly_deep_is_an_unreadable_response(hub: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   slept: list[float]):
    """A 200 whose body is 100,000 nested lists was a RecursionError; it is a fault like a
    truncated body: retried, then given up on with the transcript byte-identical."""
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    before = stored_x(hub)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(re.compile(rf"{API}/tweets/search/all"), body="[" * 100_000 + "]" * 100_000,
                 content_type="application/json")
        code, out, err = run("fetch", "qa")
    no_traceback(out, err)
    assert code == 1, out + err
    assert "unreadable response" in err
    assert (hub / "chats" / "qa.tweets.json").read_bytes() == before


# --- the kit's blog post: Markdown another site's engine renders -------------------------------

HOSTILE_URLS = ["javascript&#58;alert(1)", "&#106;avascript:alert(2)", "javascript&#x3a;alert(3)",
                "JaVa&Tab;ScRipt:alert(4)", " javascript:alert(5)", "<javascript:alert(6)>",
                "data:text/html,alert(7)", "vbscript:msgbox(8)", "javascript\\:alert(9)"]


def hostile_markdown() -> str:
    parts = [f"[l{i}]({u}) ![i{i}]({u}) [r{i}][ref{i}]\n\n[ref{i}]: {u}"
             for i, u in enumerate(HOSTILE_URLS)]
    parts += ["<javascript:alert(10)> <script>alert(11)</script> <img src=x onerror=alert(12)>",
              "Kept: [site](https://ok.example/a_(b)), [page](/chats/), <https://ok.example/auto>, "
              "[mail](mailto:team@ok.example) and `<code>` as code."]
    return "\n\n".join(parts)


def test_the_blog_post_in_the_kit_carries_no_unsafe_link_or_raw_html(hub: Path):
    """The blog post is Markdown for the team's own blog, whose engine (Python-Markdown here, as
    most do) passes raw HTML and any link through: the chat's about, followup and bios had
    ``[x](javascript&#58;…)`` and ``<script>`` go straight into it. Safe links stay."""
    import markdown

    text = chat_text(FUTURE, extra="guests:\n  - handle: '@guestqa'\n    bio: "
                     + json.dumps(hostile_markdown()) + "\n")
    text = text.replace('about: "Why we host it."', "about: " + json.dumps(hostile_markdown()))
    text = text.replace('followup: "A recap follows."', "followup: " + json.dumps(hostile_markdown()))
    (hub / "chats" / "blog.yml").write_text(text, encoding="utf-8")
    code, out, err = run("invite", "--json", "blog")
    assert code == 0, err
    blog = next(item["text"] for item in json.loads(out) if item["channel"] == "blog")
    page = BeautifulSoup(markdown.markdown(blog), "html.parser")
    assert not page.find_all(["script", "img"], src=re.compile("^x$")), blog
    assert not page.find_all("script")
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    for element in page.find_all(["a", "img"]):
        url = element.get("href", element.get("src", ""))
        browser = re.sub(r"[\t\n\r]", "", __import__("html").unescape(url)).strip().lower()
        assert not re.match(r"(javascript|vbscript|data):", browser), (url, blog)
    hrefs = {a.get("href") for a in page.find_all("a")}
    assert {"https://ok.example/a_(b)", "/chats/", "https://ok.example/auto",
            "mailto:team@ok.example"} <= hrefs, hrefs
    assert page.find("code", string="<code>")
    built, logs = build(hub)
    assert built, logs


# --- hide: the links an editor pastes when someone asks to be left out -------------------------


def x_capture(tmp_path: Path) -> Path:
    file = tmp_path / "x.json"
    file.write_text(json.dumps({"data": [{**X_POST, "text": "A1 SECRET answer #QaChat"}],
                                "includes": X_STORED["includes"]}), encoding="utf-8")
    return file


@pytest.mark.parametrize(("entry", "kind"), [
    ("https://x.com/qaone", "x"), ("https://twitter.com/QAONE/", "x"),
    ("https://x.com/qaone/status/1800000000000000777?s=20", "x"),
    ("https://x.com/i/web/status/1800000000000000777", "x"),
    ("https://bsky.app/profile/qa.bsky.social", "bluesky"),
    ("https://bsky.app/profile/QA.bsky.social/", "bluesky"),
    ("https://mastodon.example/@qa", "mastodon"), ("https://mastodon.example/users/qa", "mastodon"),
    ("https://mastodon.example/@qa/111", "mastodon"),
])
def test_a_profile_or_post_link_in_hide_hides_what_it_names(hub: Path, tmp_path: Path, entry: str, kind: str):
    """A pasted profile or post link passed check as a "post URI" and hid no one: the person's
    posts were stored and published."""
    (hub / "chats" / "qa.yml").write_text(chat_text(PAST, extra=(
        f"hide: [{json.dumps(entry)}]\nnetworks: [x, bluesky, mastodon]\n"
        "mastodon_instances: [mastodon.example]\n")), encoding="utf-8")
    assert run("check")[0] == 0
    if kind == "x":
        file = x_capture(tmp_path)
    else:
        file = tmp_path / "capture.json"
        body = ({"posts": [bluesky_post("A1 SECRET answer #QaChat")]} if kind == "bluesky"
                else [mastodon_status(content="<p>A1 SECRET answer #QaChat</p>")])
        file.write_text(json.dumps(body), encoding="utf-8")
    code, out, err = run("import", "qa", str(file))
    assert code == 0, err
    assert "left out" in out, out
    for stored in (hub / "chats").glob("qa.*.json"):
        assert "SECRET" not in stored.read_text(encoding="utf-8")
    built, logs = build(hub)
    assert built, logs
    assert not [p for p in (hub / "site").rglob("*.html") if "SECRET" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("entry", ["https://bsky.app/profile/qa.bsky.social/post/3kqa", "https://x.com/home",
                                   "https://bsky.app/profile/not a handle"])
def test_a_link_in_hide_that_names_no_one_is_a_located_error(hub: Path, entry: str):
    text = chat_text(PAST, extra=f"hide: [{json.dumps(entry)}]\n")
    (hub / "chats" / "qa.yml").write_text(text, encoding="utf-8")
    message = assert_check_and_build_agree(hub, "qa", "not an account or a post", line=text.count("\n"))
    assert "link" in message


def test_the_plugins_hide_option_reads_links_and_refuses_what_names_no_one(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    root = write_hub(tmp_path / "hub", options={"hide": ["https://x.com/qaone"]})
    monkeypatch.chdir(root)
    (root / "chats" / "qa.yml").write_text(chat_text(PAST), encoding="utf-8")
    code, out, err = run("import", "qa", str(x_capture(tmp_path)))
    assert code == 0 and "left out" in out, out + err
    assert "SECRET" not in (root / "chats" / "qa.tweets.json").read_text(encoding="utf-8")
    write_hub(root, options={"hide": ["no one at all"]})
    code, out, err = run("check")
    no_traceback(out, err)
    assert code != 0 and "hide" in err and "no one at all" in err, out + err
    built, logs = build(root)
    assert not built and "no one at all" in logs


# --- chathub init in odd folders ---------------------------------------------------------------


def test_init_never_writes_through_a_link_out_of_the_hub(tmp_path: Path):
    """A dangling mkdocs.yml link did not count as an existing file, and init wrote the new
    mkdocs.yml where it pointed, outside the hub; with --force a link to a file of the user's
    was overwritten. The link is an existing file, and --force replaces the link itself."""
    hub_dir, outside = tmp_path / "hub", tmp_path / "elsewhere" / "mine.txt"
    hub_dir.mkdir()
    (hub_dir / "mkdocs.yml").symlink_to(outside)
    code, out, err = run("init", str(hub_dir), "--site-url", "https://qa.example.org/")
    assert code == 1 and "mkdocs.yml" in err and "--force" in err, out + err
    assert not outside.exists() and not (tmp_path / "elsewhere").exists()
    outside.parent.mkdir()
    outside.write_text("the user's own file\n", encoding="utf-8")
    (hub_dir / "mkdocs.yml").unlink()
    (hub_dir / "mkdocs.yml").symlink_to(outside)
    code, out, err = run("init", str(hub_dir), "--force", "--site-url", "https://qa.example.org/")
    assert code == 0, err
    assert "replaced mkdocs.yml" in out
    assert outside.read_text(encoding="utf-8") == "the user's own file\n"
    assert not (hub_dir / "mkdocs.yml").is_symlink()
    assert "chathub" in (hub_dir / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: (d / "mkdocs.yml").mkdir(), "is a folder"),
    (lambda d: (d / "content").write_text("x", encoding="utf-8"), "is a file"),
    (lambda d: (d / ".github").write_text("x", encoding="utf-8"), "is a file"),
])
@pytest.mark.parametrize("force", [False, True])
def test_init_where_a_folder_or_file_is_in_the_way_is_a_clear_error(
        tmp_path: Path, make: Callable[[Path], Any], expected: str, force: bool):
    hub_dir = tmp_path / "hub"
    hub_dir.mkdir()
    make(hub_dir)
    before = sorted(p.name for p in hub_dir.iterdir())
    code, out, err = run("init", str(hub_dir), *(["--force"] if force else []), "--site-url",
                         "https://qa.example.org/")
    no_traceback(out, err)
    assert code == 1 and expected in err and "nothing was written" in err, out + err
    assert sorted(p.name for p in hub_dir.iterdir()) == before


# --- the token in every form a message can carry ----------------------------------------------


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


@pytest.mark.parametrize("form", [
    _lower_hex(TOKEN),  # percent-encoding's hex digits are case-insensitive: %2b is %2B
    urllib.parse.quote(_lower_hex(TOKEN), safe=""),
    urllib.parse.quote(urllib.parse.quote(TOKEN, safe=""), safe=""),  # a URL encoded twice
    _lower_hex(urllib.parse.quote(urllib.parse.quote(_lower_hex(TOKEN), safe=""), safe="")),
])
def test_an_error_that_quotes_the_token_in_another_encoding_is_redacted(
        hub: Path, monkeypatch: pytest.MonkeyPatch, slept: list[float], form: str):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    before = stored_x(hub)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(re.compile(rf"{API}/tweets/search/all"),
                 body=requests.exceptions.InvalidURL(f"Invalid URL 'https://proxy.example/?t={form}'"))
        code, out, err = run("fetch", "qa")
    no_traceback(out, err)
    assert code == 1, out + err
    assert form not in out + err and TOKEN[21:33] not in out + err, err
    assert (hub / "chats" / "qa.tweets.json").read_bytes() == before
