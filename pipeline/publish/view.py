"""The one bilingual projection of a book that every writer renders (HTML, EPUB, review).

A ``BookView`` holds, per article, its title and kicker in both languages, its metadata
(book.toml first, then what the clean stage scraped), and its body as units: a block
(paragraph, heading, attribution) or a list of consecutive list items. Each unit holds
its sentences as twins (French and English, same id), each with the glossary terms found
in it in both languages, the origin of its English and its QA flags.
"""
from __future__ import annotations

import gc

import unicodedata
from dataclasses import dataclass, field

from ..glossary import Entry
from ..model import Article, Block, Book, Flag, Segment
from ..model import Mark as Style
from ..names import AUTO_NOTE
from ..readers import carry_marks

LANGS = ("fr", "en")
EDITIONS = {"bilingue": ("fr", "en"), "english": ("en",), "francais": ("fr",)}
ARTICLE_INFO = ("date", "updated", "author", "source", "url")
SAFE_LINK = ("https://", "http://", "mailto:")  # a source's javascript: link must not become one of ours


@dataclass(frozen=True)
class TermMark:
    """A glossary term inside one sentence's text; ``first`` when it is the first
    occurrence of its entry in its unit, in that language."""

    start: int
    end: int
    entry: Entry
    first: bool


@dataclass(frozen=True)
class Sentence:
    id: str
    text: dict[str, str]
    marks: dict[str, list[TermMark]]
    origin: str = ""
    flags: tuple[Flag, ...] = ()
    styles: dict[str, list[Style]] = field(default_factory=lambda: {"fr": [], "en": []})  # the source's formatting


@dataclass(frozen=True)
class Run:
    """A piece of a sentence's text, ``[start, end)``: plain, or in a ``style`` holding
    the runs inside it (a link around an emphasis…)."""

    start: int
    end: int
    style: Style | None = None
    inside: tuple["Run", ...] = ()


def runs(start: int, end: int, styles: list[Style]) -> tuple[Run, ...]:
    """``[start, end)`` cut into plain runs and styled runs, nested as the styles nest.

    >>> [(r.start, r.end, r.style and r.style.kind) for r in runs(0, 10, [Style(2, 5, "emph")])]
    [(0, 2, None), (2, 5, 'emph'), (5, 10, None)]
    """
    out: list[Run] = []
    pos = start
    for style in sorted(styles, key=lambda s: (s.start, -s.end)):
        if style.start < pos:
            continue  # inside the previous style: it is in that run
        if style.start > pos:
            out.append(Run(pos, style.start))
        inner = [s for s in styles if s is not style and style.start <= s.start and s.end <= style.end]
        out.append(Run(style.start, style.end, style, runs(style.start, style.end, inner)))
        pos = style.end
    if pos < end:
        out.append(Run(pos, end))
    return tuple(out)


@dataclass(frozen=True)
class Unit:
    """A block, or (kind ``list``) the consecutive list items in ``items``."""

    kind: str
    sentences: tuple[Sentence, ...] = ()
    items: tuple["Unit", ...] = ()
    where: str = ""

    def text(self, lang: str) -> str:
        return " ".join(s.text[lang] for s in self.sentences)


@dataclass(frozen=True)
class ArticleView:
    number: int
    slug: str
    title: Unit
    kicker: Unit | None
    units: tuple[Unit, ...]
    info: dict[str, str]
    entries: tuple[Entry, ...]  # glossary entries used in the article, sorted

    @property
    def id(self) -> str:
        return f"article-{self.number}"


@dataclass(frozen=True)
class BookView:
    metadata: dict
    engine: str
    articles: tuple[ArticleView, ...]
    entries: tuple[Entry, ...] = field(default=())  # every glossary entry the book uses, sorted

    def title(self, langs: tuple[str, ...]) -> str:
        return " / ".join(self.metadata["title"][lang] for lang in langs)


def project(book: Book) -> BookView:
    """The view of ``book`` after translation.

    The view is tens of thousands of small objects without reference cycles: the cyclic
    garbage collector is paused while they are made, since each of its passes would go
    through all those made so far (at 100x the seeds, half of the time went there, and
    the share grew with the book)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        articles = tuple(article_view(n, article, book.metadata) for n, article in enumerate(book.articles, start=1))
    finally:
        if was_enabled:
            gc.enable()
    used = {e for a in articles for e in a.entries}
    return BookView(metadata=book.metadata, engine=book.engine, articles=articles, entries=sorted_entries(used))


def article_view(number: int, article: Article, metadata: dict) -> ArticleView:
    # An article with no title in its source nor in book.toml is headed by its first heading,
    # which then leaves the body so it does not appear twice.
    title = article.first("title") or article.first("heading")
    kicker = article.first("kicker")
    body = [b for b in article.blocks if b is not title and b is not kicker]
    units = tuple(group(body))
    title_unit = unit(title) if title else untitled(number)
    edited = metadata.get("articles", {}).get(article.slug, {})
    info = {key: edited.get(key) or article.metadata.get(key, "") for key in ARTICLE_INFO}
    # Names the names stage found are protected like glossary names but are no glossary entries.
    entries = {m.entry for u in (title_unit, *units) for s in sentences(u) for lang in LANGS for m in s.marks[lang]
               if m.entry.note != AUTO_NOTE}
    return ArticleView(number=number, slug=article.slug, title=title_unit, kicker=unit(kicker) if kicker else None,
                       units=units, info={k: v for k, v in info.items() if v}, entries=sorted_entries(entries))


def untitled(number: int) -> Unit:
    name = f"Article {number}"
    return Unit("title", (Sentence(f"a{number}-title", {"fr": name, "en": name}, {"fr": [], "en": []}),))


def group(blocks: list[Block]) -> list[Unit]:
    """Units in reading order, consecutive list items gathered in one list."""
    units: list[Unit] = []
    for block in blocks:
        if block.kind == "list_item":
            if units and units[-1].kind == "list":
                units[-1] = Unit("list", items=(*units[-1].items, unit(block)), where=units[-1].where)
            else:
                units.append(Unit("list", items=(unit(block),), where=str(block.where)))
        else:
            units.append(unit(block))
    return units


def unit(block: Block) -> Unit:
    seen: dict[str, set[str]] = {lang: set() for lang in LANGS}
    styles = carry_marks(block.raw, block.clean, block.marks)
    return Unit(block.kind, tuple(sentence(s, seen, styles) for s in block.segments), where=str(block.where))


def sentence_styles(segment: Segment, block_styles: list[Style]) -> dict[str, list[Style]]:
    """The block's formatting that falls inside this segment, in the segment's offsets;
    in the English, a link whose words came through unchanged (a name, a title) keeps its target."""
    french = [Style(s.start - segment.start, s.end - segment.start, s.kind, s.target) for s in block_styles
              if segment.start <= s.start and s.end <= segment.end]
    english = []
    for s in (s for s in french if s.kind == "link"):
        anchor = segment.fr[s.start:s.end]
        at = segment.en.find(anchor)
        if at >= 0:
            english.append(Style(at, at + len(anchor), "link", s.target))
    return {"fr": french, "en": english}


def sentence(segment: Segment, seen: dict[str, set[str]], block_styles: list[Style] = ()) -> Sentence:
    """One twin pair; ``seen`` holds the entries already marked earlier in the unit."""
    spans = {
        "fr": [(h.start, h.end, h.entry) for h in segment.terms],
        "en": [(start, end, entry) for start, end, entry in segment.en_terms],
    }
    marks = {}
    for lang, found in spans.items():
        marks[lang] = []
        for start, end, entry in sorted(found, key=lambda span: span[0]):
            marks[lang].append(TermMark(start, end, entry, entry.fr not in seen[lang]))
            seen[lang].add(entry.fr)
    return Sentence(segment.id, {"fr": segment.fr, "en": segment.en}, marks, segment.origin, tuple(segment.flags),
                    sentence_styles(segment, list(block_styles)))


def sentences(u: Unit) -> list[Sentence]:
    return [s for item in u.items for s in item.sentences] if u.kind == "list" else list(u.sentences)


def sorted_entries(entries) -> tuple[Entry, ...]:
    """Entries in dictionary order: accents and case do not move a word (``à but…`` under a)."""
    return tuple(sorted(entries, key=lambda e: (plain_letters(e.fr), e.fr)))


def plain_letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def label(fr: str, en: str, langs: tuple[str, ...]) -> str:
    """A fixed label in the edition's languages: ``Sommaire / Contents``, or one of them."""
    return " / ".join({"fr": fr, "en": en}[lang] for lang in langs)
