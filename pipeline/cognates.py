"""English cognates of French words: the last resort for a word no Apertium route knows.

Learned French words (réévaluent, décisionnels, renégociation) are often missing from every
Apertium dictionary while English has the same Latin word with a regular ending. The rules
are data (``glossary/cognates.tsv``: French ending -> English ending); a rule's result is
used only when Debian's English word lists have it, so a rule cannot invent a word.
"""
from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from . import tsv

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "glossary" / "cognates.tsv"
COLUMNS = ("french", "english", "example")
# Debian's wamerican/wbritish, and their -huge lists (wamerican-huge, wbritish-huge) for longer
# words: the huge lists also hold short foreign words (de, les) that a French word may equal.
COMMON_LISTS = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
HUGE_LISTS = (Path("/usr/share/dict/american-english-huge"), Path("/usr/share/dict/british-english-huge"))
HUGE_MIN_LENGTH = 6
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def unaccented(text: str) -> str:
    """
    >>> unaccented("réévalu"), unaccented("cœur")
    ('reevalu', 'coeur')
    """
    decomposed = unicodedata.normalize("NFD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Rule:
    french: str
    english: str
    line: int

    @property
    def id(self) -> str:
        return f"cognates.tsv:{self.line}"

    def apply(self, word: str) -> str | None:
        """``word`` (lower case) with this rule's ending replaced, the rest unaccented.

        >>> Rule("uent", "uate", 1).apply("réévaluent"), Rule("uent", "uate", 1).apply("tweeté")
        ('reevaluate', None)
        """
        if not word.endswith(self.french):
            return None
        return unaccented(word[: len(word) - len(self.french)]) + self.english


@dataclass(frozen=True)
class Cognate:
    english: str
    rule: Rule


class EnglishWords:
    """Debian's English word lists (lower case), read on first use: most builds never need
    them."""

    def __init__(self, common: tuple[Path, ...] = COMMON_LISTS, rare: tuple[Path, ...] = HUGE_LISTS) -> None:
        self.paths = {"common": common, "rare": rare}

    @functools.cached_property
    def common(self) -> frozenset[str]:
        return read_words(self.paths["common"])

    @functools.cached_property
    def rare(self) -> frozenset[str]:
        return read_words(self.paths["rare"])

    def __contains__(self, word: object) -> bool:
        return word in self.common or (isinstance(word, str) and len(word) >= HUGE_MIN_LENGTH and word in self.rare)

    def identity(self) -> str:
        """What the lists are, for a cache key (their paths and sizes, not their words)."""
        return " ".join(f"{p}:{p.stat().st_size if p.exists() else 0}" for paths in self.paths.values() for p in paths)


class Cognates:
    """French ending rules whose results must be English words."""

    def __init__(self, rules: list[Rule], english_words: Container[str], digest: str = "") -> None:
        # The whole word first (a French word English has as it is, gradient, stays as it
        # is), then the longest French ending; file order among equals (``sorted`` is stable).
        self.rules = sorted(rules, key=lambda r: (bool(r.french), -len(r.french)))
        self.english_words = english_words
        self.digest = digest

    def english(self, word: str) -> Cognate | None:
        """The English word of the first rule whose result an English word list has,
        capitalised like ``word``.

        >>> rules = [Rule("uent", "uate", 1), Rule("ient", "e", 2), Rule("", "", 3)]
        >>> cognates = Cognates(rules, {"reevaluate", "privilege", "grade", "gradient"})
        >>> cognates.english("Réévaluent").english, cognates.english("privilégient").english
        ('Reevaluate', 'privilege')
        >>> cognates.english("gradient").rule.id, cognates.english("inéluctable"), cognates.english("gradé")
        ('cognates.tsv:3', None, None)
        """
        for rule in self.rules:
            if not rule.french and unaccented(word[-3:]) != word[-3:]:
                continue  # a final accent is French morphology (harangué, ruralité), not spelling
            candidate = rule.apply(word.lower())
            if candidate and candidate.isalpha() and candidate in self.english_words:
                return Cognate(candidate[:1].upper() + candidate[1:] if word[:1].isupper() else candidate, rule)
        return None


def read_words(paths: tuple[Path, ...]) -> frozenset[str]:
    from .nlp import ResourceError

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ResourceError(f"{', '.join(missing)} missing: apt-get install wamerican wbritish wamerican-huge "
                            "wbritish-huge (or: make deps)")
    return frozenset(w.lower() for path in paths for w in path.read_text(encoding="utf-8").split())


@functools.cache
def load(path: Path = DEFAULT_FILE) -> Cognates:
    """The rules of ``path``, checked against Debian's English word lists; a malformed file,
    or a rule that does not turn its own example into its English, is refused with its line."""
    rows, problems = tsv.read_rows(path, COLUMNS, required=3)
    rules = []
    for number, (french_ending, english_ending, example) in rows:
        rule = Rule(french_ending, english_ending, number)
        french, arrow, english = example.partition(" -> ")
        if not arrow:
            problems.append(tsv.Problem(number, "error", f"example {example!r}: write it as 'french -> english'"))
        elif rule.apply(french.lower()) != english.lower():
            problems.append(tsv.Problem(number, "error", f"the rule does not turn {french!r} into {english!r}"))
        rules.append(rule)
    tsv.raise_errors(path, problems, "Fix these rows of the cognate rules (see the comments at the top of the file).")
    words = EnglishWords()
    # The digest goes into the engine's config_id: the rules, this code, and the word lists.
    digest = hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes() + words.identity().encode())
    return Cognates(rules, words, digest.hexdigest()[:16])
