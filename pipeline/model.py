"""The document model every stage reads and extends: Book -> Article -> Block -> Segment.

Stages only add to it (clean fills ``Block.clean``, segment fills ``Block.segments``,
translate fills ``Segment.en``); none of them rewrites what an earlier stage produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BLOCK_KINDS = ("kicker", "title", "heading", "paragraph", "list_item", "attribution")


@dataclass(frozen=True)
class Provenance:
    """Where a piece of text came from: source file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Change:
    """One repair made by the clean stage, with the rule that made it."""

    rule: str
    before: str
    after: str
    where: Provenance
    reason: str = ""  # why, in words: the rule's description, or what the data file or ftfy said


@dataclass(frozen=True)
class Finding:
    """Something a human must look at: not repaired, only reported."""

    kind: str
    text: str
    message: str
    where: Provenance


@dataclass(frozen=True)
class Mark:
    """Inline formatting a source had over ``[start, end)`` of its block's text: ``emph``,
    ``strong``, ``code``, or ``link`` (with its ``target``)."""

    start: int
    end: int
    kind: str
    target: str = ""


@dataclass(frozen=True)
class Flag:
    """A QA finding on one segment's translation (check id, severity, what is wrong)."""

    check: str
    severity: str  # "error", "warning" or "info"
    message: str
    accepted: str = ""  # the editor's reason when the flag is accepted in glossary/qa-accepted.tsv


@dataclass
class Segment:
    """One translation unit: a sentence of a paragraph, or a whole heading.

    ``fr`` is ``block.clean[start:end]``: segments are spans of the cleaned French, never
    re-joined strings."""

    id: str
    fr: str
    where: Provenance
    start: int = 0
    end: int = 0
    en: str = ""
    origin: str = ""  # "engine", "memory" or "approved": who produced ``en``
    route: str = ""  # the engine route that produced ``en`` (e.g. "fr-es|spa-eng")
    terms: list = field(default_factory=list)  # glossary hits in ``fr`` (glossary.Hit)
    en_terms: list = field(default_factory=list)  # (start, end, Entry) of each honoured term in ``en``
    honoured: list[bool] = field(default_factory=list)  # per hit in ``terms``
    en_changes: list[Change] = field(default_factory=list)  # English post-edits, with rule ids
    flags: list[Flag] = field(default_factory=list)  # QA findings


@dataclass
class Block:
    kind: str
    raw: str
    where: Provenance
    clean: str = ""
    changes: list[Change] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # inline formatting over ``raw`` (sources pandoc reads)


@dataclass
class Article:
    source: Path
    slug: str
    blocks: list[Block]
    raw: str = ""  # the source text as read, for the review diff
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[Change] = field(default_factory=list)  # whole blocks dropped by a rule
    findings: list[Finding] = field(default_factory=list)
    number: int = 0  # 1-based place in the book, part of every segment id

    def first(self, kind: str) -> Block | None:
        return next((b for b in self.blocks if b.kind == kind), None)

    @property
    def title(self) -> str:
        """The article's title; an untitled source falls back to its first heading."""
        block = self.first("title") or self.first("heading")
        if block is None:
            return self.slug
        return block.clean or block.raw

    @property
    def body(self) -> list[Block]:
        return [b for b in self.blocks if b.kind not in ("kicker", "title")]

    @property
    def segments(self) -> list[Segment]:
        return [s for b in self.blocks for s in b.segments]


@dataclass
class Book:
    title: str
    articles: list[Article]
    metadata: dict = field(default_factory=dict)  # book.toml: titles, publisher, rights, identifier, date…
    engine: str = ""  # "name (model id)" of the engine that produced the English
    stats: dict = field(default_factory=dict)  # what stages measured: counts, seconds, compliance…

    @property
    def segments(self) -> list[Segment]:
        return [s for a in self.articles for s in a.segments]
