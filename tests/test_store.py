"""The transcript store: deterministic bytes, merges that never lose a post, atomic writes."""

from __future__ import annotations

import json
import os
import random

import pytest
from conftest import DATA

from chathub.capture.x.document import (
    dump_document,
    hide_posts,
    merge_documents,
    read_transcript,
    remove_posts,
    write_transcript,
)
from chathub.transcripts.store import TranscriptError

TWARC = DATA / "twarc-csv"


def page(name: str) -> dict:
    return json.loads((TWARC / name).read_text())


def pages() -> list[dict]:
    return [page(n) for n in ("two_tweets.jsonl", "edited.jsonl", "many_urls.jsonl",
                              "media_tweet.jsonl")]


def test_same_content_in_any_order_gives_identical_bytes():
    texts = set()
    for seed in range(5):
        shuffled = pages()
        random.Random(seed).shuffle(shuffled)
        for item in shuffled:
            random.Random(seed).shuffle(item.get("includes", {}).get("users", []))
        texts.add(dump_document(merge_documents(None, *shuffled)))
    assert len(texts) == 1
    doc = json.loads(texts.pop())
    created = [p["created_at"] for p in doc["data"]]
    assert created == sorted(created)  # oldest first
    assert set(doc) == {"data", "includes", "meta"}
    assert set(doc["includes"]) == {"users", "tweets", "media"}
    assert doc["meta"]["result_count"] == 4


def test_merge_never_drops_a_stored_post_and_newer_copies_win():
    stored = merge_documents(None, *pages())
    update = {"data": [{"id": "1394735776701816833", "text": "newer",
                        "public_metrics": {"like_count": 5}}]}
    merged = merge_documents(stored, update, {"data": []}, {"includes": {}})
    assert {p["id"] for p in merged["data"]} == {p["id"] for p in stored["data"]}
    post = next(p for p in merged["data"] if p["id"] == "1394735776701816833")
    assert post["text"] == "newer" and post["public_metrics"] == {"like_count": 5}
    assert post["lang"] == "und"  # fields the page lacks are kept
    kept = merge_documents(stored, update, keep_stored=True)
    post = next(p for p in kept["data"] if p["id"] == "1394735776701816833")
    assert post["text"] == "RT @bibaigna96: #POIUYTREWQ"


def test_merge_keeps_meta_and_ignores_page_meta():
    stored = {"data": [], "includes": {}, "meta": {"query": "#Tenants -is:retweet", "complete": True}}
    merged = merge_documents(stored, page("two_tweets.jsonl"))
    assert merged["meta"] == {"query": "#Tenants -is:retweet", "complete": True, "result_count": 1}


def test_write_is_atomic_and_reports_no_change(tmp_path):
    path = tmp_path / "chat.tweets.json"
    doc = merge_documents(None, *pages())
    assert write_transcript(path, doc) is True
    assert write_transcript(path, json.loads(path.read_text())) is False
    assert [p.name for p in tmp_path.iterdir()] == ["chat.tweets.json"]
    assert read_transcript(path) == json.loads(dump_document(doc))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "chat.tweets.json"
    write_transcript(path, merge_documents(None, page("two_tweets.jsonl")))
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_transcript(path, merge_documents(None, *pages()))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["chat.tweets.json"]


def test_remove_posts_takes_orphaned_includes_with_it():
    doc = merge_documents(None, page("two_tweets.jsonl"), page("media_tweet.jsonl"))
    trimmed = remove_posts(doc, ["1558553189766631429", "1391677057810288641"])
    assert [p["id"] for p in trimmed["data"]] == ["1394735776701816833"]
    assert "media" not in trimmed["includes"] and "tweets" not in trimmed["includes"]
    assert {u["username"] for u in trimmed["includes"]["users"]} == {"LachiVeronica", "bibaigna96"}


def test_hide_posts_by_handle_and_by_id():
    doc = merge_documents(None, *pages())
    hidden, count = hide_posts(doc, ["@IgorBrigadir", "1610692575752601600"])
    assert count == 2
    text = dump_document(hidden)
    assert "IgorBrigadir" not in text and "1610692575752601600" not in text
    assert hide_posts(doc, [])[0] is doc


def test_unreadable_transcript_is_reported_with_its_line(tmp_path):
    path = tmp_path / "chat.tweets.json"
    path.write_text('{\n "data": [\n<<<<<<< HEAD\n')
    with pytest.raises(TranscriptError, match=r"chat\.tweets\.json:3:1: not valid JSON"):
        read_transcript(path)
    path.write_text("[]")
    with pytest.raises(TranscriptError, match="not an X API v2 document"):
        read_transcript(path)
    assert read_transcript(tmp_path / "missing.tweets.json") is None


def test_lone_surrogates_from_the_api_are_written_escaped(tmp_path):
    path = tmp_path / "chat.tweets.json"
    doc = json.loads('{"data": [{"id": "1", "text": "half \\ud83d and emoji \\ud83d\\ude00"}]}')
    write_transcript(path, doc)
    raw = path.read_text(encoding="utf-8")
    assert "\\ud83d and" in raw and "\U0001f600" in raw
    assert read_transcript(path)["data"][0]["text"] == doc["data"][0]["text"]
