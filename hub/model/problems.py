"""Problems found in user input, reported as ``path:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) at a place in a file."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """``path:line:col: message``; a problem with line 0 is a whole line of its own in
        ``path`` (``FILE: post ID: what is wrong``, for transcripts)."""
        prefix = "warning: " if self.severity == "warning" else ""
        if self.line <= 0:
            return f"{self.path}: {prefix}{self.message}"
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"


@dataclass
class Problems:
    """Collects problems so that all of them can be reported at once; the same problem at the
    same place is kept once (a value a YAML alias repeats ten thousand times is one problem)."""

    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    def add(self, path: str, line: int, col: int, message: str, severity: Severity = "error") -> None:
        self.append(Problem(path, line, col, message, severity))

    def extend(self, other: Problems) -> None:
        for problem in other.items:
            self.append(problem)

    def append(self, problem: Problem) -> None:
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "warning")

    def __bool__(self) -> bool:
        return bool(self.items)


class HubError(Exception):
    """Raised when input has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
