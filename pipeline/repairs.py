"""The clean stage's data files, all under ``glossary/``:

- ``repairs.tsv``: known artifacts and what the clean stage does with them;
- ``rejected-repairs.tsv``: repairs an editor refused, kept as the source has them;
- ``accepted-words.txt``: words the spelling check must accept (loanwords, jargon).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Provenance
from .tsv import DataFileError, Problem, raise_errors, read_rows

COLUMNS = ("kind", "match", "replacement", "note")
KINDS = ("phrase", "boilerplate", "metadata", "suspect")
REJECTION_COLUMNS = ("file", "line", "rule", "before", "note")


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


@dataclass(frozen=True)
class Rejection:
    """One repair an editor refused: the change ``rule`` made to ``before`` at file:line."""

    where: Provenance
    rule: str
    before: str
    row: int  # its line in the rejections file

    def matches(self, where: Provenance, rule: str, before: str) -> bool:
        """``before`` may be written as it is or as ``bilingue clean --explain`` prints it
        (with escapes such as ``\\u202f`` for invisible spaces)."""
        return (where, rule) == (self.where, self.rule) and self.before in (before, repr(before)[1:-1])


@dataclass(frozen=True)
class Rejections:
    path: Path
    rows: tuple[Rejection, ...] = ()

    def find(self, where: Provenance, rule: str, before: str) -> Rejection | None:
        return next((r for r in self.rows if r.matches(where, rule, before)), None)

    def of_file(self, name: str) -> list[Rejection]:
        return [r for r in self.rows if r.where.file == name]


def load_rejections(path: Path) -> Rejections:
    """``rejected-repairs.tsv``; a missing file means nothing is rejected."""
    if not path.exists():
        return Rejections(path)
    rows, problems = read_rows(path, REJECTION_COLUMNS, required=4)
    found = []
    for n, (file, line, rule, before, _note) in rows:
        if not (file and rule and before):
            problems.append(Problem(n, "error", "file, rule and before must not be empty"))
        elif not line.isdigit():
            problems.append(Problem(n, "error", f"line {line!r} is not a line number"))
        else:
            found.append(Rejection(Provenance(file, int(line)), rule, before, n))
    raise_errors(path, problems, "Copy file:line, rule and before from `bilingue clean FILE --explain`.")
    return Rejections(path, tuple(found))


def load_word_list(path: Path) -> frozenset[str]:
    """One word a line (``#`` starts a comment); a missing file is an empty list."""
    if not path.exists():
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: byte {err.start}: not UTF-8; save the file as UTF-8") from None
    words, problems = set(), []
    for n, line in enumerate(lines, start=1):
        word = line.split("#", 1)[0].strip()
        if len(word.split()) > 1:
            problems.append(Problem(n, "error", f"{word!r}: one word a line"))
        elif word:
            words.add(word.replace("'", "’").lower())
    raise_errors(path, problems, "Write one word a line; accept a phrase's words one by one.")
    return frozenset(words)
