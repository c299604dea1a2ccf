"""Stage 1: raw text files -> Articles of typed Blocks, each with its source line.

Structure is read from the text alone: one block per non-blank line; the first
line(s) are the kicker and title when they look like headings; short lines with
no closing punctuation are headings; ``•`` lines are list items; ``– Name`` lines
are quote attributions.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from .model import Article, Block, Book, Finding, Provenance

BULLET = re.compile(r"^\s*[•▪●◦‣∙·*]\s+")
ATTRIBUTION = re.compile(r"^\s*[–—]\s+\S")
CLOSING_PUNCTUATION = tuple(".!?…:;,")
MAX_HEADING_WORDS = 16
MAX_KICKER_WORDS = 4
# Names the publishers write beside the articles' own pages and diffs.
RESERVED_SLUGS = frozenset({"index", "report"})
# Invisible characters that reorder or hide text (U+202E shows "txt.exe" as "exe.txt"):
# the bidirectional embeddings, overrides, isolates and marks, and the C0/C1 controls.
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
UTF16_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
              b"\xfe\xff": "UTF-16"}


class IngestError(Exception):
    """A source file that cannot be read as UTF-8 text; nothing is built from it."""


def source_files(seeds: Path) -> list[Path]:
    """The source files of ``seeds`` (``.txt`` and the formats pandoc reads), sorted by
    name; refuses anything but plain files (a link could publish any file of the machine,
    a FIFO would hang the build)."""
    from .readers import PANDOC_FORMATS

    if not seeds.is_dir():
        raise IngestError(f"{seeds}: no such folder. Give --seeds the folder of French articles.")
    suffixes = {".txt", *PANDOC_FORMATS}
    paths = sorted(p for p in seeds.iterdir() if p.suffix.lower() in suffixes)
    if not paths:
        raise IngestError(f"{seeds}: no source files found (.txt, {', '.join(sorted(PANDOC_FORMATS))}). "
                          "Put the French articles there.")
    for path in paths:
        check_plain_file(path)
    return paths


def check_plain_file(path: Path) -> None:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise IngestError(f"{path}: is a symbolic link (to {os.readlink(path)}); sources must be plain files. "
                          f"Copy the article into the folder instead of linking it.")
    if stat.S_ISDIR(mode):
        raise IngestError(f"{path}: is a folder, not a text file. Rename it or move it out of the sources.")
    if not stat.S_ISREG(mode):
        raise IngestError(f"{path}: is not a plain file (a pipe, socket or device). Remove it from the sources.")


def read_bytes(path: Path) -> bytes:
    """The bytes of a plain file, never following a link and never waiting on a pipe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        check_plain_file(path)
        raise IngestError(f"{path}: cannot be read ({err.strerror}).") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            check_plain_file(path)
            raise IngestError(f"{path}: is not a plain file. Remove it from the sources.")
        return f.read()


def read_source(path: Path) -> str:
    """Decode one source file strictly as UTF-8 (a leading BOM is dropped).

    >>> read_source(Path("seeds/000_e80261cf1410efea.txt"))[:25]
    'Intelligence Artificielle'
    """
    data = read_bytes(path)
    check_not_utf16(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise IngestError(
            f"{path}: line {line}, byte offset {err.start}: not valid UTF-8 "
            f"({err.reason}, byte 0x{data[err.start]:02x}). Convert the file to UTF-8 "
            f"(for example: iconv -f WINDOWS-1252 -t UTF-8 {path.name}) and build again."
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise IngestError(f"{path}: the file is empty (or only blank). Put the article's text in it, "
                          f"or move it out of the sources.")
    return text


def check_not_utf16(path: Path, data: bytes) -> None:
    """UTF-16 (or UTF-32) text: a byte order mark, or NUL bytes between ASCII letters."""
    bom = next((name for mark, name in UTF16_BOMS.items() if data.startswith(mark)), None)
    head = data[:200]
    if bom is None and head.count(0) * 4 >= len(head) > 0:
        bom = "UTF-16"
    if bom:
        raise IngestError(f"{path}: looks like {bom} text, not UTF-8. Convert it from {bom} "
                          f"(for example: iconv -f {bom} -t UTF-8 {path.name}) and build again.")


def remove_hidden(text: str, source: Path) -> tuple[str, list[Finding]]:
    """The text without invisible control characters, and a finding for each line that had some.

    >>> remove_hidden("Le fichier \u202etxt.exe arrive.", Path("a.txt"))[0]
    'Le fichier txt.exe arrive.'
    """
    findings = []
    for n, line in enumerate(text.split("\n"), start=1):
        found = sorted(set(HIDDEN.findall(line)))
        if found:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in found)
            findings.append(Finding("hidden_character", HIDDEN.sub("", line).strip()[:80],
                                    f"removed invisible character(s) {names}; check the source",
                                    Provenance(source.name, n)))
    return HIDDEN.sub("", text), findings


def slugify(stem: str) -> str:
    """A file name safe in a URL and on any filesystem.

    >>> slugify("Été 2024: l'IA & nous")
    'ete-2024-l-ia-nous'
    """
    ascii_only = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_only).strip("-") or "article"


def unique_slugs(paths: list[Path]) -> list[str]:
    """One slug per source, distinct from each other and from the publishers' own names."""
    taken = set(RESERVED_SLUGS)
    slugs = []
    for path in paths:
        base = slug = slugify(path.stem)
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


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


def parse_article(text: str, source: Path, slug: str | None = None) -> Article:
    text, findings = remove_hidden(text, source)
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    blocks = [
        Block(kind=classify(line), raw=strip_marker(classify(line), line), where=Provenance(source.name, n))
        for n, line in lines
    ]
    mark_front_matter(blocks)
    return Article(source=source, slug=slug or slugify(source.stem), blocks=blocks, raw=text, findings=findings)


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


def read_article(path: Path, slug: str) -> Article:
    """One source file as an Article: plain text by its layout, other formats through pandoc."""
    from .readers import ReaderError, read_with_pandoc

    if path.suffix.lower() == ".txt":
        return parse_article(read_source(path), path, slug)
    try:
        article = read_with_pandoc(path)
    except ReaderError as err:
        raise IngestError(str(err)) from None
    article.slug = slug
    return article


def ingest(seeds: Path, title: str = "bilingue") -> Book:
    """Read every source under ``seeds`` (``.txt`` and the formats pandoc reads, sorted by
    name) into a Book."""
    paths = source_files(seeds)
    return Book(title=title, articles=[read_article(p, slug) for p, slug in zip(paths, unique_slugs(paths))])
