"""The book's identity, read from ``book.toml``: titles in both languages, publisher,
rights, identifier, date, description, cover colours, and what the editor knows about
each article (a title for a source that has none, its source, author, date).

``load`` validates the file and returns the plain dict stored in ``Book.metadata``;
``apply`` puts it on a freshly ingested book, before the clean stage, so a title the
editor wrote is cleaned, segmented and translated like every other block.
"""
from __future__ import annotations

import datetime
import logging
import re
import tomllib
import uuid
from pathlib import Path

from ..model import Block, Book, Provenance
from ..tsv import DataFileError

log = logging.getLogger("bilingue")

LANGS = ("fr", "en")
BOOK_TEXT = ("publisher", "editor", "rights")
BILINGUAL = ("title", "subtitle", "description")
ARTICLE_KEYS = ("title", "source", "author", "date", "url")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COVER = {"background": "#1d2b3a", "foreground": "#ffffff"}
MIN_COVER_CONTRAST = 4.5  # WCAG AA for text


def load(path: Path) -> dict:
    """Read and check ``book.toml``; every problem names the file, the key and the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found; create it (see book.toml at the top of the project)") from None
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: byte {err.start}: not UTF-8; save the file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DataFileError(f"{path}: {err}; fix the TOML syntax there") from None
    check = Checker(path, text)
    check.keys(data, "", ("book", "cover", "articles", "pipeline"))  # [pipeline]: pipeline/stages.py
    book = check.table(data, "book", required=True)
    check.keys(book, "book", ("identifier", "date", *BOOK_TEXT, *BILINGUAL))
    metadata = {
        "identifier": check.string(book, "book", "identifier", required=True),
        "date": check.date(book, "book", "date", required=True),
        **{key: check.string(book, "book", key) for key in BOOK_TEXT},
        **{key: check.bilingual(book, key, required=key == "title") for key in BILINGUAL},
        "cover": check.cover(check.table(data, "cover")),
        "articles": {},
    }
    for slug, fields in check.table(data, "articles").items():
        where = f"articles.{slug}"
        if not isinstance(fields, dict):
            check.fail(where, "must be a table of fields", f"write [{where}] followed by title = \"…\" lines")
        check.keys(fields, where, ARTICLE_KEYS)
        metadata["articles"][slug] = {
            key: check.date(fields, where, key) if key == "date" else check.string(fields, where, key)
            for key in ARTICLE_KEYS if key in fields
        }
        if "title" in fields:
            metadata["articles"][slug]["title_line"] = check.line_number(f"{where}.title")
    metadata["file"] = path.name
    metadata["pipeline"] = check.table(data, "pipeline")  # its stages are checked against the registry
    return metadata


class Checker:
    """Type checks on the parsed TOML, each failure raised as a DataFileError."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def line_number(self, where: str) -> int:
        """The line that defines ``where``: its table header, or its key after the nearest
        enclosing header; 0 if not found."""
        parts = where.split(".")
        headers = {line.strip().strip("[]").strip(): n for n, line in enumerate(self.lines, start=1)
                   if line.strip().startswith("[")}
        if where in headers:
            return headers[where]
        start = next((headers[".".join(parts[:k])] for k in range(len(parts) - 1, 0, -1)
                      if ".".join(parts[:k]) in headers), 0)
        for key in reversed(parts):  # a key inside an inline table is found by its table's key
            for n, line in enumerate(self.lines[start:], start=start + 1):
                if re.match(rf"{re.escape(key)}\s*=", line.strip()):
                    return n
        return 0

    def line_of(self, where: str) -> str:
        n = self.line_number(where)
        return f":{n}" if n else ""

    def fail(self, where: str, problem: str, fix: str):
        raise DataFileError(f"{self.path}{self.line_of(where)}: {where}: {problem}; {fix}")

    def keys(self, table: dict, where: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(f"{where}.{key}".lstrip("."), "unknown key", f"use one of: {', '.join(allowed)}")

    def table(self, data: dict, key: str, required: bool = False) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(key, "missing", f"add a [{key}] table")
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {value!r}", f"write it as a [{key}] section")
        return value

    def string(self, table: dict, where: str, key: str, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "missing", f"add {key} = \"…\" under [{where}]")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", f"expected non-empty text, got {value!r}", "write it in double quotes")
        return value.strip()

    def date(self, table: dict, where: str, key: str, required: bool = False) -> str:
        value = table.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
            return value
        return self.fail(f"{where}.{key}", f"expected a date, got {value!r}",
                         f"write {key} = 2024-05-31 (a TOML date), or \"2024-05\" for a month")

    def bilingual(self, book: dict, key: str, required: bool) -> dict[str, str]:
        where = f"book.{key}"
        value = book.get(key)
        if value is None and not required:
            return {lang: "" for lang in LANGS}
        if not isinstance(value, dict):
            self.fail(where, f"expected French and English, got {value!r}",
                      f"write {key} = {{ fr = \"…\", en = \"…\" }}")
        self.keys(value, where, LANGS)
        return {lang: self.string(value, where, lang, required=True) for lang in LANGS}

    def cover(self, cover: dict) -> dict[str, str]:
        self.keys(cover, "cover", tuple(DEFAULT_COVER))
        colours = {**DEFAULT_COVER, **cover}
        for key, value in colours.items():
            if not isinstance(value, str) or not COLOUR.fullmatch(value):
                self.fail(f"cover.{key}", f"expected a colour like \"#1d2b3a\", got {value!r}",
                          "write six hexadecimal digits after #")
        ratio = contrast(colours["foreground"], colours["background"])
        if ratio < MIN_COVER_CONTRAST:
            self.fail("cover.foreground", f"contrast with the background is {ratio:.2f}:1",
                      f"choose colours with at least {MIN_COVER_CONTRAST}:1 so the title stays readable")
        return colours


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio.

    >>> round(contrast("#000000", "#ffffff"), 1), round(contrast("#767676", "#ffffff"), 2)
    (21.0, 4.54)
    """
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def apply(book: Book, metadata: dict) -> Book:
    """Give ``book`` its metadata and title, and each untitled article the title the
    editor wrote for it. Runs right after ingest, before clean."""
    book.metadata = metadata
    book.title = f"{metadata['title']['fr']} / {metadata['title']['en']}"
    slugs = {article.slug for article in book.articles}
    for slug in sorted(set(metadata["articles"]) - slugs):
        log.info("%s: [articles.%s] matches no source file; check the name", metadata["file"], slug)
    for article in book.articles:
        title = metadata["articles"].get(article.slug, {}).get("title")
        if not title:
            if not article.first("title"):
                log.warning("%s has no title line: give it one in %s, [articles.%s] title = \"…\"",
                            article.source.name, metadata["file"], article.slug)
            continue
        if (existing := article.first("title")) is not None:
            raise DataFileError(
                f"{metadata['file']}: articles.{article.slug}.title: the source already has a title "
                f"({existing.raw.strip()!r}, {existing.where}); remove the title from {metadata['file']}")
        where = Provenance(metadata["file"], metadata["articles"][article.slug]["title_line"])
        article.blocks.insert(0, Block(kind="title", raw=title, where=where))
    return book


def epoch(metadata: dict) -> int:
    """Seconds since 1970 for the book's date (midnight UTC): the time written into every
    file of the EPUB, so two builds of the same inputs are byte-identical."""
    day = datetime.date.fromisoformat(full_date(metadata["date"]))
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp())


def full_date(value: str) -> str:
    """``2024`` or ``2024-05`` completed to the first day: ``2024-05-01``."""
    parts = value.split("-") + ["01", "01"]
    return "-".join(parts[:3])


def edition_identifier(metadata: dict, edition: str) -> str:
    """A UUID URN that stays the same for the same book.toml identifier and edition."""
    name = f"bilingue:{metadata['identifier']}/{edition}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
