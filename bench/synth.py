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


def transcript(i: int, posts: int, questions: int, rng: random.Random) -> dict:
    """An X API v2 response document with ``posts`` posts: questions, answers and replies."""
    start = _chat_start(i).astimezone(UTC)
    users = [{"id": str(10_000 + u), "username": f"user{u}", "name": f"User {u}"}
             for u in range(max(5, posts // 5))]
    users += [{"id": "1", "username": "bench_host", "name": "Bench Host"},
              {"id": "2", "username": "bench_mod", "name": "Bench Mod"}]
    data: list[dict] = []
    next_id = FIRST_ID + i * 10_000_000
    question_ids: list[str] = []
    per_q = 3600 // (questions + 1)
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
        if len(question_ids) < q:
            post.update(author_id="1", conversation_id=ident,
                        text=f"Q{q} Question {q} of chat {i}? #Bench{i}")
            question_ids.append(ident)
        else:
            author = rng.choice(users[:-2])
            text = f"A{q} {_sentence(rng, 12)} #Bench{i}" if q else f"Hello from {author['name']}!"
            post.update(author_id=author["id"], conversation_id=ident, text=text)
            if question_ids and rng.random() < 0.3:
                target = rng.choice(data[-20:])
                post["referenced_tweets"] = [{"type": "replied_to", "id": target["id"]}]
                post["conversation_id"] = target["conversation_id"]
                post["in_reply_to_user_id"] = target["author_id"]
        tag = f"#Bench{i}"
        pos = post["text"].find(tag)
        if pos >= 0:
            post["entities"] = {"hashtags": [{"start": pos, "end": pos + len(tag),
                                              "tag": tag[1:]}]}
        data.append(post)
    return {"data": data, "includes": {"users": users},
            "meta": {"result_count": len(data), "query": f"#Bench{i} -is:retweet"}}


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


def _post_markdown(post: dict, users: dict[str, dict]) -> str:
    user = users[post["author_id"]]
    url = f"https://x.com/{user['username']}/status/{post['id']}"
    return (f"**{user['name']}** [@{user['username']}](https://x.com/{user['username']}) · "
            f"[{post['created_at'][11:16]}]({url})\n\n{post['text']}\n\n"
            f"♥ {post['public_metrics']['like_count']} · [View on X]({url})\n\n---\n")


def write_plain(root: Path, chats: int, posts: int, questions: int = 5, seed: int = 1) -> None:
    """The same content as plain Markdown: announcement + archive pages, chats not in nav."""
    rng = random.Random(seed)
    content = root / "content"
    (content / "chats").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_PLAIN)
    (content / "index.md").write_text("# Bench plain\n")
    listing = ["# Chats\n"]
    for i in range(chats):
        slug = f"bench-{i:04d}"
        start = _chat_start(i)
        folder = content / "chats" / slug
        folder.mkdir()
        qs = "\n".join(f"{q}. Question {q} of chat {i}" for q in range(1, questions + 1))
        (folder / "index.md").write_text(
            f"# Chat {i}\n\n**#Bench{i}** · {start:%A %d %B %Y %H:%M %Z}\n\n"
            f"Host: [@bench_host](https://x.com/bench_host)\n\n## Questions\n\n{qs}\n\n"
            "## About\n\nA synthetic chat for the benchmark. It has **Markdown** in it.\n\n"
            "[Archive](archive.md)\n")
        doc = transcript(i, posts, questions, rng)
        users = {u["id"]: u for u in doc["includes"]["users"]}
        body = [f"# Chat {i}: archive\n"]
        current = -1
        for post in doc["data"]:
            if post["text"].startswith("Q"):
                current += 1
                body.append(f"\n## Q{current + 1}\n")
            body.append(_post_markdown(post, users))
        (folder / "archive.md").write_text("\n".join(body))
        listing.append(f"- [Chat {i}]({slug}/index.md)")
    (content / "chats" / "index.md").write_text("\n".join(listing) + "\n")
