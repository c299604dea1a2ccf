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


@dataclass(frozen=True)
class Cognate:
    english: str
    rule: Rule


class Cognates:
    """French ending rules checked against a set of English words (lower case)."""

    def __init__(self, rules: list[Rule], common: frozenset[str], rare: frozenset[str] = frozenset(),
                 digest: str = "") -> None:
        # Longest French ending first; file order among equals (``sorted`` is stable).
        self.rules = sorted(rules, key=lambda r: -len(r.french))
        self.common, self.rare = common, rare
        self.digest = digest

    def is_english(self, word: str) -> bool:
        return word in self.common or (len(word) >= HUGE_MIN_LENGTH and word in self.rare)

    def english(self, word: str) -> Cognate | None:
        """The English word of the first rule whose result an English word list has,
        capitalised like ``word``.

        >>> rules = [Rule("", "", 1), Rule("uent", "uate", 2), Rule("ie", "es", 3)]
        >>> cognates = Cognates(rules, frozenset({"reevaluate", "privileges", "cumulative"}))
        >>> cognates.english("réévaluent").english, cognates.english("Privilégie").english
        ('reevaluate', 'Privileges')
        >>> cognates.english("cumulative").rule.id, cognates.english("inéluctable")
        ('cognates.tsv:1', None)
        """
        lower = word.lower()
        for rule in self.rules:
            if not lower.endswith(rule.french):
                continue
            candidate = unaccented(lower[: len(lower) - len(rule.french)]) + rule.english
            if candidate.isalpha() and self.is_english(candidate):
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
    """The rules of ``path`` with Debian's English word lists; a malformed file, or a rule
    whose own example does not give its English, is refused with its line."""
    rows, problems = tsv.read_rows(path, COLUMNS, required=3)
    rules = [Rule(cells[0], cells[1], number) for number, cells in rows]
    # The digest goes into the engine's config_id: the rules, this code, and the word lists.
    digest = hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes())
    for words in (path for path in (*COMMON_LISTS, *HUGE_LISTS) if path.exists()):
        digest.update(f"{words}:{words.stat().st_size}".encode())
    cognates = Cognates(rules, read_words(COMMON_LISTS), read_words(HUGE_LISTS), digest.hexdigest()[:16])
    for (number, cells), rule in zip(rows, rules):
        french, arrow, english = cells[2].partition(" -> ")
        if not arrow:
            problems.append(tsv.Problem(number, "error", f"example {cells[2]!r}: write it as 'french -> english'"))
            continue
        if not cognates.is_english(english):
            problems.append(tsv.Problem(number, "error", f"example {english!r} is not in the English word lists"))
        elif (found := Cognates([rule], cognates.common, cognates.rare).english(french)) is None or found.english != english:
            problems.append(tsv.Problem(number, "error", f"the rule does not turn {french!r} into {english!r}"))
    tsv.raise_errors(path, problems, "Fix these rows of the cognate rules (see the comments at the top of the file).")
    return cognates
