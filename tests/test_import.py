"""chathub import: twarc2 JSONL (with and without envelope, flattened), API JSON, twarc-csv CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import CHAT, DATA

TWARC = DATA / "twarc-csv"
TWEEPY_BODY = DATA / "tweepy" / "test_client_search_recent_tweets.body.json"
SLUG = "tenants-2026-07-09"


@pytest.fixture
def hub(make_hub):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT)
    return hub


def transcript(hub) -> Path:
    return hub.chats / f"{SLUG}.tweets.json"


def stored(hub) -> dict:
    return json.loads(transcript(hub).read_text(encoding="utf-8"))


def copy(tmp_path: Path, source: Path, name: str | None = None) -> Path:
    target = tmp_path / (name or source.name)
    target.write_bytes(source.read_bytes())
    return target


def test_twarc_jsonl_with_envelope(hub, run_cli):
    code, out, err = run_cli("import", SLUG, str(TWARC / "two_tweets.jsonl"))
    assert code == 0, err
    doc = stored(hub)
    assert [p["id"] for p in doc["data"]] == ["1394735776701816833"]
    assert {u["username"] for u in doc["includes"]["users"]} == {"LachiVeronica", "bibaigna96"}
    assert [t["id"] for t in doc["includes"]["tweets"]] == ["1391677057810288641"]
    assert "__twarc" not in transcript(hub).read_text()
    assert doc["meta"]["imports"] == [{"file": "two_tweets.jsonl", "imported_at": "2026-06-01T12:00:00Z",
                                       "posts": 1}]
    assert "1 post, 1 new" in out


def test_jsonl_without_envelope_gives_the_same_transcript(hub, run_cli, tmp_path):
    assert run_cli("import", SLUG, str(TWARC / "two_tweets.jsonl"))[0] == 0
    with_envelope = stored(hub)
    transcript(hub).unlink()
    lines = (TWARC / "two_tweets.jsonl").read_text().splitlines()
    bare = tmp_path / "two_tweets.jsonl"
    bare.write_text("\n".join(json.dumps({k: v for k, v in json.loads(line).items() if k != "__twarc"})
                              for line in lines) + "\n")
    assert run_cli("import", SLUG, str(bare))[0] == 0
    assert stored(hub) == with_envelope


def test_twarc_flattened_lines_are_restored_to_the_api_shape(hub, run_cli, tmp_path):
    response = json.loads((TWARC / "media_tweet.jsonl").read_text())
    users = {u["id"]: u for u in response["includes"]["users"]}
    media = {m["media_key"]: m for m in response["includes"]["media"]}
    flat = []
    for post in response["data"]:
        post = json.loads(json.dumps(post))
        post["author"] = users[post["author_id"]]
        post["attachments"]["media"] = [media[k] for k in post["attachments"]["media_keys"]]
        post["__twarc"] = {"url": "https://api.twitter.com/2/tweets", "version": "2.12.0"}
        flat.append(post)
    path = tmp_path / "flat.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in flat))
    assert run_cli("import", SLUG, str(path))[0] == 0
    doc = stored(hub)
    assert doc["data"] == response["data"]
    assert doc["includes"]["users"] == response["includes"]["users"]
    assert doc["includes"]["media"] == response["includes"]["media"]


def test_single_api_response_as_json(hub, run_cli):
    code, out, err = run_cli("import", SLUG, str(TWEEPY_BODY))
    assert code == 0, err
    body = json.loads(TWEEPY_BODY.read_text())
    assert sorted(p["id"] for p in stored(hub)["data"]) == sorted(p["id"] for p in body["data"])
    assert "next_token" not in transcript(hub).read_text()


def test_several_files_and_a_list_of_responses(hub, run_cli, tmp_path):
    listed = tmp_path / "pages.json"
    listed.write_text(json.dumps([json.loads((TWARC / n).read_text())
                                  for n in ("edited.jsonl", "many_urls.jsonl")], indent=2))
    code, out, err = run_cli("import", SLUG, str(listed), str(TWARC / "media_tweet.jsonl"))
    assert code == 0, err
    ids = [p["id"] for p in stored(hub)["data"]]
    assert ids == ["1558553189766631429", "1576994789110992896", "1610692575752601600"]  # oldest first


def test_twarc_csv_rebuilds_posts_and_authors(hub, run_cli):
    code, out, err = run_cli("import", SLUG, str(TWARC / "small_sample.csv"))
    assert code == 0, err
    doc = stored(hub)
    posts = {p["id"]: p for p in doc["data"]}
    assert len(posts) == 4
    first = posts["1170073690492588037"]
    assert first["text"].startswith("After a long quest to the Motel")
    assert "can\u2019t wait" in first["text"] and "\n@AlphaXsc2" in first["text"]
    assert first["created_at"] == "2019-09-06T20:38:01.000Z"
    assert first["public_metrics"] == {"retweet_count": 0, "reply_count": 0, "like_count": 3,
                                       "quote_count": 0}
    assert first["author_id"] == "2722354677" and first["possibly_sensitive"] is False
    assert first["entities"]["mentions"][0] == {"start": 121, "end": 131, "username": "AlphaXsc2",
                                                "id": "1078188823450767361"}
    quote = posts["1169968866866466817"]
    assert quote["referenced_tweets"] == [{"type": "quoted", "id": "1169734611666198528"}]
    assert quote["entities"]["urls"][0]["display_url"].startswith("twitter.com/GameStop")
    users = {u["id"]: u for u in doc["includes"]["users"]}
    author = users["2722354677"]
    assert author["username"] == "aXSniperSC" and author["name"] == "Chris Canning"
    assert author["profile_image_url"].startswith("https://pbs.twimg.com/profile_images/")
    assert author["location"] == "Kitchener, Ontario, Canada"
    assert author["public_metrics"]["followers_count"] == 453 and author["verified"] is False
    assert users["22258315"]["username"] == "GameStop"


CURRENT_COLUMNS = ["id", "conversation_id", "referenced_tweets.replied_to.id",
                   "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id",
                   "in_reply_to_username", "created_at", "text", "lang",
                   "public_metrics.like_count", "public_metrics.reply_count",
                   "edit_history_tweet_ids", "entities.hashtags", "entities.mentions", "entities.urls",
                   "author.id", "author.username", "author.name", "author.profile_image_url",
                   "author.verified", "__twarc.url"]


def write_csv(path: Path, rows: list[list[str]], columns: list[str] = CURRENT_COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_current_twarc_csv_columns(hub, run_cli, tmp_path):
    text = r"@HostCo A1 five years\nno more #Tenants https://t.co/abc123"
    path = write_csv(tmp_path / "chat.csv", [[
        "1812345678901234567", "1812345678900000000", "1812345678900000000", "", "42", "7", "HostCo",
        "2026-07-09T17:05:00.000Z", text, "en", "3", "1", '["1812345678901234567"]', '["#Tenants"]',
        '["@HostCo"]', '["https://example.org/leases"]', "42", "lena", "Lena S", "https://x/lena.jpg",
        "False", "https://api.twitter.com/2/tweets/search/recent",
    ]])
    code, out, err = run_cli("import", SLUG, str(path))
    assert code == 0, err
    doc = stored(hub)
    (post,) = doc["data"]
    assert post["text"] == "@HostCo A1 five years\nno more #Tenants https://t.co/abc123"
    assert post["referenced_tweets"] == [{"type": "replied_to", "id": "1812345678900000000"}]
    at = post["text"].index("#Tenants")
    assert post["entities"]["hashtags"] == [{"start": at, "end": at + 8, "tag": "Tenants"}]
    assert post["entities"]["mentions"] == [{"start": 0, "end": 7, "username": "HostCo"}]
    url = post["entities"]["urls"][0]
    assert (url["url"], url["expanded_url"], url["display_url"]) == (
        "https://t.co/abc123", "https://example.org/leases", "example.org/leases")
    assert post["public_metrics"] == {"like_count": 3, "reply_count": 1}
    assert post["edit_history_tweet_ids"] == ["1812345678901234567"]
    users = {u["id"]: u for u in doc["includes"]["users"]}
    assert users["42"] == {"id": "42", "username": "lena", "name": "Lena S",
                           "profile_image_url": "https://x/lena.jpg", "verified": False}
    assert users["7"] == {"id": "7", "username": "HostCo"}


def test_import_keeps_stored_posts_and_only_fills_gaps(hub, run_cli, tmp_path):
    body = json.loads(TWEEPY_BODY.read_text())
    first = body["data"][0]
    transcript(hub).write_text(json.dumps({"data": [{"id": first["id"], "text": "as captured",
                                                     "lang": "en"}]}))
    assert run_cli("import", SLUG, str(TWEEPY_BODY))[0] == 0
    kept = next(p for p in stored(hub)["data"] if p["id"] == first["id"])
    assert kept["text"] == "as captured" and kept["lang"] == "en"
    assert kept["edit_history_tweet_ids"] == first["edit_history_tweet_ids"]


def test_importing_twice_is_byte_identical(hub, run_cli):
    assert run_cli("import", SLUG, str(TWARC / "small_sample.csv"))[0] == 0
    once = transcript(hub).read_bytes()
    assert run_cli("import", SLUG, str(TWARC / "small_sample.csv"))[0] == 0
    assert transcript(hub).read_bytes() == once


def test_window_keeps_the_chat_and_the_posts_it_refers_to(hub, run_cli, tmp_path):
    inside = ["1812345678901234567", "", "", "1169734611666198528", "42", "", "",
              "2026-07-09T17:05:00Z", "quoting an old one #Tenants", "en", "0", "0", "", "", "", "",
              "42", "lena", "Lena", "", "False", ""]
    old = ["1169734611666198528", "", "", "", "43", "", "", "2019-09-05T22:10:38.000Z", "old post",
           "en", "0", "0", "", "", "", "", "43", "gs", "GS", "", "True", ""]
    unrelated = ["1169734611666198999", "", "", "", "44", "", "", "2019-09-05T22:10:38.000Z",
                 "unrelated", "en", "0", "0", "", "", "", "", "44", "zz", "ZZ", "", "True", ""]
    path = write_csv(tmp_path / "mixed.csv", [inside, old, unrelated])
    code, out, err = run_cli("import", SLUG, str(path), "--window")
    assert code == 0, err
    doc = stored(hub)
    assert [p["id"] for p in doc["data"]] == ["1812345678901234567"]
    assert doc["data"][0]["created_at"] == "2026-07-09T17:05:00.000Z"
    assert [t["id"] for t in doc["includes"]["tweets"]] == ["1169734611666198528"]
    assert {u["username"] for u in doc["includes"]["users"]} == {"lena", "gs"}
    assert "2 outside the chat's window left out" in out


def test_complete_marks_the_import_so_fetch_due_leaves_it(hub, run_cli, monkeypatch):
    assert run_cli("import", SLUG, str(TWARC / "small_sample.csv"), "--complete")[0] == 0
    assert stored(hub)["meta"]["complete"] is True
    monkeypatch.setenv("CHATHUB_NOW", "2026-07-20T00:00:00Z")
    monkeypatch.setenv("X_BEARER_TOKEN", "unused")
    code, out, err = run_cli("fetch", "--due")
    assert code == 0 and "no chat is due" in out


BROKEN = {
    "bad-line.jsonl": (lambda: (TWARC / "two_tweets.jsonl").read_text() + '{"data": [\n', 2,
                       "not valid JSON"),
    "bad-id.jsonl": (lambda: '{"data": [{"id": "12"}]}\n{"data": [{"id": "x1", "text": "t"}]}\n', 2,
                     "'x1' is not a post id"),
    "compliance.jsonl": (lambda: (TWARC / "tweets_compliance.jsonl").read_text(), 2,
                         "a compliance record"),
    "other.jsonl": (lambda: '{"data": [{"id": "12"}]}\n\n{"hello": 1}\n', 3, "not an X API response"),
    "broken.json": (lambda: '{\n "data": [\n  {"id": "1", "text": "x"}\n  oops\n ]\n}\n', 4,
                    "not valid JSON"),
    "fields.csv": (lambda: "id,text\n1,one\n2,two,extra\n", 3, "3 fields, but the header has 2"),
    "noid.csv": (lambda: "text,lang\nhello,en\n", 1, "no id column"),
    "metric.csv": (lambda: 'id,text,public_metrics.like_count\n1,"multi\nline",3\n2,b,lots\n', 4,
                   "lots"),
    "time.csv": (lambda: "id,created_at\n1,yesterday\n", 2, "created_at 'yesterday'"),
    "empty.jsonl": (lambda: "\n", 1, "empty"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_names_file_and_line_and_leaves_the_transcript(hub, run_cli, tmp_path, name):
    assert run_cli("import", SLUG, str(TWEEPY_BODY))[0] == 0
    before = transcript(hub).read_bytes()
    make, line, message = BROKEN[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    code, out, err = run_cli("import", SLUG, str(TWARC / "small_sample.csv"), str(path))
    assert code == 1
    assert f"{path}:{line}: " in err and message in err, err
    assert "Traceback" not in err and "nothing was imported" in err
    assert transcript(hub).read_bytes() == before
    assert sorted(p.name for p in hub.chats.iterdir() if p.name.startswith(".")) == []


def test_missing_file_and_unknown_chat(hub, run_cli, tmp_path):
    code, out, err = run_cli("import", SLUG, str(tmp_path / "nope.jsonl"))
    assert code == 1 and "nope.jsonl: no such file" in err
    code, out, err = run_cli("import", "leases", str(TWEEPY_BODY))
    assert code == 1 and "no chat 'leases'" in err
    assert not transcript(hub).exists()


def test_hidden_people_are_left_out_of_imports(make_hub, run_cli):
    hub = make_hub()
    hub.add_chat(SLUG, CHAT + 'hide: ["@GameStop", "1169968866866466817"]\n')
    code, out, err = run_cli("import", SLUG, str(TWARC / "small_sample.csv"))
    assert code == 0, err
    doc = stored(hub)
    assert {p["id"] for p in doc["data"]} == {"1170073690492588037", "1171208136721620992"}
    assert "GameStop" not in {u["username"] for u in doc["includes"]["users"]}
    assert "2 left out" in out
