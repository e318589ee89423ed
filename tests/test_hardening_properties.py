"""Property-based: any JSON as a transcript, any JSON line as an import; nothing escapes but
chathub's own located errors (and a transcript that passes is read and analysed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chathub.analysis.chat import analyze
from chathub.capture.x.document import dump_document, parse_transcript
from chathub.capture.x.imports import ImportFileError, read_json
from chathub.capture.x.normalise import read_document
from chathub.model.chat import Chat, Person
from chathub.transcripts.store import TranscriptError

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
           | st.sampled_from(["1800000000000000001", "2026-07-09T17:05:00.000Z", "", "0001-01-01T00:00:00Z",
                              "https://t.co/x", "javascript:alert(1)", "9999-12-31T23:59:59-23:00"]))
KEYS = st.sampled_from(["id", "text", "created_at", "author_id", "entities", "urls", "mentions",
                        "hashtags", "start", "end", "url", "expanded_url", "username", "tag",
                        "public_metrics", "like_count", "referenced_tweets", "type", "note_tweet",
                        "attachments", "media_keys", "edit_history_tweet_ids", "conversation_id",
                        "in_reply_to_user_id", "users", "tweets", "media", "media_key", "name",
                        "profile_image_url", "description", "url", "retweet_count"]) | st.text(max_size=8)
JSON = st.recursive(SCALARS, lambda children: st.lists(children, max_size=5)
                    | st.dictionaries(KEYS, children, max_size=6), max_leaves=40)
POST = st.fixed_dictionaries({"id": st.sampled_from(["1800000000000000001", "1800000000000000002", "x", 7])},
                             optional={k: JSON for k in ("text", "created_at", "author_id", "entities",
                                                         "public_metrics", "referenced_tweets",
                                                         "note_tweet", "attachments",
                                                         "edit_history_tweet_ids")})
DOCUMENTS = st.fixed_dictionaries({"data": st.lists(POST | JSON, max_size=4)},
                                  optional={"includes": st.dictionaries(
                                      st.sampled_from(["users", "tweets", "media", "places"]),
                                      st.lists(JSON, max_size=3) | JSON, max_size=3), "meta": JSON}) | JSON
CHAT = Chat(slug="c", source=Path("chats/c.yml"), title="T", hashtag="Tag",
            start=datetime(2026, 7, 9, 13, tzinfo=UTC), timezone="UTC", host=Person("host"))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(DOCUMENTS)
def test_any_json_as_a_transcript_is_read_or_refused_with_a_located_error(doc):
    text = json.dumps(doc)
    try:
        parsed = parse_transcript(text, Path("chats/c.tweets.json"), "chats/c.tweets.json")
    except TranscriptError as exc:
        message = str(exc)
        assert message.startswith("chats/c.tweets.json")
        assert ":1:1:" not in message or not isinstance(doc, dict) or "data" not in doc
        return
    analysis = analyze(CHAT, read_document(parsed, {"host"}), {"host"})
    assert analysis.figures.posts >= 0
    assert json.loads(dump_document(parsed))["meta"]["result_count"] == len(parsed["data"])


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(DOCUMENTS, min_size=1, max_size=3))
def test_any_json_lines_as_an_import_are_read_or_refused_with_the_file_named(lines):
    text = "\n".join(json.dumps(line) for line in lines)
    try:
        doc = read_json(text, "capture.jsonl")
    except ImportFileError as exc:
        assert str(exc).startswith("capture.jsonl")
        return
    read_document(doc)
    dump_document(doc)
