"""Leads: participants whose posts show buying signals, as CSV rows for a CRM.

Never published on the site: ``chathub leads`` prints them for the people who run the hub.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from ..transcripts.posts import Post, User
from .chat import Analysis
from .community import HubAnalysis

COLUMNS = ("handle", "name", "profile_url", "followers", "bio", "keywords", "matching_posts",
           "posts", "post_urls", "chats", "first_seen", "network")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Lead:
    user: User
    keywords: list[str] = field(default_factory=list)  # in the order of the configured keywords
    posts: list[Post] = field(default_factory=list)
    chats: list[str] = field(default_factory=list)  # slugs


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A keyword matched as whole words, any case, any spacing, singular or plural: "looking for"
    finds "Looking  for", "quote" finds "quotes" but not "quoted"."""
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:e?s)?(?!\w)", re.IGNORECASE)


def _searchable(post: Post) -> str:
    """The post's words, without its links (a keyword in a URL is no signal)."""
    return "".join(s.text for s in post.segments if s.kind != "link") if post.segments else post.text


def readable_text(post: Post) -> str:
    """The post's text with each t.co link written out as the URL it leads to."""
    if not post.segments:
        return post.text
    return "".join((s.title or s.href or s.text) if s.kind == "link" else s.text for s in post.segments)


def find_leads(analyses: Iterable[Analysis], keywords: Sequence[str]) -> list[Lead]:
    """Participants (the chat's host, moderators and guests aside) with posts matching a keyword."""
    patterns = [(k, keyword_pattern(k)) for k in keywords if k.strip()]
    leads: dict[str, Lead] = {}
    for analysis in analyses:
        for post in analysis.posts:
            if analysis.entries[post.id].role:  # the chat's host, moderators and guests
                continue
            text = _searchable(post)
            found = [k for k, pattern in patterns if pattern.search(text)]
            if not found:
                continue
            lead = leads.setdefault(post.author.key, Lead(post.author))
            lead.user = post.author
            lead.posts.append(post)
            lead.keywords += [k for k in found if k not in lead.keywords]
            if analysis.chat.slug not in lead.chats:
                lead.chats.append(analysis.chat.slug)
    order = {k: i for i, (k, _) in enumerate(patterns)}
    for lead in leads.values():
        lead.keywords.sort(key=order.__getitem__)
    return sorted(leads.values(), key=lambda lead: (-len(lead.posts), -len(lead.keywords),
                                                   lead.user.handle.lower()))


def safe_cell(value: object) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_leads(leads: Iterable[Lead], community: HubAnalysis, out: IO[str]) -> int:
    """Write the leads as CSV (a header row, then one row per person); return the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for lead in leads:
        record = community.record(lead.user)
        first = record.first_seen if record else None
        writer.writerow([safe_cell(v) for v in (
            lead.user.handle,
            lead.user.name,
            lead.user.profile_url,
            "" if lead.user.followers is None else lead.user.followers,
            lead.user.bio,
            "; ".join(lead.keywords),
            len(lead.posts),
            "\n".join(readable_text(p) for p in lead.posts),
            " ".join(p.url for p in lead.posts),
            " ".join(lead.chats),
            first.strftime("%Y-%m-%dT%H:%M:%SZ") if first else "",
            lead.user.network,
        )])
        count += 1
    return count
