"""Stage 3: split paragraphs into sentences (spaCy); every other block is one segment."""
from __future__ import annotations

from . import nlp
from .model import Book, Segment

SPLIT_KINDS = ("paragraph",)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, as spaCy's parser finds them.

    >>> sentences("OpenAI a accès à Azure. Cela ouvre la voie à l’IA.")
    ['OpenAI a accès à Azure.', 'Cela ouvre la voie à l’IA.']
    """
    return [s.text.strip() for s in nlp.parse(text).sents if s.text.strip()]


def segment(book: Book) -> Book:
    """Give every block its segments, with ids stable for a given book layout."""
    for article in book.articles:
        for b_index, block in enumerate(article.blocks, start=1):
            parts = sentences(block.clean) if block.kind in SPLIT_KINDS else [block.clean]
            block.segments, cursor = [], 0
            for s_index, text in enumerate(parts, start=1):
                start = block.clean.index(text, cursor)
                cursor = start + len(text)
                block.segments.append(Segment(id=f"a{article.number}-b{b_index}-s{s_index}", fr=text, where=block.where,
                                              start=start, end=cursor))
    return book
