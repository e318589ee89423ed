"""X's failure, apart from the client: reading a stored transcript needs it, not tweepy."""

from __future__ import annotations

from ..faults import APIFault


class XError(APIFault):
    """A failure talking to X, explained in one line."""
