"""Sources in any format pandoc reads: Markdown, HTML, DOCX, ODT, EPUB -> Articles.

pandoc parses the file into its AST (JSON); the blocks become our typed blocks (the first
header is the title, later ones headings; list items, block quotes and paragraphs keep
their kind) and the inline emphasis, strong emphasis, code and links become ``Mark``s,
character ranges of the block's text, so the outputs can show them again. Plain text
keeps its own reader (``ingest.parse_article``), which reads structure from the layout.

Binary formats have no lines: a block's ``Provenance.line`` is then its ordinal in the
document (the n-th paragraph).
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path

from .model import Article, Block, Mark, Provenance

# Our suffix -> pandoc's reader name.
PANDOC_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".docx": "docx",
                  ".odt": "odt", ".epub": "epub"}
MARKS = {"Emph": "emph", "Strong": "strong", "Code": "code", "Link": "link"}


class ReaderError(Exception):
    """pandoc could not read a source file."""


class Inlines:
    """Flattens pandoc inlines into text plus marks over it."""

    def __init__(self) -> None:
        self.text = ""
        self.marks: list[Mark] = []

    def add(self, inlines: list[dict]) -> "Inlines":
        for node in inlines:
            kind, content = node["t"], node.get("c")
            if kind == "Str":
                self.text += content
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                self.space()
            elif kind == "Code":
                self.marked("code", lambda: setattr(self, "text", self.text + content[1]))
            elif kind == "Link":
                self.marked("link", lambda: self.add(content[1]), target=content[2][0])
            elif kind in MARKS:
                self.marked(MARKS[kind], lambda: self.add(content))
            elif kind == "Quoted":
                opening, closing = ("« ", " »") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
                self.text += opening
                self.add(content[1])
                self.text += closing
            elif kind in ("Span", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
                self.add(content[-1])
            elif kind == "Cite":
                self.add(content[1])
            # Notes, images, raw markup and maths carry no running text of the article.
        return self

    def space(self) -> None:
        """One blank between words, never at the start nor twice, so offsets stay exact."""
        if self.text and not self.text.endswith(" "):
            self.text += " "

    def marked(self, kind: str, fill, target: str = "") -> None:
        start = len(self.text)
        fill()
        if len(self.text) > start:
            self.marks.append(Mark(start, len(self.text), kind, target))


def blocks_of(nodes: list[dict], source: str, counter: list[int], kind: str = "paragraph") -> list[Block]:
    """Our blocks for pandoc blocks, in document order; ``counter`` numbers them."""
    blocks: list[Block] = []
    for node in nodes:
        t, c = node["t"], node.get("c")
        if t in ("Para", "Plain"):
            blocks.append(new_block(kind, c, source, counter))
        elif t == "Header":
            blocks.append(new_block("heading", c[2], source, counter))
        elif t in ("BulletList", "OrderedList"):
            for item in c if t == "BulletList" else c[1]:
                blocks += blocks_of(item, source, counter, "list_item")
        elif t in ("BlockQuote", "Div"):
            blocks += blocks_of(c if t == "BlockQuote" else c[1], source, counter, kind)
        elif t == "LineBlock":
            blocks += [new_block(kind, line, source, counter) for line in c]
        elif t == "DefinitionList":
            for term, definitions in c:
                blocks.append(new_block("heading", term, source, counter))
                for definition in definitions:
                    blocks += blocks_of(definition, source, counter, kind)
    return [b for b in blocks if b.raw.strip()]


def new_block(kind: str, inlines: list[dict], source: str, counter: list[int]) -> Block:
    counter[0] += 1
    flat = Inlines().add(inlines)
    text = flat.text.rstrip()
    marks = [Mark(m.start, min(m.end, len(text)), m.kind, m.target) for m in flat.marks]
    return Block(kind=kind, raw=text, where=Provenance(source, counter[0]), marks=[m for m in marks if m.start < m.end])


def carry_marks(before: str, after: str, marks: list[Mark]) -> list[Mark]:
    """The marks of ``before`` moved onto ``after`` (the same text once repaired): each
    end follows the characters around it; a mark whose text was removed is dropped.

    >>> carry_marks("un lien", "un lien !", [Mark(3, 7, "link", "https://example.org")])
    [Mark(start=3, end=7, kind='link', target='https://example.org')]
    >>> carry_marks("de le monde", "du monde", [Mark(6, 11, "emph")])
    [Mark(start=3, end=8, kind='emph', target='')]
    """
    if before == after or not marks:
        return list(marks)
    blocks = difflib.SequenceMatcher(None, before, after, autojunk=False).get_matching_blocks()

    def moved(offset: int) -> int:
        for a, b, size in blocks:
            if a <= offset <= a + size:
                return b + offset - a
        return next((b for a, b, _ in blocks if a >= offset), len(after))

    carried = [Mark(moved(m.start), moved(m.end), m.kind, m.target) for m in marks]
    return [m for m in carried if m.start < m.end]


def read_with_pandoc(path: Path) -> Article:
    import pypandoc

    try:
        ast = json.loads(pypandoc.convert_file(str(path), "json", format=PANDOC_FORMATS[path.suffix.lower()]))
    except (RuntimeError, OSError, ValueError) as err:
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        raise ReaderError(f"{path}: pandoc cannot read it as {PANDOC_FORMATS[path.suffix.lower()]} ({reason}). "
                          f"Check the file opens in its application, or save it as .txt.") from None
    blocks = blocks_of(ast["blocks"], path.name, [0])
    heading = next((b for b in blocks if b.kind == "heading"), None)
    if heading is not None and heading is blocks[0]:
        heading.kind = "title"
    raw = "\n".join(("• " if b.kind == "list_item" else "") + b.raw for b in blocks) + "\n"
    return Article(source=path, slug=path.stem, blocks=blocks, raw=raw)
