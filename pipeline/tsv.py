"""The tab-separated files maintainers edit (glossary, repairs, rules): one reader and one
writer for all, both through the ``csv`` module.

The dialect has no quoting: a cell is the text between two TABs, quotes included, so a
cell can hold neither a TAB nor a line break (``add_row`` refuses them). Lines that are
blank or start with ``#`` are comments; the first other line is the header.
"""
from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class DataFileError(Exception):
    """A data file that cannot be used; the message names file:line and the fix."""


@dataclass(frozen=True)
class Problem:
    line: int
    severity: str  # "error" or "warning"
    message: str


class Dialect(csv.Dialect):
    delimiter = "\t"
    quoting = csv.QUOTE_NONE
    quotechar = None
    escapechar = None
    lineterminator = "\n"
    strict = True
    skipinitialspace = False


@dataclass(frozen=True)
class Line:
    """One physical line of a data file: its number, its cells, and whether it is a comment."""

    number: int
    cells: list[str]

    @property
    def is_comment(self) -> bool:
        return not "".join(self.cells).strip() or self.cells[0].lstrip().startswith("#")


def read_lines(path: Path) -> list[Line]:
    """Every line of the file split into cells; a UTF-8 BOM at the start is ignored (editors
    on Windows add one)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, Dialect)
            return [Line(reader.line_num, cells) for cells in reader]
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder, not a data file") from None
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: byte {err.start}: not UTF-8; save the file as UTF-8") from None
    except csv.Error as err:
        raise DataFileError(f"{path}:{reader.line_num}: {err}; keep each row on one line") from None


def header_index(lines: list[Line]) -> int | None:
    """Where the header is: the first line that is not a comment."""
    return next((i for i, line in enumerate(lines) if not line.is_comment), None)


def read_rows(path: Path, columns: tuple[str, ...], required: int) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """(line number, cells) for each data row, padded to ``len(columns)``, plus format
    problems. Comments are skipped; the first other line must be the header naming
    ``columns``."""
    lines = read_lines(path)
    at = header_index(lines)
    if at is None:
        return [], [Problem(1, "error", f"no header row ({' TAB '.join(columns)})")]
    problems: list[Problem] = []
    header = lines[at]
    if tuple(c.strip() for c in header.cells) != columns:
        problems.append(Problem(header.number, "error", f"header must be {' TAB '.join(columns)}"))
    rows: list[tuple[int, list[str]]] = []
    for line in lines[at + 1 :]:
        if line.is_comment:
            continue
        cells = line.cells
        if not required <= len(cells) <= len(columns):
            problems.append(Problem(
                line.number, "error",
                f"{len(cells)} columns; expected {required} to {len(columns)} separated by TAB ({', '.join(columns)})",
            ))
            continue
        for cell in cells:
            if cell != cell.strip():
                problems.append(Problem(line.number, "error", f"leading or trailing spaces in {cell!r}"))
        rows.append((line.number, [c.strip() for c in cells] + [""] * (len(columns) - len(cells))))
    return rows, problems


def raise_errors(path: Path, problems: list[Problem], hint: str) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError("\n".join(f"{path}:{p.line}: {p.message}" for p in errors) + f"\n{hint}")


def check_cells(cells: list[str], columns: tuple[str, ...]) -> None:
    """Refuse a cell the format cannot hold (a TAB or a line break would split the row)."""
    for name, cell in zip(columns, cells):
        if any(c in cell for c in "\t\r\n"):
            raise DataFileError(f"the {name} field contains a TAB or a line break ({cell!r}); give it on one line")


def add_row(path: Path, columns: tuple[str, ...], cells: list[str], sort_key: Callable[[list[str]], tuple]) -> None:
    """Add one data row and write the rows back sorted by ``sort_key``. The comments above
    the header stay where they are; a comment between rows moves with the row below it."""
    check_cells(cells, columns)
    lines = read_lines(path)
    at = header_index(lines)
    if at is None:
        raise DataFileError(f"{path}:1: no header row ({' TAB '.join(columns)})")
    groups: list[tuple[list[str], list[Line]]] = []  # (row cells, the comments above it)
    pending: list[Line] = []
    for line in lines[at + 1 :]:
        if line.is_comment:
            pending.append(line)
        else:
            groups.append((line.cells, pending))
            pending = []
    groups.append((cells, []))
    groups.sort(key=lambda group: sort_key(group[0] + [""] * (len(columns) - len(group[0]))))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, Dialect)
        writer.writerows(line.cells for line in lines[: at + 1])
        for row, comments in groups:
            writer.writerows(c.cells for c in comments if "".join(c.cells).strip())
            writer.writerow(row)
        writer.writerows(c.cells for c in pending if "".join(c.cells).strip())
