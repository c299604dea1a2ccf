"""The tab-separated files maintainers edit (glossary, repairs): one reader for all."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DataFileError(Exception):
    """A data file that cannot be used; the message names file:line and the fix."""


@dataclass(frozen=True)
class Problem:
    line: int
    severity: str  # "error" or "warning"
    message: str


def read_rows(path: Path, columns: tuple[str, ...], required: int) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """(line number, cells) for each data row, padded to ``len(columns)``, plus format
    problems. Blank lines and ``#`` comments are skipped; the first other line must be
    the header naming ``columns``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: byte {err.start}: not UTF-8; save the file as UTF-8") from None
    problems: list[Problem] = []
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if tuple(c.strip() for c in cells) != columns:
                problems.append(Problem(n, "error", f"header must be {' TAB '.join(columns)}"))
            continue
        if not required <= len(cells) <= len(columns):
            problems.append(Problem(
                n, "error",
                f"{len(cells)} columns; expected {required} to {len(columns)} separated by TAB ({', '.join(columns)})",
            ))
            continue
        for cell in cells:
            if cell != cell.strip():
                problems.append(Problem(n, "error", f"leading or trailing spaces in {cell!r}"))
        rows.append((n, [c.strip() for c in cells] + [""] * (len(columns) - len(cells))))
    if not header_seen:
        problems.append(Problem(1, "error", f"no header row ({' TAB '.join(columns)})"))
    return rows, problems


def raise_errors(path: Path, problems: list[Problem], hint: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError("\n".join(f"{path}:{p.line}: {p.message}" for p in errors) + f"\n{hint}")
