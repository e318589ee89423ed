"""Synthetic hubs for the benchmark: N chats x M posts, in chathub's real file formats,
and the same content as plain Markdown pages for a plain MkDocs baseline."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = "America/New_York"
WORDS = tuple(
    "lease tenant office amenity budget hybrid floor plan coffee quiet room broker clause "
    "parking bike commute light signage lobby elevator badge survey rent renewal space desk "
    "meeting focus team culture manager facilities energy comfort window terrace".split()
)
FIRST_ID = 1_700_000_000_000_000_000


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _chat_start(i: int) -> datetime:
    """Weekly chats, every Thursday at 13:00 New York time, going back from 2026-11-19."""
    base = datetime(2026, 11, 19, 13, 0)
    return (base - timedelta(weeks=i)).replace(tzinfo=ZoneInfo(ZONE))


def chat_yaml(i: int, questions: int) -> str:
    start = _chat_start(i)
    qs = "\n".join(f'  - "Question {q} of chat {i}: what about {WORDS[(i + q) % len(WORDS)]}?"'
                   for q in range(1, questions + 1))
    return (
        f'title: "Chat {i}: {WORDS[i % len(WORDS)]} and {WORDS[(i * 7) % len(WORDS)]}"\n'
        f'hashtag: "#Bench{i}"\n'
        f"start: {start:%Y-%m-%d %H:%M}\n"
        f"timezone: {ZONE}\n"
        "duration: 60\n"
        'host: {handle: "@bench_host", name: Bench Host}\n'
        'moderators: ["@bench_mod"]\n'
        "questions:\n" + qs + "\n"
        "about: |\n  A synthetic chat for the benchmark. It has **Markdown** in it.\n"
        "followup: |\n  We follow up with a recap.\n"
    )


REGULARS = 200  # people who come back: each chat draws half its participants from them


def _users(i: int, posts: int, rng: random.Random) -> list[dict]:
    """A chat's participants (a fifth of its posts): regulars of the hub and newcomers."""
    count = max(4, posts // 5)
    regulars = rng.sample(range(REGULARS), min(REGULARS, count // 2))
    users = [{"id": str(10_000 + u), "username": f"regular{u}", "name": f"Regular {u}"}
             for u in regulars]
    users += [{"id": str(1_000_000 + i * 10_000 + k), "username": f"new{i}_{k}",
               "name": f"Newcomer {k} of chat {i}"} for k in range(count - len(users))]
    return users


def _entities(text: str, tag: str, links: dict[str, str]) -> dict:
    """Entities at their offsets in the escaped text, as X sends them."""
    found: dict[str, list] = {}
    pos = text.find(tag)
    if pos >= 0:
        found["hashtags"] = [{"start": pos, "end": pos + len(tag), "tag": tag[1:]}]
    for word in text.split():
        start = text.find(word)
        if word.startswith("@"):
            found.setdefault("mentions", []).append(
                {"start": start, "end": start + len(word), "username": word[1:]})
        elif word in links:
            found.setdefault("urls", []).append(
                {"start": start, "end": start + len(word), "url": word,
                 "expanded_url": links[word], "display_url": links[word].split("://")[1]})
    return found


def transcript(i: int, posts: int, questions: int, rng: random.Random) -> dict:
    """An X API v2 response document with ``posts`` posts: questions, answers and replies, some
    with mentions, links and escaped ``&``."""
    start = _chat_start(i).astimezone(UTC)
    users = _users(i, posts, rng)
    team = [{"id": "1", "username": "bench_host", "name": "Bench Host"},
            {"id": "2", "username": "bench_mod", "name": "Bench Mod"}]
    data: list[dict] = []
    next_id = FIRST_ID + i * 10_000_000
    question_ids: list[str] = []
    per_q = 3600 // (questions + 1)
    tag = f"#Bench{i}"
    for n in range(posts):
        moment = start + timedelta(seconds=int(3600 * n / posts))
        next_id += 1
        ident = str(next_id)
        q = min(questions, int((moment - start).total_seconds()) // per_q)
        post: dict = {
            "id": ident,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "edit_history_tweet_ids": [ident],
            "lang": "en",
            "public_metrics": {"retweet_count": rng.randint(0, 5), "reply_count": 0,
                               "like_count": rng.randint(0, 30), "quote_count": 0,
                               "impression_count": rng.randint(10, 900)},
        }
        links: dict[str, str] = {}
        if len(question_ids) < q:
            post.update(author_id="1", conversation_id=ident,
                        text=f"Q{q} Question {q} of chat {i}? {tag}")
            question_ids.append(ident)
        else:
            author = rng.choice(users)
            words = _sentence(rng, 12)
            roll = rng.random()
            if roll < 0.2:
                words = f"@{rng.choice(users)['username']} {words}"
            elif roll < 0.3:
                short = f"https://t.co/b{i}x{n}"
                links[short] = f"https://example.org/{rng.choice(WORDS)}/{n}"
                words = f"{words} {short}"
            elif roll < 0.35:
                words = f"{words} &amp; {rng.choice(WORDS)}"
            text = f"A{q} {words} {tag}" if q else f"Hello from {author['name']}! {tag}"
            post.update(author_id=author["id"], conversation_id=ident, text=text)
            if question_ids and rng.random() < 0.3:
                target = rng.choice(data[-20:])
                post["referenced_tweets"] = [{"type": "replied_to", "id": target["id"]}]
                post["conversation_id"] = target["conversation_id"]
                post["in_reply_to_user_id"] = target["author_id"]
        post["entities"] = _entities(post["text"], tag, links)
        data.append(post)
    return {"data": data, "includes": {"users": users + team},
            "meta": {"result_count": len(data), "query": f"{tag} -is:retweet"}}


MKDOCS_HUB = """site_name: Bench hub
docs_dir: content
theme: {name: material, font: false}
plugins:
  - search
  - chathub
"""

MKDOCS_PLAIN = """site_name: Bench plain
docs_dir: content
theme: {name: material, font: false}
plugins:
  - search
nav:
  - index.md
  - chats/index.md
not_in_nav: |
  /chats/*/
"""


def write_hub(root: Path, chats: int, posts: int, questions: int = 5, seed: int = 1) -> None:
    """A chathub hub: mkdocs.yml, content/index.md, chats/*.yml and chats/*.tweets.json."""
    rng = random.Random(seed)
    (root / "content").mkdir(parents=True)
    (root / "chats").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_HUB)
    (root / "content" / "index.md").write_text("# Bench hub\n\n<!-- chathub:upcoming -->\n")
    for i in range(chats):
        slug = f"bench-{i:04d}"
        (root / "chats" / f"{slug}.yml").write_text(chat_yaml(i, questions))
        doc = transcript(i, posts, questions, rng)
        (root / "chats" / f"{slug}.tweets.json").write_text(
            json.dumps(doc, indent=1, sort_keys=True))


def _linked_markdown(post: dict) -> str:
    """The post's text with its mentions, hashtags and links as Markdown links."""
    text = post["text"]
    entities = post.get("entities") or {}
    spans = [(e["start"], e["end"], f"[@{e['username']}](https://x.com/{e['username']})")
             for e in entities.get("mentions", [])]
    spans += [(e["start"], e["end"], f"[#{e['tag']}](https://x.com/search?q=%23{e['tag']})")
              for e in entities.get("hashtags", [])]
    spans += [(e["start"], e["end"], f"[{e['display_url']}]({e['url']})")
              for e in entities.get("urls", [])]
    for begin, end, link in sorted(spans, reverse=True):
        text = text[:begin] + link + text[end:]
    return text


def _post_markdown(post: dict, users: dict[str, dict], zone: ZoneInfo) -> str:
    user = users[post["author_id"]]
    url = f"https://x.com/{user['username']}/status/{post['id']}"
    moment = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00")).astimezone(zone)
    metrics = post["public_metrics"]
    reply = " · reply" if post.get("referenced_tweets") else ""
    return (f"**{user['name']}** [@{user['username']}](https://x.com/{user['username']}) · "
            f"[{moment:%H:%M}]({url}){reply}\n\n{_linked_markdown(post)}\n\n"
            f"{metrics['retweet_count']} reposts · {metrics['like_count']} likes · "
            f"[View on X]({url})\n\n---\n")


def _announcement_markdown(i: int, questions: int) -> str:
    start = _chat_start(i)
    qs = "\n".join(f"{q}. **Q{q}** Question {q} of chat {i}: what about {WORDS[(i + q) % len(WORDS)]}?"
                   for q in range(1, questions + 1))
    return (
        f"# Chat {i}: {WORDS[i % len(WORDS)]} and {WORDS[(i * 7) % len(WORDS)]}\n\n"
        f"[#Bench{i}](https://x.com/search?q=%23Bench{i}) · Ended\n\n"
        f"**When:** {start:%A %-d %B %Y, %H:%M %Z} ({ZONE})\n\n"
        "**Duration:** 1 hour\n\n"
        "[Read the archive](archive.md)\n\n"
        "## About this chat\n\nA synthetic chat for the benchmark. It has **Markdown** in it.\n\n"
        "## Who's there\n\n- [Bench Host @bench_host](https://x.com/bench_host) Host\n"
        "- [@bench_mod](https://x.com/bench_mod) Moderator\n\n"
        f"## Questions\n\n{qs}\n\n"
        f"## How to take part\n\n1. Follow #Bench{i} on X when the chat starts.\n"
        f"2. Put **#Bench{i}** in every post.\n3. Answer each question starting with A1, A2…\n"
        "4. Reply to others, share links and ask your own questions.\n\n"
        "## After the chat\n\nWe follow up with a recap.\n"
    )


def write_plain(root: Path, chats: int, posts: int, questions: int = 5, seed: int = 1) -> None:
    """The same chats and posts as plain Markdown: announcement + archive pages, chats kept out
    of the nav, every page searchable (MkDocs' defaults)."""
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    content = root / "content"
    (content / "chats").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_PLAIN)
    (content / "index.md").write_text("# Bench plain\n")
    listing = ["# Chats\n"]
    for i in range(chats):
        slug = f"bench-{i:04d}"
        folder = content / "chats" / slug
        folder.mkdir()
        (folder / "index.md").write_text(_announcement_markdown(i, questions))
        doc = transcript(i, posts, questions, rng)
        users = {u["id"]: u for u in doc["includes"]["users"]}
        body = [f"# Chat {i}: archive\n", "## Welcome and introductions\n"]
        for post in doc["data"]:
            if post["author_id"] == "1" and post["text"].startswith("Q"):
                number = post["text"].split()[0][1:]
                body.append(f"\n## Q{number} Question {number} of chat {i}\n")
            body.append(_post_markdown(post, users, zone))
        (folder / "archive.md").write_text("\n".join(body))
        listing.append(f"- [Chat {i}]({slug}/index.md)")
    (content / "chats" / "index.md").write_text("\n".join(listing) + "\n")
