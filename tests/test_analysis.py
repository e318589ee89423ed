"""Threading a chat by question: labels, replies, threads, time windows, hide lists, figures."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from chatdoc import START, Doc
from conftest import CHAT, DATA

from chathub.analysis.chat import analyze, answer_number, question_number
from chathub.capture.x.normalise import read_document, split_text
from chathub.model.chat import HubConfig
from chathub.model.loader import read_chat
from chathub.transcripts.posts import Post, User

MAY = CHAT.replace("2026-07-09", "2026-05-14")


@pytest.fixture
def load_chat(tmp_path):
    def load(text: str = MAY, slug: str = "leases"):
        path = tmp_path / f"{slug}.yml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        chat, problems = read_chat(path, HubConfig(root=tmp_path, chats_dir=tmp_path))
        assert chat is not None, problems.items
        return chat

    return load


def _post(text: str, minutes: float = 0) -> Post:
    return Post(id="1", author=User("9", "someone"), created_at=START + timedelta(minutes=minutes),
                text=text)


@pytest.mark.parametrize("text, number", [
    ("Q1 How long a lease?", 1), ("Q1: How long?", 1), ("q1. how long?", 1), ("Q1) How?", 1),
    ("Q 1 How long?", 1), (".@guest_two Q2 What clause?", 2), ("#Tenants Q2 - What?", 2),
    ("Question 2: what?", 2), ("👉 Q2: what?", 2), ("Q12 twelve", 12),
    ("Quick question for all", None), ("Q123 is not a label", None), ("Our Q1 results", None),
    ("Q1a is not a label", None),
])
def test_question_labels(text, number):
    assert question_number(_post(text)) == number


@pytest.mark.parametrize("text, number", [
    ("A1 Five years", 1), ("a1: five years", 1), ("A1) five", 1), ("A1. five", 1), ("A1- five", 1),
    ("A 1 - five", 1), ("A 1: five", 1), ("A1", 1), (".@HostCo A2 the break clause", 2),
    ("@HostCo @mod_one A2 the break clause", 2), ("#Tenants A2 the break clause", 2),
    ("👉 A2: the break clause", 2), ("Late A1 bonus: bikes", 1), ("Answer 2: clauses", 2),
    ("A great answer", None), ("Aa1 nope", None), ("All good A", None),
    ("A 2 hour meeting is too long", None),  # spaced, followed by a word, before Q2 was asked
])
def test_answer_labels(text, number):
    assert answer_number(_post(text), asked={1: START}) == number


def test_spaced_label_counts_once_its_question_was_asked():
    asked = {2: START + timedelta(minutes=10)}
    assert answer_number(_post("A 2 the break clause", 5), asked) is None
    assert answer_number(_post("A 2 the break clause", 15), asked) == 2


def _tricky(doc: Doc) -> dict[str, str]:
    ids = {}
    ids["hello"] = doc.post("early_bird", "Hi all, early as always #Tenants", -4)
    ids["welcome"] = doc.post("HostCo", "Welcome to #Tenants! Introduce yourselves", 0)
    ids["intro"] = doc.post("fran", "Fran here, facilities in Boston #Tenants", 1)
    ids["q1"] = doc.post("HostCo", "Q1: How long a lease would you sign? #Tenants", 5, likes=9)
    ids["a1"] = doc.post("fran", "A1 Five years, with a break at three #Tenants", 6, likes=4, reposts=1)
    ids["a1b"] = doc.post("ben", ".@HostCo a1) ten, if the rent is right #Tenants", 7, likes=2)
    ids["bare"] = doc.post("priya", "Three years and not a day more", 8, reply_to=ids["q1"])
    ids["deep"] = doc.post("ben", "@priya Why three?", 9, reply_to=ids["bare"])
    ids["rt"] = doc.post("lou", "RT @fran: A1 Five years, with a break at three #Tenants", 9.5,
                         retweet=ids["a1"])
    ids["teaser"] = doc.post("HostCo", "Q2 is coming up in a minute!", 14)
    ids["q2"] = doc.post("mod_one", "Q2. What clause saved you? #Tenants", 15)
    ids["late_a1"] = doc.post("sam", "A1 late but: seven years #Tenants", 16)
    ids["deeper"] = doc.post("priya", "@ben Because we grow fast", 17, reply_to=ids["deep"])
    ids["thread"] = doc.post("sam", "@fran And the break saved us once", 18, reply_to=ids["a1"])
    ids["a2_reply"] = doc.post("fran", "@ben A2 the break clause, as it happens", 19, reply_to=ids["a1b"])
    ids["by_time"] = doc.post("jo", "Exit clauses, always #Tenants", 20)
    ids["a3"] = doc.post("jo", "A3 there is no Q3 #Tenants", 21)
    ids["bye"] = doc.post("HostCo", "That's a wrap! #Tenants", 55)
    ids["after"] = doc.post("jo", "Great chat, thanks all #Tenants", 70)
    return ids


def test_posts_are_assigned_by_label_then_reply_then_time(load_chat):
    doc = Doc()
    ids = _tricky(doc)
    analysis = analyze(load_chat(), read_document(doc.document()))
    place = {key: s.key for s in analysis.sections for key in _keys(s, ids)}
    assert [s.key for s in analysis.sections] == ["intro", "q1", "q2", "other"]
    assert analysis.section("q1").question.post.id == ids["q1"]
    assert analysis.section("q2").question.post.id == ids["q2"]  # not the teaser
    assert place["hello"] == place["welcome"] == place["intro"] == "intro"
    for key in ("a1", "a1b", "bare", "deep", "late_a1", "deeper", "thread"):
        assert place[key] == "q1", key
    for key in ("teaser", "a2_reply", "by_time", "a3", "bye"):
        assert place[key] == "q2", key
    assert place["after"] == "other"
    assert "rt" not in place and ids["rt"] not in analysis.entries
    how = {k: analysis.entries[ids[k]].how for k in ("a1", "bare", "deep", "by_time", "thread")}
    assert how == {"a1": "label", "bare": "reply", "deep": "reply", "by_time": "time",
                   "thread": "thread"}


def _keys(section, ids):
    found = {section.question.post.id} if section.question else set()
    stack = list(section.entries)
    while stack:
        entry = stack.pop()
        found.add(entry.post.id)
        stack.extend(entry.replies)
    return [k for k, v in ids.items() if v in found]


def test_replies_nest_under_the_post_they_answer(load_chat):
    doc = Doc()
    ids = _tricky(doc)
    analysis = analyze(load_chat(), read_document(doc.document()))
    q1 = analysis.section("q1")
    roots = [e.post.id for e in q1.entries]
    # Direct replies to the question post are top-level answers, in time order.
    assert roots == [ids["a1"], ids["a1b"], ids["bare"], ids["late_a1"]]
    a1 = analysis.entries[ids["a1"]]
    assert [r.post.id for r in a1.replies] == [ids["thread"]]
    bare = analysis.entries[ids["bare"]]
    assert [r.post.id for r in bare.replies] == [ids["deep"]]
    assert [r.post.id for r in bare.replies[0].replies] == [ids["deeper"]]
    # A labelled reply to a post of another section stands alone, saying what it replies to.
    moved = analysis.entries[ids["a2_reply"]]
    assert moved in analysis.section("q2").entries
    assert moved.reply_note == ("@ben", f"#t{ids['a1b']}")


def test_question_posted_without_the_hashtag_comes_from_includes(load_chat):
    doc = Doc()
    q1 = doc.post("HostCo", "Q1 How long a lease would you sign?", 5, include=True)
    answer = doc.post("fran", "Five years", 6, reply_to=q1)
    analysis = analyze(load_chat(), read_document(doc.document()))
    section = analysis.section("q1")
    assert section.question.post.id == q1
    assert [e.post.id for e in section.entries] == [answer]
    assert analysis.figures.posts == 2


def test_an_old_question_someone_quotes_is_not_this_chats_question(load_chat):
    doc = Doc()
    old = doc.post("HostCo", "Q1 How long a lease would you sign?", -60 * 24 * 30, include=True)
    doc.post("fran", "Remember this one? #Tenants", 3, quote=old)
    analysis = analyze(load_chat(), read_document(doc.document()))
    assert analysis.section("q1").question is None


def test_reply_cycles_and_missing_parents_do_not_hang(load_chat):
    doc = Doc()
    first = doc.post("fran", "one #Tenants", 6, reply_to="999")
    second = doc.post("ben", "two #Tenants", 7, reply_to=first)
    doc.find(first)["referenced_tweets"] = [{"type": "replied_to", "id": second}]
    analysis = analyze(load_chat(), read_document(doc.document()))
    assert set(analysis.entries) == {first, second}
    assert sum(s.count for s in analysis.sections) == 2


def test_no_question_posts_puts_everything_in_time_order(load_chat):
    doc = Doc()
    doc.post("fran", "before #Tenants", -5)
    doc.post("ben", "during #Tenants", 10)
    analysis = analyze(load_chat(), read_document(doc.document()))
    keys = [s.key for s in analysis.sections]
    assert keys == ["intro", "q1", "q2", "other"]  # the chat's questions always have a section
    assert analysis.section("q1").count == 0 and analysis.section("other").count == 1


def test_hide_drops_people_and_posts_but_keeps_replies_to_them(load_chat):
    doc = Doc()
    q1 = doc.post("HostCo", "Q1 How long? #Tenants", 5)
    secret = doc.post("Shy_Sam", "A1 my secret answer #Tenants", 6, likes=50)
    reply = doc.post("fran", "@Shy_Sam Good point!", 7, reply_to=secret)
    quoting = doc.post("ben", "So true #Tenants", 8, quote=secret)
    dropped = doc.post("jo", "A1 drop this one #Tenants", 9, likes=7)
    doc.post("lou", "RT", 9.5, retweet=secret)
    chat = load_chat(MAY + f'hide: ["@shy_sam", "{dropped}"]\n')
    analysis = analyze(chat, read_document(doc.document(), {"shy_sam"}), {"shy_sam", dropped})
    assert secret not in analysis.entries and dropped not in analysis.entries
    assert {c.user.handle for c in analysis.contributors} == {"HostCo", "fran", "ben"}
    kept = analysis.entries[reply]
    assert kept.reply_note is None  # no "Replying to @Shy_Sam"
    assert analysis.entries[quoting].quoted is None
    mention = next(s for s in kept.post.segments if s.kind == "mention")
    assert mention.href is None and mention.text == "@Shy_Sam"
    assert analysis.figures.likes == 0 and analysis.figures.reposts == 0
    assert analysis.figures.posts == 3 and q1 in analysis.entries


def test_figures_of_a_known_transcript(load_chat):
    doc = Doc()
    q1 = doc.post("HostCo", "Q1 How long? #Tenants", 5, likes=10, reposts=3, impressions=500)
    a = doc.post("fran", "A1 five #Tenants", 6, likes=4, reposts=1, replies=1, impressions=200)
    doc.post("ben", "@fran why?", 7, reply_to=a, likes=1)
    doc.post("ben", "A1 ten #Tenants", 8, likes=2)
    doc.post("lou", "RT @fran: A1 five", 9, retweet=a)  # already in fran's retweet_count
    outside = doc.post("old", "an older post", -600, include=True)
    doc.post("lou", "RT @old: an older post", 10, retweet=outside)  # a repost the counts miss
    analysis = analyze(load_chat(), read_document(doc.document()))
    f = analysis.figures
    assert (f.posts, f.participants, f.replies, f.reposts, f.likes, f.impressions) == (
        4, 3, 1, 3 + 1 + 1, 17, 700)
    assert [(c.user.handle, c.posts) for c in analysis.top_contributors] == [("ben", 2), ("fran", 1)]
    assert analysis.timeline.marks == [(5, "Q1")]
    assert analysis.timeline.counts[5:9] == [1, 1, 1, 1]
    assert sum(analysis.timeline.counts) == 4
    assert q1 in analysis.entries


def test_impressions_are_absent_when_no_post_has_them(load_chat):
    doc = Doc()
    doc.post("fran", "hello #Tenants", 1)
    assert analyze(load_chat(), read_document(doc.document())).figures.impressions is None


def test_unanswered_questions_and_highlights(load_chat):
    doc = Doc()
    q1 = doc.post("HostCo", "Q1 How long? #Tenants", 5)
    open_q = doc.post("fran", "A1 five. How do you all handle renewals? #Tenants", 6)
    answered = doc.post("ben", "Does anyone negotiate the break clause? #Tenants", 7)
    doc.post("jo", "@ben We always do", 8, reply_to=answered)
    counted = doc.post("sam", "Who else gets asked about parking? #Tenants", 9, replies=2)
    doc.post("HostCo", "What does everyone think about that? #Tenants", 10)  # the team's own
    doc.post("priya", "A1 Honestly? Three years #Tenants", 11, likes=1)  # a one-word "question"
    top = doc.post("jo", "A1 twenty years #Tenants", 12, likes=30)
    mid = doc.post("jo", "A1 nineteen years #Tenants", 13, likes=20)
    low = doc.post("ben", "A1 two years #Tenants", 14, likes=3)
    chat = load_chat(MAY + f'highlights: ["{open_q}"]\n')
    analysis = analyze(chat, read_document(doc.document()))
    assert [e.post.id for e in analysis.unanswered] == [open_q]
    # The chat's highlights first, then the most engaging answers, one per person first.
    assert [e.post.id for e in analysis.highlights["q1"]] == [open_q, top, low]
    assert counted and mid and q1


def test_links_are_counted_once_per_url(load_chat):
    doc = Doc()
    doc.post("fran", "Template https://t.co/aaa #Tenants", 1,
             urls={"https://t.co/aaa": "https://Example.org/template/"})
    doc.post("ben", "Same https://t.co/bbb", 2, urls={"https://t.co/bbb": "https://example.org/template"})
    doc.post("jo", "See https://t.co/ccc", 3, urls={"https://t.co/ccc": "https://x.com/jo/status/1"})
    doc.post("sam", "Evil https://t.co/ddd", 4, urls={"https://t.co/ddd": "javascript:alert(1)"})
    links = analyze(load_chat(), read_document(doc.document())).links
    assert [(link.url, link.count) for link in links] == [("https://Example.org/template/", 2)]


def test_times_are_in_the_chats_zone(load_chat):
    doc = Doc()
    ident = doc.post("fran", "hello #Tenants", 5)
    entry = analyze(load_chat(), read_document(doc.document())).entries[ident]
    assert entry.local.strftime("%H:%M %Z") == "13:05 EDT"
    assert entry.post.created_at == datetime(2026, 5, 14, 17, 5, tzinfo=UTC)


def test_text_is_unescaped_once_and_entities_found_in_either_convention():
    raw = "Fish &amp; chips &lt;3 @fran #Tenants https://t.co/x"
    plain = "Fish & chips <3 @fran #Tenants https://t.co/x"
    unescaped_offsets = {"mentions": [{"start": 16, "end": 21, "username": "fran"}],
                         "hashtags": [{"start": 22, "end": 30, "tag": "Tenants"}],
                         "urls": [{"start": 31, "end": 45, "url": "https://t.co/x",
                                   "expanded_url": "https://example.org/", "display_url": "example.org"}]}
    shift = len(raw) - len(plain)
    escaped_offsets = {k: [{**e, "start": e["start"] + shift, "end": e["end"] + shift} for e in v]
                       for k, v in unescaped_offsets.items()}
    for entities in (unescaped_offsets, escaped_offsets):
        text, segments = split_text({"entities": entities}, raw)
        assert text == plain
        assert [(s.kind, s.text) for s in segments] == [
            ("text", "Fish & chips <3 "), ("mention", "@fran"), ("text", " "),
            ("hashtag", "#Tenants"), ("text", " "), ("link", "example.org")]
        assert segments[-1].href == "https://t.co/x" and segments[-1].title == "https://example.org/"
    # Literal entity-like text the author typed stays as typed.
    assert split_text({}, "&amp;copy; AT&T")[0] == "&copy; AT&T"


def test_entity_offsets_count_code_points_after_emoji():
    text = "🎉🎉 @fran 👋 #Tenants"
    entities = {"mentions": [{"start": 3, "end": 8, "username": "fran"}],
                "hashtags": [{"start": 11, "end": 19, "tag": "Tenants"}]}
    _, segments = split_text({"entities": entities}, text)
    assert [(s.kind, s.text) for s in segments if s.kind != "text"] == [
        ("mention", "@fran"), ("hashtag", "#Tenants")]


def test_real_many_urls_capture_links_its_urls():
    line = (DATA / "twarc-csv" / "many_urls.jsonl").read_text(encoding="utf-8").splitlines()[0]
    page = json.loads(line)
    doc = read_document(page)
    post = doc.posts[0]
    links = [s for s in post.segments if s.kind == "link"]
    assert [(s.text, s.href) for s in links] == [
        ("uiadrian.gumroad.com/l/web-design-g…", "https://t.co/C73mC2F5nY")]
    assert links[0].title.startswith("https://uiadrian.gumroad.com/l/web-design-guide/")
    assert "".join(s.text for s in post.segments).replace(links[0].text, "https://t.co/C73mC2F5nY") == \
        post.text
    assert post.reply_to == "1610623087061471232" and post.author.handle == "uiuxadrian"
    assert post.metrics.likes == 13 and post.metrics.impressions is None
    assert "1610623087061471232" in doc.referenced


def test_long_posts_use_the_note_tweet_text():
    doc = Doc()
    doc.post("fran", "Short version… https://t.co/more", 1,
             note_tweet={"text": "The whole long text &amp; more @ben", "entities": {
                 "mentions": [{"start": 26, "end": 30, "username": "ben"}]}})
    post = read_document(doc.document()).posts[0]
    assert post.text == "The whole long text & more @ben"
    assert [s.kind for s in post.segments] == ["text", "mention"]
