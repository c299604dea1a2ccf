"""Small text helpers every stage shares: whole-word patterns, capitalisation, overlaps.

Each exists once so that the clean stage, the glossary and the checks agree on what a
whole word is, how a replacement takes the case of what it replaces, and which of two
overlapping matches wins.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from typing import Protocol, TypeVar


def whole_words(phrase: str) -> str:
    """A regex for ``phrase`` as whole words, any run of spaces between its words.

    >>> bool(re.search(whole_words("que le"), "pense que  le ciel")), bool(re.search(whole_words("que le"), "quele"))
    (True, False)
    """
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"


@functools.cache
def any_of_whole_words(phrases: tuple[str, ...], flags: int = 0) -> re.Pattern | None:
    """One regex matching any of ``phrases`` as whole words, the longest first where two
    start at the same place; None when there are no phrases (so nothing ever matches).
    Compiled once per set of phrases.

    >>> any_of_whole_words(("Microsoft", "Microsoft AI")).findall("Microsoft AI et Microsoft")
    ['Microsoft AI', 'Microsoft']
    """
    unique = sorted({p for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    if not unique:
        return None
    return re.compile("|".join(f"(?:{whole_words(p)})" for p in unique), flags)


def match_case(model: str, word: str) -> str:
    """``word`` capitalised like the first letter of ``model`` (the text it replaces).

    >>> match_case("De", "du"), match_case("de", "du"), match_case("Le", "l’")
    ('Du', 'du', 'L’')
    """
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def capitalise(text: str) -> str:
    """The first letter in upper case, the rest untouched (``iPhone`` stays as it is only
    where the caller does not capitalise it).

    >>> capitalise("startup"), capitalise("«\u202fla")
    ('Startup', '«\u202fla')
    """
    return text[:1].upper() + text[1:]


class Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=Span)


def overlaps(a: Span, b: Span) -> bool:
    """Two character spans overlap; an empty span (an insertion) also clashes with a span
    it touches, since the two would be applied at the same place.

    >>> from types import SimpleNamespace as At
    >>> overlaps(At(start=0, end=3), At(start=3, end=5)), overlaps(At(start=3, end=3), At(start=0, end=3))
    (False, True)
    """
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


def non_overlapping(spans: Iterable[S]) -> list[S]:
    """The longest spans first, then the earliest, each kept only if it overlaps none kept
    before (``spacy.util.filter_spans``'s rule, for character spans); in text order.

    >>> from types import SimpleNamespace as At
    >>> [(s.start, s.end) for s in non_overlapping([At(start=0, end=4), At(start=2, end=9), At(start=9, end=12)])]
    [(2, 9), (9, 12)]
    """
    kept: list[S] = []
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        at = bisect.bisect_left(starts, span.start)
        neighbours = kept[max(0, at - 1) : at + 2]
        if not any(overlaps(span, other) for other in neighbours):
            kept.insert(at, span)
            starts.insert(at, span.start)
    return kept
