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


@dataclass(frozen=True)
class Finding:
    """Something a human must look at: not repaired, only reported."""

    kind: str
    text: str
    message: str
    where: Provenance


@dataclass
class Segment:
    """One translation unit: a sentence of a paragraph, or a whole heading."""

    id: str
    fr: str
    where: Provenance
    en: str = ""
    origin: str = ""  # "engine", "memory" or "approved": who produced ``en``
    terms: list = field(default_factory=list)  # glossary hits in ``fr`` (glossary.Hit)


@dataclass
class Block:
    kind: str
    raw: str
    where: Provenance
    clean: str = ""
    changes: list[Change] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Article:
    source: Path
    slug: str
    blocks: list[Block]
    raw: str = ""  # the source text as read, for the review diff
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[Change] = field(default_factory=list)  # whole blocks dropped by a rule
    findings: list[Finding] = field(default_factory=list)

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

    @property
    def segments(self) -> list[Segment]:
        return [s for a in self.articles for s in a.segments]
