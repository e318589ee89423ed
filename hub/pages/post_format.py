"""What a post shows besides its text, in the page's language: its time, its tooltip, its counts.

An archive shows hundreds of posts, so these are Jinja filters bound to one translator (one per
language, made with its environment) and kept cheap: the clock and date come from the formats'
memoised functions, and the counts line is worked out once per distinct set of counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..analysis.chat import Entry
from ..i18n.translator import Translator
from ..transcripts.posts import Metrics


def post_filters(t: Translator) -> dict[str, Callable[..., Any]]:
    """``post_clock``, ``post_stamp`` and ``metrics`` for templates written with ``t``."""
    # TRANSLATORS: a date and a time of day, short: "Dec 10, 13:06", "Thu, Dec 10, 13:00 EST".
    date_and_time = t.gettext("%(date)s, %(time)s")
    summaries: dict[tuple[int, int, int], str] = {}

    def post_clock(entry: Entry) -> str:
        """The post's time as shown: "13:06" ("13 h 06"), with the date when it is not from the
        chat's own day ("Dec 11, 00:04")."""
        local = entry.local
        clock = t.clock(local)
        if local.date() == entry.chat_day:
            return clock
        return date_and_time % {"date": t.date(local, "MMMd"), "time": clock}

    def post_stamp(entry: Entry) -> str:
        """The post's full date and time to the second, with the zone: its time's tooltip."""
        return t.datetime(entry.local, "full", seconds=True)

    def metrics(counts: Metrics) -> str:
        """The counts a post shows, when not zero: "3 replies · 2 reposts · 11 likes"."""
        key = (counts.replies, counts.retweets, counts.likes)
        found = summaries.get(key)
        if found is None:
            parts = []
            if counts.replies:
                parts.append(t.ngettext("%(num)s reply", "%(num)s replies", counts.replies))
            if counts.retweets:
                parts.append(t.ngettext("%(num)s repost", "%(num)s reposts", counts.retweets))
            if counts.likes:
                parts.append(t.ngettext("%(num)s like", "%(num)s likes", counts.likes))
            if len(summaries) >= 10_000:  # as many as there are distinct counts: bounded all the same
                summaries.clear()
            found = summaries[key] = " · ".join(parts)
        return found

    return {"post_clock": post_clock, "post_stamp": post_stamp, "metrics": metrics}
