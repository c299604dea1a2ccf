"""``glossary/repairs.tsv``: known artifacts and what the clean stage does with them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .tsv import Problem, raise_errors, read_rows

COLUMNS = ("kind", "match", "replacement", "note")
KINDS = ("phrase", "boilerplate", "metadata", "suspect")


@dataclass(frozen=True)
class Repair:
    kind: str
    match: str
    replacement: str
    note: str
    line: int


@dataclass
class Repairs:
    path: Path
    rows: list[Repair] = field(default_factory=list)

    def of(self, kind: str) -> list[Repair]:
        return [r for r in self.rows if r.kind == kind]


def load(path: Path) -> Repairs:
    rows, problems = read_rows(path, COLUMNS, required=2)
    repairs = Repairs(path)
    for n, (kind, match, replacement, note) in rows:
        if kind not in KINDS:
            problems.append(Problem(n, "error", f"kind {kind!r} is not one of {', '.join(KINDS)}"))
        elif not match:
            problems.append(Problem(n, "error", "empty match column"))
        else:
            repairs.rows.append(Repair(kind, match, replacement, note, n))
    raise_errors(path, problems, "Fix the file; see the comment at its top for the columns.")
    return repairs
