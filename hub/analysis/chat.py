"""A chat's transcript, structured by question, with the figures of its recap.

``analyze(chat, document, hide)`` is computed once per chat and build, and every page (archive,
recap, people, index) reads from it. Pure functions over the model and ``hub.posts``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from sys import intern
from urllib.parse import urlsplit

from ..i18n.translator import N_
from ..model.chat import Chat, Person, Question
from ..transcripts.posts import Document, Post, User

# Before a label: spaces, @mentions, #hashtags, and punctuation or emoji ("👉 A1:", ".@x A1").
# A mention is of any network: @name, @name.bsky.social, @name@mastodon.social.
_MENTION = r"[@＠]\w+(?:[.-]\w+)*(?:@\w+(?:[.-]\w+)+)?(?![\w@])"
_PREFIX = r"^(?:\s|" + _MENTION + r"|[#＃]\w+(?!\w)|[^\w\s@＠#＃])*"
QUESTION_RE = re.compile(_PREFIX + r"Q(?:uestion)?(?:(\d{1,2})|\s+(\d{1,2}))(?=$|[\W_])", re.I)
ANSWER_RE = re.compile(
    _PREFIX + r"A(?:nswer)?(?:(\d{1,2})(?=$|[\W_])|\s+(\d{1,2})(?=\s*([:.)\]]|[-–—]\s)|$|\s))", re.I
)
# "Late A1 bonus:", "Re: A2 …": a plain An label after one or two short words.
ANSWER_NEAR_RE = re.compile(_PREFIX + r"(?:[^\W\d_][\w'’]{0,11}[\s,:]+){1,2}A(\d{1,2})(?=$|[\s:.)\]\-–—,;!])",
                            re.I)
MAX_DEPTH = 4  # deeper replies are shown beside their parent, with "Replying to"
TOP_CONTRIBUTORS = 10
HIGHLIGHTS_PER_QUESTION = 3
IMAGE_TYPES = frozenset({"photo", "animated_gif"})  # media that show a picture (videos aside)
# Links to the networks' own posts and media are not "links shared".
_SELF_URL = re.compile(r"^https?://(www\.|mobile\.)?(x|twitter)\.com/|^https?://pic\.(x|twitter)\.com/"
                       r"|^https?://(www\.)?bsky\.app/", re.I)


@dataclass(eq=False, slots=True)
class Entry:
    """A post as the archive shows it, with the replies nested under it."""

    post: Post
    local: datetime  # created_at in the chat's zone
    role: str = ""  # host, moderator, guest or ""
    how: str = ""  # why it is in its section: question, label, reply, thread, time
    replies: list[Entry] = field(default_factory=list)
    depth: int = 0
    reply_note: tuple[str, str] | None = None  # ("@handle", href) for "Replying to"
    quoted: Entry | None = None
    parent: Entry | None = field(default=None, repr=False)
    # The chat's date, in its zone: a post of another day shows its date with its time. Pages
    # write ``local`` in their language (``pages.post_format``).
    chat_day: date | None = field(default=None, repr=False)


@dataclass
class Section:
    """One part of the archive: the introduction, a question, or the posts after the chat."""

    key: str  # "intro", "q1", "q2"…, "other"
    # The question's text (the chat's, else its post's), or for "intro" and "other" an English
    # message that pages translate; "" for a question known only by its number ("Question 3").
    title: str
    number: int | None = None
    question: Entry | None = None  # the host's or a moderator's question post (the first one)
    entries: list[Entry] = field(default_factory=list)  # top-level posts, oldest first
    count: int = 0  # posts in the section, replies included
    questions: list[Entry] = field(default_factory=list)  # the question post on each network

    @property
    def label(self) -> str:
        return f"Q{self.number}" if self.number else ""


@dataclass
class Figures:
    """The recap's headline figures (see README, "Archive, recap, people and leads")."""

    posts: int = 0
    participants: int = 0
    replies: int = 0
    reposts: int = 0
    likes: int = 0
    impressions: int | None = None
    networks: dict[str, Figures] = field(default_factory=dict)  # per network, when there are several
    images: int = 0  # photos and GIFs attached to those posts
    images_without_alt: int = 0  # those of them without a text description (alt text)


@dataclass
class Contributor:
    user: User
    posts: int = 0
    likes: int = 0
    reposts: int = 0
    role: str = ""
    first: datetime | None = None
    others: list[User] = field(default_factory=list)  # the person's other accounts that posted


@dataclass
class SharedLink:
    url: str  # expanded URL
    display: str
    count: int
    first: Post


@dataclass
class Timeline:
    """Posts per minute from ``start``; ``marks`` are the question times (minute offsets)."""

    start: datetime  # in the chat's zone
    counts: list[int]
    marks: list[tuple[int, str]]
    outside: int = 0  # posts before or after the charted span

    @property
    def moments(self) -> list[datetime]:
        """The local time of each minute (pages write it as their language's clock)."""
        zone, first = self.start.tzinfo, self.start.astimezone(UTC)
        return [(first + timedelta(minutes=i)).astimezone(zone) for i in range(len(self.counts))]

    @property
    def ticks(self) -> list[tuple[int, datetime]]:
        """Minutes to label on the time axis: every quarter hour (every hour on long charts)."""
        step = 15 if len(self.counts) <= 180 else 60
        return [(i, moment) for i, moment in enumerate(self.moments) if moment.minute % step == 0]

    @property
    def marked(self) -> dict[int, list[str]]:
        """The questions asked in each minute that has one: minute offset -> ["Q1"]."""
        found: dict[int, list[str]] = {}
        for minute, label in self.marks:
            found.setdefault(minute, []).append(label)
        return found

    @property
    def peak(self) -> int:
        return max(self.counts, default=0)


@dataclass
class Analysis:
    chat: Chat
    posts: list[Post]  # visible posts, reposts excluded, oldest first
    sections: list[Section]
    figures: Figures
    contributors: list[Contributor]  # every author, most active first
    highlights: dict[str, list[Entry]]  # section key -> highlighted entries
    unanswered: list[Entry]
    links: list[SharedLink]
    timeline: Timeline
    entries: dict[str, Entry]  # post id -> entry
    identities: Mapping[str, str] = field(default_factory=dict)  # network:account -> person

    @cached_property  # its archive's, recap's and cards' planning and pages each ask, several times
    def networks(self) -> tuple[str, ...]:
        """The networks the chat's posts came from, in order of first post."""
        return tuple(dict.fromkeys(p.network for p in self.posts))

    @property
    def top_contributors(self) -> list[Contributor]:
        """The most active participants (team aside), one row per person: the accounts the chat
        files join count together, under the account they posted most from."""
        people: dict[str, Contributor] = {}
        for c in self.contributors:
            if c.role in ("host", "moderator"):
                continue
            who = identity(c.user, self.identities)
            if who not in people:
                people[who] = Contributor(c.user, c.posts, c.likes, c.reposts, c.role, c.first)
                continue
            person = people[who]
            person.others.append(c.user)
            person.posts += c.posts
            person.likes += c.likes
            person.reposts += c.reposts
            if c.first and (person.first is None or c.first < person.first):
                person.first = c.first
        return sorted(people.values(), key=lambda c: (-c.posts, -(c.likes + c.reposts),
                                                      c.user.handle.lower(), c.user.id))[:TOP_CONTRIBUTORS]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def is_hidden(post: Post, hide: frozenset[str]) -> bool:
    """A post is hidden when its id (or URL), its author's handle (any case) or author id is
    listed."""
    if not hide:
        return False
    author = post.author
    return (post.id in hide or author.handle.lower() in hide or author.id in hide
            or (post.network != "x" and (post.id.lower() in hide or post.url.lower() in hide
                                         or author.id.lower() in hide)))


def question_number(post: Post) -> int | None:
    """The ``Qn`` label that starts a post, if any."""
    match = QUESTION_RE.match(post.text)
    return int(match.group(1) or match.group(2)) if match else None


def answer_number(post: Post, asked: dict[int, datetime]) -> int | None:
    """The ``An`` label near a post's start, for a question of the chat.

    ``A 1`` (with a space) followed by a word counts only once Q1 has been asked, so that
    "A 2 hour meeting…" before Q2 is not taken for an answer.
    """
    match = ANSWER_RE.match(post.text)
    if not match:
        near = ANSWER_NEAR_RE.match(post.text)
        return int(near.group(1)) if near else None
    number = int(match.group(1) or match.group(2))
    if match.group(2) and not match.group(3) and not (number in asked and asked[number] <= post.created_at):
        return None
    return number


def _roles(chat: Chat) -> dict[str, str]:
    """``network:account`` -> role, for every account of the chat's people."""
    roles = {a: "guest" for g in chat.guests for a in g.account_keys}
    roles.update({a: "moderator" for m in chat.moderators for a in m.account_keys})
    roles.update({a: "host" for a in chat.host.account_keys})
    return roles


class _Roles(dict[str, str]):
    """The role of each author (by user key), worked out once per author."""

    def __init__(self, accounts: dict[str, str]) -> None:
        super().__init__()
        self.accounts = accounts

    def of(self, user: User) -> str:
        role = self.get(user.key)
        if role is None:
            role = self[user.key] = next((self.accounts[a] for a in user.accounts
                                          if a in self.accounts), "")
        return role


def person_identities(people: list[Person]) -> dict[str, str]:
    """``network:account`` -> one key per person, for people who declare accounts on several
    networks (their posts on each count as one person's)."""
    identities: dict[str, str] = {}
    for person in people:
        keys = person.account_keys
        if len(keys) < 2:
            continue
        known = next((identities[k] for k in keys if k in identities), f"person:{keys[0]}")
        for key in keys:
            identities.setdefault(key, known)
    return identities


def identity(user: User, identities: Mapping[str, str]) -> str:
    """Who wrote a post, across networks: the person when the chat files join the accounts."""
    if identities:
        for account in user.accounts:
            if account in identities:
                return identities[account]
    return user.key


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w{3,}", text.lower())}


def _pick_questions(candidates: dict[tuple[str, int], list[Post]], questions: dict[int, Question]
                    ) -> dict[tuple[str, int], Post]:
    """The question post for each network and number: the one most like the chat's question,
    else the first."""
    chosen: dict[tuple[str, int], Post] = {}
    for (network, number), posts in candidates.items():
        wanted = _words(questions[number].text) if number in questions else set()

        def score(post: Post, wanted: set[str] = wanted) -> float:
            return len(wanted & _words(post.text)) / len(wanted) if wanted else 0.0

        best = max(score(p) for p in posts)
        chosen[network, number] = next(p for p in posts if score(p) == best)
    return chosen


def _question_ancestor(post: Post, known: dict[str, Post], question_ids: dict[str, int]) -> int | None:
    seen: set[str] = set()
    parent = post.reply_to
    while parent and parent not in seen and len(seen) < 200:
        if parent in question_ids:
            return question_ids[parent]
        seen.add(parent)
        parent = known[parent].reply_to if parent in known else None
    return None


_NOT_WORDS = re.compile(r"https?://\S+|" + _MENTION + r"|[#＃]\w+")
_SENTENCES = re.compile(r"([.!?\n])")
_WORD = re.compile(r"\w+")


def _has_question(text: str) -> bool:
    """A real question: a sentence of three words or more (mentions, hashtags and links aside)
    that ends with '?'. Linear in the text: it is split at sentence ends once."""
    if "?" not in text:
        return False
    parts = _SENTENCES.split(_NOT_WORDS.sub(" ", text))  # sentence, end, sentence, end, …
    return any(parts[i + 1] == "?" and len(_WORD.findall(parts[i])) >= 3
               for i in range(0, len(parts) - 1, 2))


def analyze(chat: Chat, document: Document, hide: frozenset[str] | set[str] = frozenset(),
            identities: Mapping[str, str] | None = None) -> Analysis:
    """Structure a chat's transcript (of every network) by question and compute its figures.

    ``identities`` joins one person's accounts on several networks (default: as the chat's own
    people declare them).
    """
    hide = frozenset(hide)
    zone = chat.zone
    roles = _Roles(_roles(chat))
    people = [chat.host, *chat.moderators, *chat.guests]
    joined = person_identities(people) if identities is None else identities

    def in_team(user: User) -> bool:
        return roles.of(user) in ("host", "moderator")

    questions = {q.number: q for q in chat.questions}
    known = {**document.referenced, **{p.id: p for p in document.posts}}

    def reposts_hidden(post: Post) -> bool:
        original = post.retweet_of
        return bool(original) and (original in hide or (original in known and is_hidden(known[original],
                                                                                        hide)))

    visible = [p for p in document.posts if not is_hidden(p, hide) and not reposts_hidden(p)]
    posts = [p for p in visible if not p.is_retweet]
    by_id = {p.id: p for p in posts}

    # Question posts: the team's posts labelled Qn, from the transcript or its includes, on
    # each network.
    candidates: dict[tuple[str, int], list[Post]] = {}
    early, late = chat.start_utc - timedelta(hours=1), chat.end_utc + timedelta(hours=1)
    for post in sorted((p for p in known.values() if not p.is_retweet and not is_hidden(p, hide)),
                       key=lambda p: (p.created_at, p.id)):
        if post.id in document.referenced and not early <= post.created_at <= late:
            continue  # an older post someone quoted or answered is not this chat's question
        number = question_number(post) if in_team(post.author) else None
        if number and (number in questions or not questions):
            candidates.setdefault((post.network, number), []).append(post)
    picked = _pick_questions(candidates, questions)
    every: dict[int, list[Post]] = {}
    for (_, number), post in sorted(picked.items(), key=lambda i: (i[1].created_at, i[1].id)):
        every.setdefault(number, []).append(post)
    chosen = {number: found[0] for number, found in every.items()}  # the first on any network
    for found in every.values():
        for post in found:
            if post.id not in by_id:  # asked without the hashtag: the transcript only refers to it
                by_id[post.id] = post
                posts.append(post)
    posts.sort(key=lambda p: (p.created_at, len(p.id), p.id))
    question_ids = {p.id: n for n, found in every.items() for p in found}
    asked = {n: p.created_at for n, p in chosen.items()}
    by_time = sorted((p.created_at, n) for n, p in chosen.items())
    chat_day = chat.start.date()

    def make_entry(post: Post) -> Entry:
        return Entry(post, post.created_at.astimezone(zone), roles.of(post.author), chat_day=chat_day)

    entries = {p.id: make_entry(p) for p in posts}
    numbers = sorted(set(questions) | set(chosen))
    place: dict[str, str] = {}

    def by_clock(post: Post) -> str:
        """The question asked last before the post; before Q1 the introduction; after the chat
        (when its last question came in time) the "other" section."""
        if not by_time:
            return "intro" if post.created_at < chat.start else "other"
        if post.created_at < by_time[0][0]:
            return "intro"
        if by_time[-1][0] < chat.end <= post.created_at:
            return "other"
        return f"q{[n for moment, n in by_time if moment <= post.created_at][-1]}"

    def label_of(post: Post) -> int | None:
        if in_team(post.author):
            number = question_number(post)
            if number in numbers:
                return number
        number = answer_number(post, asked)
        return number if number in numbers else None

    def locate(post: Post, depth: int = 0) -> str:
        if post.id in place:
            return place[post.id]
        entry = entries[post.id]
        parent = by_id.get(post.reply_to or "")
        if post.id in question_ids:
            entry.how, key = "question", intern(f"q{question_ids[post.id]}")
        elif (number := label_of(post)) is not None:
            entry.how, key = "label", intern(f"q{number}")
        elif (number := _question_ancestor(post, known, question_ids)) is not None:
            entry.how, key = "reply", intern(f"q{number}")
        elif parent is not None and parent.created_at <= post.created_at and depth < 500:
            entry.how, key = "thread", locate(parent, depth + 1)
        else:
            entry.how, key = "time", by_clock(post)
        place[post.id] = key
        return key

    for post in posts:
        locate(post)

    # The titles of "intro" and "other" are messages that pages translate (``_(s.title)``).
    sections = {"intro": Section("intro", N_("Welcome and introductions"))}
    for number in numbers:
        text = questions[number].text if number in questions else (
            chosen[number].text if number in chosen else "")
        sections[f"q{number}"] = Section(
            f"q{number}", text, number, question=entries[chosen[number].id] if number in chosen else None,
            questions=[entries[p.id] for p in every.get(number, ())])
    sections["other"] = Section("other", N_("After the chat") if chosen else N_("Posts"))

    _nest(posts, entries, place, sections, by_id, known, hide, document)
    ordered = [sections["intro"], *(sections[f"q{n}"] for n in numbers), sections["other"]]
    counts = Counter(place[p.id] for p in posts)
    for section in ordered:
        section.count = counts[section.key]
    shown = [s for s in ordered if s.count or s.number is not None]

    contributors = _contributors(posts, roles)
    team = {p.author.key for p in posts if in_team(p.author)}
    return Analysis(
        chat=chat,
        posts=posts,
        sections=shown,
        figures=_figures(posts, visible, joined),
        contributors=contributors,
        highlights=_highlights(chat, shown, entries, place, team, joined),
        unanswered=_unanswered(posts, entries, team, hide, known),
        links=_links(posts),
        timeline=_timeline(chat, posts, chosen),
        entries=entries,
        identities=joined,
    )


def _nest(posts: list[Post], entries: dict[str, Entry], place: dict[str, str],
          sections: dict[str, Section], by_id: dict[str, Post], known: dict[str, Post],
          hide: frozenset[str], document: Document) -> None:
    """Put each post under the post it answers, or at the top of its section."""
    question_ids = {e.post.id for s in sections.values() for e in s.questions}
    for post in posts:
        entry = entries[post.id]
        if post.quote_of and post.quote_of in known and not is_hidden(known[post.quote_of], hide):
            quoted = known[post.quote_of]
            entry.quoted = entries.get(quoted.id) or Entry(
                quoted, quoted.created_at.astimezone(entry.local.tzinfo), chat_day=entry.chat_day)
        if post.id in question_ids:
            continue
        section = sections[place[post.id]]
        parent_id = post.reply_to
        parent = entries.get(parent_id) if parent_id in by_id else None
        if (parent is not None and place[parent.post.id] == section.key and parent_id not in question_ids
                and not _descends_from(parent, entry)):
            holder = parent
            while holder.depth >= MAX_DEPTH and holder.parent is not None:
                holder = holder.parent
            if holder is not parent:
                entry.reply_note = (parent.post.author.at, f"#{parent.post.anchor}")
            entry.depth = holder.depth + 1
            entry.parent = holder
            holder.replies.append(entry)
            continue
        section.entries.append(entry)
        if parent_id and parent_id not in question_ids:
            entry.reply_note = _reply_note(post, parent_id, by_id, known, hide, document)


def _descends_from(entry: Entry, ancestor: Entry) -> bool:
    """Whether ``entry`` is ``ancestor`` or nested under it: a reply that would close a loop (a
    post that answers itself, or two that answer each other) stands at the top instead."""
    node: Entry | None = entry
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _reply_note(post: Post, parent_id: str, by_id: dict[str, Post], known: dict[str, Post],
                hide: frozenset[str], document: Document) -> tuple[str, str] | None:
    """"Replying to @x": a link to the parent on this page, or on X; nothing for hidden posts."""
    parent = known.get(parent_id)
    if parent is not None:
        if is_hidden(parent, hide) or not parent.author.handle:
            return None
        href = f"#{parent.anchor}" if parent_id in by_id else parent.url
        return parent.author.at, href
    user = document.users.get(post.reply_to_user or "")
    if (user is None or not user.handle or user.handle.lower() in hide or user.id in hide
            or not post.reply_to_url):
        return None
    return user.at, post.reply_to_url


def _figures(posts: list[Post], visible: list[Post], identities: Mapping[str, str]) -> Figures:
    """The figures of the whole chat and, when its posts come from several networks, of each."""
    total = _count(posts, visible, identities)
    networks = list(dict.fromkeys(p.network for p in posts))
    if len(networks) > 1:
        total.networks = {n: _count([p for p in posts if p.network == n],
                                    [p for p in visible if p.network == n], identities)
                          for n in networks}
    return total


def _count(posts: list[Post], visible: list[Post], identities: Mapping[str, str]) -> Figures:
    impressions = [p.metrics.impressions for p in posts if p.metrics.impressions is not None]
    captured = Counter(p.retweet_of for p in visible if p.is_retweet)
    shown = {p.id for p in posts}
    # A post's reposts: the network's count, or the reposts captured in the transcript when there
    # are more.
    reposts = sum(max(p.metrics.retweets, captured.get(p.id, 0)) for p in posts)
    reposts += sum(n for original, n in captured.items() if original not in shown)
    images = [m for p in posts for m in p.media if m.type in IMAGE_TYPES]
    return Figures(
        posts=len(posts),
        participants=len({identity(p.author, identities) for p in posts}),
        replies=sum(1 for p in posts if p.reply_to),
        reposts=reposts,
        likes=sum(p.metrics.likes for p in posts),
        impressions=sum(impressions) if impressions else None,
        images=len(images),
        images_without_alt=sum(1 for m in images if not m.alt_text.strip()),
    )


def _contributors(posts: list[Post], roles: _Roles) -> list[Contributor]:
    people: dict[str, Contributor] = {}
    for post in posts:
        person = people.setdefault(post.author.key, Contributor(
            post.author, role=roles.of(post.author), first=post.created_at))
        person.user = post.author
        person.posts += 1
        person.likes += post.metrics.likes
        person.reposts += post.metrics.retweets
    return sorted(people.values(),
                  key=lambda c: (-c.posts, -(c.likes + c.reposts), c.user.handle.lower(), c.user.id))


def _highlights(chat: Chat, sections: list[Section], entries: dict[str, Entry], place: dict[str, str],
                team: set[str], identities: Mapping[str, str]) -> dict[str, list[Entry]]:
    """Per section: the chat's ``highlights`` first, then the most engaging answers."""
    result: dict[str, list[Entry]] = {}
    candidates: dict[str, list[Entry]] = {}  # section key -> engaging answers, in one pass
    for e in entries.values():
        if (e.how != "question" and e.post.author.key not in team
                and e.post.metrics.engagement > 0):
            candidates.setdefault(place[e.post.id], []).append(e)
    for section in sections:
        picked = [entries[i] for i in chat.highlights if i in entries and place[i] == section.key]
        if section.number is not None:
            answers = sorted(
                (e for e in candidates.get(section.key, ()) if e not in picked),
                key=lambda e: (-e.post.metrics.engagement, e.post.created_at),
            )
            # One answer per person first, so that a prolific guest does not fill every slot.
            # One person's accounts on several networks are one person.
            authors = {identity(e.post.author, identities) for e in picked}
            fresh: list[Entry] = []
            rest: list[Entry] = []
            for answer in answers:
                who = identity(answer.post.author, identities)
                (rest if who in authors else fresh).append(answer)
                authors.add(who)
            picked += (fresh + rest)[: max(0, HIGHLIGHTS_PER_QUESTION - len(picked))]
        if picked:
            result[section.key] = picked
    return result


def _unanswered(posts: list[Post], entries: dict[str, Entry], team: set[str], hide: frozenset[str],
                known: dict[str, Post]) -> list[Entry]:
    """Participants' questions that nobody else answered (in the transcript, or by X's count)."""
    replies_from_others: Counter[str] = Counter()
    own_replies: Counter[str] = Counter()
    for post in known.values():
        if post.reply_to and post.reply_to in entries and not post.is_retweet:
            parent = entries[post.reply_to].post
            if parent.author.key == post.author.key:
                own_replies[parent.id] += 1
            else:
                replies_from_others[parent.id] += 1
    return [entries[p.id] for p in posts
            if p.author.key not in team and _has_question(p.text)
            and not replies_from_others[p.id] and p.metrics.replies <= own_replies[p.id]]


def _links(posts: list[Post]) -> list[SharedLink]:
    found: dict[str, SharedLink] = {}
    for post in posts:
        for link in post.links:
            url = link.expanded_url or link.url
            if not url.lower().startswith(("http://", "https://")) or _SELF_URL.match(url):
                continue
            parts = urlsplit(url)
            key = parts._replace(scheme="https", netloc=parts.netloc.lower(), fragment="").geturl()
            key = key.rstrip("/")
            if key in found:
                found[key].count += 1
            else:
                found[key] = SharedLink(url, link.display_url or url, 1, post)
    return sorted(found.values(), key=lambda s: (-s.count, s.first.created_at))


def _timeline(chat: Chat, posts: list[Post], chosen: dict[int, Post]) -> Timeline:
    """Posts per minute over the chat, widened to the posts around it (at most 30 min before and
    60 min after)."""
    zone = chat.zone
    start, end = chat.start_utc, chat.end_utc
    if posts:
        start = max(start - timedelta(minutes=30), min(start, posts[0].created_at))
        end = min(end + timedelta(minutes=60), max(end, posts[-1].created_at + timedelta(minutes=1)))
    start = start.replace(second=0, microsecond=0)
    minutes = max(1, -(-int((end - start).total_seconds()) // 60))
    counts = [0] * minutes
    outside = 0
    for post in posts:
        index = int((post.created_at - start).total_seconds() // 60)
        if 0 <= index < minutes:
            counts[index] += 1
        else:
            outside += 1
    marks = sorted(
        (int((p.created_at - start).total_seconds() // 60), f"Q{n}") for n, p in chosen.items()
        if 0 <= (p.created_at - start).total_seconds() < minutes * 60
    )
    return Timeline(start.astimezone(zone), counts, marks, outside)
