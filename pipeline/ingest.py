"""Stage 1: raw text files -> Articles of typed Blocks, each with its source line.

Structure is read from the text alone: one block per non-blank line; the first
line(s) are the kicker and title when they look like headings; short lines with
no closing punctuation are headings; ``•`` lines are list items; ``– Name`` lines
are quote attributions.
"""
from __future__ import annotations

import re
from pathlib import Path

from .model import Article, Block, Book, Provenance

BULLET = re.compile(r"^\s*[•▪●◦‣∙·*]\s+")
ATTRIBUTION = re.compile(r"^\s*[–—]\s+\S")
CLOSING_PUNCTUATION = tuple(".!?…:;,")
MAX_HEADING_WORDS = 16
MAX_KICKER_WORDS = 4


class IngestError(Exception):
    """A source file that cannot be read as UTF-8 text; nothing is built from it."""


def read_source(path: Path) -> str:
    """Decode one source file strictly as UTF-8 (a leading BOM is dropped).

    >>> read_source(Path("seeds/000_e80261cf1410efea.txt"))[:25]
    'Intelligence Artificielle'
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise IngestError(
            f"{path}: line {line}, byte offset {err.start}: not valid UTF-8 "
            f"({err.reason}, byte 0x{data[err.start]:02x}). Convert the file to UTF-8 "
            f"(for example: iconv -f WINDOWS-1252 -t UTF-8 {path.name}) and build again."
        ) from None
    return text.removeprefix("\ufeff")


def looks_like_heading(line: str) -> bool:
    """A short line that does not end a sentence.

    >>> looks_like_heading("Le début du partenariat Microsoft-OpenAI")
    True
    >>> looks_like_heading("Microsoft a investi 10 milliards de dollars.")
    False
    """
    text = line.strip()
    if not text or BULLET.match(line) or ATTRIBUTION.match(line):
        return False
    return len(text.split()) <= MAX_HEADING_WORDS and not text.endswith(CLOSING_PUNCTUATION)


def classify(line: str) -> str:
    if BULLET.match(line):
        return "list_item"
    if ATTRIBUTION.match(line):
        return "attribution"
    if looks_like_heading(line):
        return "heading"
    return "paragraph"


def strip_marker(kind: str, line: str) -> str:
    """The block's text without its bullet; attributions keep their dash."""
    if kind == "list_item":
        return BULLET.sub("", line, count=1)
    return line


def parse_article(text: str, source: Path) -> Article:
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    blocks = [
        Block(kind=classify(line), raw=strip_marker(classify(line), line), where=Provenance(source.name, n))
        for n, line in lines
    ]
    mark_front_matter(blocks)
    return Article(source=source, slug=source.stem, blocks=blocks, raw=text)


def mark_front_matter(blocks: list[Block]) -> None:
    """Retype the leading heading-like lines as kicker and title."""
    if not blocks or blocks[0].kind != "heading":
        return
    first_words = len(blocks[0].raw.split())
    if (
        len(blocks) > 1
        and blocks[1].kind == "heading"
        and first_words <= MAX_KICKER_WORDS
        and first_words < len(blocks[1].raw.split())
    ):
        blocks[0].kind, blocks[1].kind = "kicker", "title"
    else:
        blocks[0].kind = "title"


def read_article(path: Path) -> Article:
    """One source file as an Article: plain text by its layout, other formats through pandoc."""
    from .readers import ReaderError, read_with_pandoc

    if path.suffix.lower() == ".txt":
        return parse_article(read_source(path), path)
    try:
        return read_with_pandoc(path)
    except ReaderError as err:
        raise IngestError(str(err)) from None


def ingest(seeds: Path, title: str = "bilingue") -> Book:
    """Read every source under ``seeds`` (``.txt`` and the formats pandoc reads, sorted by
    name) into a Book."""
    from .readers import PANDOC_FORMATS

    suffixes = {".txt", *PANDOC_FORMATS}
    paths = sorted(p for p in seeds.iterdir() if p.suffix.lower() in suffixes) if seeds.is_dir() else []
    if not paths:
        raise IngestError(f"{seeds}: no source files found (.txt, {', '.join(PANDOC_FORMATS)}). "
                          "Put the French articles there.")
    return Book(title=title, articles=[read_article(p) for p in paths])
