"""Translation QA before publishing, per segment, the way a CAT tool's QA pass (Okapi
CheckMate, Translate Toolkit's pofilter) points a translator at suspicious segments,
but aware of French -> English.

Each check is a pure function of the French, the English and what the glossary found,
returning ``model.Flag``s; ``run_qa`` fills ``Segment.flags`` and ``book.stats["qa"]``,
``check_pairs`` runs the same checks on approved (TMX/XLIFF) pairs, and
``check_alignment`` checks the published outputs (HTML, EPUB, review pages).

Telling words apart needs dictionaries: English is Debian's word lists (wamerican,
wbritish) plus the English analysers of the installed Apertium pairs; French is
wfrench plus Apertium's French analysers; Spanish, Catalan and Esperanto (the pivot
languages of Apertium routes) are their Apertium analysers, run through ``lt-proc``.
"""
from __future__ import annotations

import functools
import hashlib
import pickle
import re
import shutil
import statistics
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import glossary as gl
from .model import Book, Flag
from .tsv import Problem, raise_errors, read_rows

# --- the checks -----------------------------------------------------------------------

CHECKS = {
    "numbers": "every number of the French is in the English, in English format and scale",
    "names": "names, entities and acronyms of the French appear in the English",
    "untranslated": "French or pivot-language (Spanish, Catalan, Esperanto) words left in the English",
    "cognates": "a word no engine route knew, given its English cognate (glossary/cognates.tsv): confirm it",
    "empty_or_copied": "English empty, or a copy of the French",
    "length": "English/French length ratio outside the book's robust band",
    "punctuation": "unbalanced quotes or brackets, French typography, a question that lost its mark",
    "alignment": "every French segment has exactly one English twin, in order, in every output",
    "glossary": "every glossary occurrence has its required English",
}
SEVERITIES = ("error", "warning", "info")


def flag(check: str, severity: str, message: str) -> Flag:
    assert check in CHECKS and severity in SEVERITIES
    return Flag(check, severity, message)


def source_hash(fr: str) -> str:
    """The short digest that names a segment's French in ``glossary/qa-accepted.tsv``."""
    return hashlib.sha256(fr.encode("utf-8")).hexdigest()[:12]


# --- dictionaries -----------------------------------------------------------------------

# Debian's word lists: wamerican, wbritish, wfrench; the large English lists (wamerican-large,
# wbritish-large) add rare long words (confabulation) but also list short French words
# (de, est, et), so they count only for words of RARE_LENGTH letters or more.
WORDLISTS = {"English": ("/usr/share/dict/american-english", "/usr/share/dict/british-english"),
             "English-rare": ("/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large"),
             "French": ("/usr/share/dict/french",)}
RARE_LENGTH = 6
# English words and phrases the word lists lack (de facto, hyperscaler), kept by the editor.
ENGLISH_EXTRA = Path(__file__).resolve().parent.parent / "glossary" / "english-words.txt"
# Apertium morphological analysers (lt-proc): each knows the words of one language of a pair.
APERTIUM = Path("/usr/share/apertium")
ANALYSERS = {
    "English": ("apertium-eng-spa/eng-spa", "apertium-eng-cat/eng-cat", "apertium-eo-en/en-eo"),
    "French": ("apertium-fra-cat/fra-cat", "apertium-fr-es/fr-es", "apertium-eo-fr/fr-eo"),
    "Spanish": ("apertium-fr-es/es-fr", "apertium-eng-spa/spa-eng"),
    "Catalan": ("apertium-fra-cat/cat-fra", "apertium-eng-cat/cat-eng"),
    "Esperanto": ("apertium-eo-en/eo-en",),
}
FOREIGN = ("French", "Spanish", "Catalan", "Esperanto")
ANALYSIS = re.compile(r"\^([^/$]*)/([^$]*)\$")


class Lexicon:
    """Which languages know a word, from word lists and Apertium analysers.

    Lookups are cached; ``prime`` analyses many words in one ``lt-proc`` run per
    analyser, so a book costs a handful of processes, not one per word."""

    def __init__(self, wordlists=WORDLISTS, analysers=ANALYSERS, root: Path = APERTIUM,
                 english_extra: Path = ENGLISH_EXTRA) -> None:
        self.words = {lang: frozenset(w for path in paths if Path(path).exists()
                                      for w in Path(path).read_text(encoding="utf-8").split())
                      for lang, paths in wordlists.items()}
        extra = read_list(english_extra)
        self.words["English"] |= {w for w in extra if " " not in w}
        self.english_phrases = [w for w in extra if " " in w]
        have_lt_proc = shutil.which("lt-proc") is not None
        self.analysers = {lang: [p for name in names if have_lt_proc and (p := root / f"{name}.automorf.bin").exists()]
                          for lang, names in analysers.items()}
        self.cache: dict[tuple[str, str], list[str]] = {}

    def identity(self) -> str:
        """The analysers as files (path, size, time): what the analyses of a saved cache
        depend on."""
        files = sorted(p for binaries in self.analysers.values() for p in binaries)
        return " ".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)

    def load(self, path: Path) -> None:
        """Analyses saved by an earlier build with the same analysers (a rebuild then runs
        ``lt-proc`` only for new words); a missing, stale or unreadable file is ignored."""
        try:
            identity, cache = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return
        if identity == self.identity() and isinstance(cache, dict):
            self.cache = {**cache, **self.cache}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((self.identity(), self.cache), protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)

    def prime(self, batch) -> None:
        """Analyse every word not yet cached, one process per analyser."""
        for lang, binaries in self.analysers.items():
            todo = sorted({w for w in batch if (lang, w) not in self.cache})
            if not todo:
                continue
            found: dict[str, list[str]] = {w: [] for w in todo}
            for binary in binaries:
                out = subprocess.run(["lt-proc", str(binary)], input="\n".join(todo) + "\n",
                                     capture_output=True, text=True, check=False).stdout
                for surface, analyses in ANALYSIS.findall(out):
                    if surface in found and not analyses.startswith("*"):
                        found[surface] += analyses.split("/")
            for w, analyses in found.items():
                self.cache[(lang, w)] = analyses

    def analyses(self, word: str, lang: str) -> list[str]:
        if (lang, word) not in self.cache:
            self.prime([word])
        return self.cache.get((lang, word), [])

    def knows(self, word: str, lang: str) -> bool:
        return word in self.words.get(lang, ()) or bool(self.analyses(word, lang))

    def is_english(self, word: str) -> bool:
        lists = [self.words["English"]] + ([self.words.get("English-rare", ())] if len(word) >= RARE_LENGTH else [])
        return any(word in w or word.lower() in w for w in lists) or self.knows(word, "English")

    def is_french_word(self, word: str) -> bool:
        """A French common word (not a proper noun) in this spelling or in lower case."""
        lower = word.lower()
        if lower in self.words["French"]:
            return True
        return any(not a.split("<", 1)[-1].startswith("np>") for a in self.analyses(lower, "French"))

    def languages(self, word: str) -> list[str]:
        """The foreign languages (of ``FOREIGN``) that know ``word``."""
        return [lang for lang in FOREIGN if self.knows(word, lang)]


def read_list(path: Path) -> list[str]:
    """One entry a line; blank lines and ``#`` comments skipped. A missing file is empty."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@functools.cache
def default_lexicon() -> Lexicon:
    return Lexicon()


# --- numbers ----------------------------------------------------------------------------

SPACES = " \u00a0\u202f"
# A decimal comma, or a point as in version numbers (GPT-3.5) that the English keeps.
FR_NUMBER = re.compile(rf"(?<![\w.,])(\d{{1,3}}(?:[{SPACES}]\d{{3}})+|\d+)(?:[,.](\d+)(?!\d))?")
EN_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?")
FR_SCALES = {"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9, "billion": 12,
             "billions": 12, "md": 9, "mds": 9, "mrd": 9, "mrds": 9}
EN_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "bn": 9}
FR_SCALE = re.compile(rf"[{SPACES}]?(milliards?|millions?|mille|billions?|Mds?|Mrds?)\b|[{SPACES}]?(M|k)(?=[{SPACES}]?[€$£])")
EN_SCALE = re.compile(r" ?(thousand|million|billion|trillion)\b|(bn)\b")
EN_SYMBOL_SCALE = re.compile(r"([kKmMB])\b")  # $14B, €5m: a letter scale only right after a currency amount
FR_PERCENT = re.compile(rf"[{SPACES}]?(%|pour[{SPACES}]?cent\b)")
EN_PERCENT = re.compile(r" ?(%|percent\b|per cent\b)")
FR_TIME = re.compile(rf"\b(\d{{1,2}})[{SPACES}]?h[{SPACES}]?(\d{{2}})\b")
FR_WORDS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
            "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
            "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "mille": 1000}
EN_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000}
FR_ONE = ("un", "une")
EN_ONE = ("a", "an", "one")
ROMAN_ORDINAL = re.compile(r"\b([IVXLC]+)(?:e|er|re|ème)\b")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# French number forms an English text must not keep.
EN_FORMAT_PROBLEMS = (
    (re.compile(r"(?<![\d,.])\d+,\d{1,2}(?![\d,])"), "French decimal comma (English uses a point)"),
    (re.compile(rf"\d[{SPACES}]+%"), "space before % (English writes 7%)"),
    (re.compile(r"\bmi-\d{4}\b"), "French “mi-” before a year (English: mid-)"),
    (re.compile(r"(?<!\w)\d+(?:er|re|ème|eme|e)\b"), "French ordinal suffix (English: 1st, 2nd, 3rd, 4th…)"),
    (re.compile(r"\b\d{1,2}[ \u00a0\u202f]?h[ \u00a0\u202f]?\d{2}\b"), "French time (English: 14:30 or 2:30 pm)"),
)


@dataclass(frozen=True)
class Number:
    value: Decimal
    percent: bool
    text: str
    base: Decimal  # the value before its scale word: 14 in "14 milliards"

    @property
    def key(self) -> tuple[Decimal, bool]:
        return self.value, self.percent


def word_number(value: int, text: str) -> Number:
    return Number(Decimal(value), False, text, Decimal(value))


def scaled(digits: str, decimals: str | None, exponent: int) -> Decimal:
    whole = re.sub(rf"[{SPACES},]", "", digits)
    return (Decimal(f"{whole}.{decimals}" if decimals else whole) * Decimal(10) ** exponent).normalize()


def roman(numeral: str) -> int:
    values = [ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def french_numbers(text: str) -> tuple[list[Number], list[Number]]:
    """(numbers written in digits, numbers written in words) of a French text.

    >>> [describe(n.key) for n in french_numbers("14 milliards de dollars, 1 000 salariés, 1,5 M€, 7 %")[0]]
    ['14000000000', '1000', '1500000', '7%']
    """
    text = FR_TIME.sub(r"\1:\2", text)
    digits, words = [], []
    for m in FR_NUMBER.finditer(text):
        rest = text[m.end():]
        scale = FR_SCALE.match(rest)
        exponent = FR_SCALES[(scale.group(1) or {"M": "million", "k": "mille"}[scale.group(2)]).lower()] if scale else 0
        after = rest[scale.end():] if scale else rest
        percent = FR_PERCENT.match(after)
        end = m.end() + (scale.end() if scale else 0) + (percent.end() if percent else 0)
        digits.append(Number(scaled(m.group(1), m.group(2), exponent), bool(percent), text[m.start():end],
                             scaled(m.group(1), m.group(2), 0)))
    for m in re.finditer(r"\b(\w+)[ -](milliards?|millions?)\b", text, re.IGNORECASE):
        word = m.group(1).lower()
        value = 1 if word in FR_ONE else FR_WORDS.get(word)
        if value:
            digits.append(Number(Decimal(value) * Decimal(10) ** FR_SCALES[m.group(2).lower()], False, m.group(), Decimal(value)))
    for m in re.finditer(r"\b\w+\b", text):
        if m.group().lower() in FR_WORDS:
            words.append(word_number(FR_WORDS[m.group().lower()], m.group()))
    words += [word_number(roman(m.group(1)), m.group()) for m in ROMAN_ORDINAL.finditer(text)]
    return digits, words


def english_numbers(text: str) -> tuple[list[Number], list[Number]]:
    """(numbers written in digits, numbers written in words) of an English text.

    >>> [describe(n.key) for n in english_numbers("$14 billion, 1,000 staff, €1.5m, 7%, a billion")[0]]
    ['14000000000', '1000', '1500000', '7%', '1000000000']
    """
    digits, words = [], []
    for m in EN_NUMBER.finditer(text):
        rest = text[m.end():]
        scale = EN_SCALE.match(rest)
        exponent = EN_SCALES[(scale.group(1) or scale.group(2)).lower()] if scale else 0
        if not scale and m.start() and text[m.start() - 1] in "$€£" and (letter := EN_SYMBOL_SCALE.match(rest)):
            scale, exponent = letter, {"k": 3, "m": 6, "b": 9}[letter.group(1).lower()]
        after = rest[scale.end():] if scale else rest
        percent = EN_PERCENT.match(after)
        end = m.end() + (scale.end() if scale else 0) + (percent.end() if percent else 0)
        digits.append(Number(scaled(m.group(1), m.group(2), exponent), bool(percent), text[m.start():end],
                             scaled(m.group(1), m.group(2), 0)))
    for m in re.finditer(r"\b(\w+) (thousand|million|billion|trillion)\b", text, re.IGNORECASE):
        word = m.group(1).lower()
        value = 1 if word in EN_ONE else EN_WORDS.get(word)
        if value:
            digits.append(Number(Decimal(value) * Decimal(10) ** EN_SCALES[m.group(2).lower()], False, m.group(), Decimal(value)))
    for m in re.finditer(r"\b\w+\b", text):
        if m.group().lower() in EN_WORDS:
            words.append(word_number(EN_WORDS[m.group().lower()], m.group()))
    return digits, words


def french_formats_read(en: str, fr: str) -> str:
    """``en`` with the French-format numbers of ``fr`` it kept (``1 000``, ``1,5``) written
    the English way, so that a format slip is reported as such, not as a changed value."""
    for m in FR_NUMBER.finditer(fr):
        if re.search(rf"[{SPACES},]", m.group()):
            english = re.sub(rf"[{SPACES}]", "", m.group(1)) + (f".{m.group(2)}" if m.group(2) else "")
            en = re.sub(rf"(?<![\w.,]){re.escape(m.group())}(?![\d,])", english, en)
    return en


def check_numbers(fr: str, en: str) -> list[Flag]:
    """Numbers in digits are facts: each must be on the other side, in digits or in words,
    at the same value (scale words included: ``14 milliards`` is ``14 billion``) and kind
    (a percentage stays one). Numbers in words need no twin. French number formats left
    in the English are warnings."""
    try:
        fr_digits, fr_words = french_numbers(fr)
        en_digits, en_words = english_numbers(french_formats_read(en, fr))
    except InvalidOperation:
        return []
    fr_have = Counter(n.key for n in fr_digits)
    en_have = Counter(n.key for n in en_digits)
    missing = fr_have - en_have - Counter(n.key for n in en_words)
    extra = en_have - fr_have - Counter(n.key for n in fr_words)
    flags, explained = [], set()
    for key in sorted(missing, key=str):
        number = next(n for n in fr_digits if n.key == key)
        near = [n for n in en_digits if n.key in extra and n.key not in explained
                and (n.value == number.value or n.base == number.base)]
        hint = f"; the English has “{near[0].text}”" if near else ""
        explained |= {n.key for n in near[:1]}
        flags.append(flag("numbers", "error", f"«{number.text}» ({describe(key)}) is not in the English{hint}"))
    for key in sorted(extra.keys() - explained, key=str):
        text = next(n.text for n in en_digits if n.key == key)
        flags.append(flag("numbers", "error", f"“{text}” ({describe(key)}) is in the English but not in the French"))
    for pattern, message in EN_FORMAT_PROBLEMS:
        flags += [flag("numbers", "warning", f"“{m.group()}”: {message}") for m in pattern.finditer(en)]
    for grouped in {n.text for n in fr_digits if re.search(rf"\d[{SPACES}]\d{{3}}", n.text)}:
        number = re.match(rf"[\d{SPACES}]+\d", grouped).group()
        if number in en:
            flags.append(flag("numbers", "warning", f"“{number}”: French thousands spacing (English: 1,000)"))
    return flags


def describe(key: tuple[Decimal, bool]) -> str:
    value, percent = key
    return f"{value:f}{'%' if percent else ''}"


# --- names ------------------------------------------------------------------------------

WORD = re.compile(r"\w+(?:[-.]\w+)*")
SENTENCE_START = re.compile(r"(?:^|[.!?…:;«“\"(—–-])[\s\u00a0\u202f«“\"(]*$")
ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+(?:e|er|re|ème)?")


def words(text: str):
    """Words (letters, digits, inner hyphens and points) with their position; apostrophes
    split, so ``d’OpenAI`` gives ``OpenAI``."""
    return WORD.finditer(text)


def at_sentence_start(text: str, start: int) -> bool:
    return bool(SENTENCE_START.search(text[:start]))


def is_place_or_common_acronym(analyses: list[str]) -> bool:
    """Apertium tags places (``<np><loc>``, ``<np><top>``) and common acronyms
    (``<n><acr>``: ONU, UE, PDG): French ones that English translates."""
    return any(("<np><loc>" in a or "<np><top>" in a or "<n><acr>" in a) for a in analyses)


def expected_names(fr: str, hits: list[gl.Hit], lexicon: Lexicon) -> list[tuple[str, str]]:
    """(French form, English it must keep) of each name, entity or acronym of ``fr``.

    A glossary name gives its English form; a word inside a glossary term is the term's
    business. Other words count as names when capitalised and not a French common word
    (a capitalised common word is one only at a sentence start), or written in capitals
    (acronyms, but not a long common word: ALERTE); places and common acronyms are left
    out, as English translates them."""
    expected = [(h.text, h.entry.en) for h in hits if h.entry.is_name]
    covered = [(h.start, h.end) for h in hits]
    for m in words(fr):
        word = m.group()
        if any(s <= m.start() < e for s, e in covered) or not any(c.isupper() for c in word):
            continue
        if fr[m.end():m.end() + 1] in "’'" and m.end() < len(fr):
            continue  # elided: Lorsqu’, Aujourd’hui
        if not any(c.isalpha() for c in word) or ROMAN_NUMERAL.fullmatch(word):
            continue
        analyses = lexicon.analyses(word, "French")
        if is_place_or_common_acronym(analyses):
            continue
        acronym = sum(c.isupper() for c in word) >= 2 and (len(word) <= 4 or not lexicon.is_french_word(word))
        proper = any("<np>" in a for a in analyses)
        if not acronym and lexicon.is_french_word(word) and (at_sentence_start(fr, m.start()) or not proper):
            continue
        expected.append((word, word))
    return expected


def contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def check_names(fr: str, en: str, hits: list[gl.Hit], lexicon: Lexicon) -> list[Flag]:
    lexicon.prime(candidate_words([fr]))
    missing = Counter()
    for source, english in expected_names(fr, hits, lexicon):
        if not contains_word(en, english):
            missing[(source, english)] += 1
    return [flag("names", "warning", f"name «{source}» is not in the English"
                 + (f" (glossary: “{english}”)" if english != source else ""))
            for source, english in missing]


# --- untranslated words -----------------------------------------------------------------

ENGINE_MARK = re.compile(r"(?<![\w*#@])[*#@](\w[\w’'-]*)")
FOREIGN_LETTERS = re.compile(r"[àâäçéèêëîïôöûùüÿñæœáíóúì]", re.IGNORECASE)
LETTERS = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")  # words of letters only: not 21st, GPT4o


def english_allowed(hits: list[gl.Hit]) -> set[str]:
    """Words the glossary's English forms use: English by the editor's decision."""
    return {w.lower() for h in hits for w in LETTERS.findall(h.entry.en)}


def foreign_word(word: str, en: str, start: int, fr: str, allowed: set[str], lexicon: Lexicon) -> str | None:
    """Why ``word`` (at ``start`` in ``en``) is not English, or None when it is English or a name.

    A capitalised word inside a sentence is a name; at a sentence start it is one when
    the French has it inside a sentence, or has it and it is no French word; otherwise
    it is judged in lower case (``Cela allows``)."""
    lower = word.lower()
    if len(word) < 2 or lower in allowed or lexicon.is_english(word) or lexicon.is_english(lower):
        return None
    capitalised = word[:1].isupper()
    if (capitalised and not at_sentence_start(en, start)) or inside_copied_name(en, start, word, fr):
        return None
    if capitalised and contains_word(fr, word):
        in_sentence = any(not at_sentence_start(fr, m.start()) for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", fr))
        if in_sentence or not lexicon.is_french_word(word):
            return None  # a name the French has too
    languages = lexicon.languages(lower)
    if languages:
        return "/".join(languages)
    if not capitalised and FOREIGN_LETTERS.search(word):
        return "not English"
    if not capitalised and french_compound(lower, lexicon):
        return "French compound"
    return None


def inside_copied_name(en: str, start: int, word: str, fr: str) -> bool:
    """A small word between two capitalised ones, all three as the French has them: part
    of a name (Stade de France, Banco de Portugal)."""
    before = re.search(r"(\w+)\W+$", en[:start])
    after = re.match(r"\W+(\w+)", en[start + len(word):])
    return bool(before and after and before.group(1)[:1].isupper() and after.group(1)[:1].isupper()
                and contains_word(fr, f"{before.group(1)} {word} {after.group(1)}"))


# Prefixes French glues to a word without a hyphen (supercalcul, cofinancement).
FRENCH_PREFIXES = ("anti", "auto", "co", "contre", "cyber", "hyper", "inter", "macro", "méga", "micro", "mini",
                   "multi", "néo", "post", "pré", "re", "ré", "sous", "super", "sur", "télé", "ultra")


def french_compound(word: str, lexicon: Lexicon) -> bool:
    """A prefix and a French word that is not English: a compound no dictionary lists."""
    return any(word.startswith(p) and len(word) - len(p) >= 4 and lexicon.is_french_word(word[len(p):])
               and not lexicon.is_english(word[len(p):]) for p in FRENCH_PREFIXES)


def check_cognates(route: str) -> list[Flag]:
    """One flag per cognate rule the engine used for the segment (its route names them:
    ``fr-es|spa-eng+cognates.tsv:51``): a cognate may be a false friend.

    >>> [f.message for f in check_cognates("fr-es|spa-eng+cognates.tsv:51")]
    ['English cognate of a word no engine route knew (cognates.tsv:51): check its meaning here']
    """
    return [flag("cognates", "warning", f"English cognate of a word no engine route knew ({rule}): check its meaning here")
            for rule in re.findall(r"cognates\.tsv:\d+", route)]


def check_untranslated(fr: str, en: str, hits: list[gl.Hit], lexicon: Lexicon) -> list[Flag]:
    lexicon.prime(candidate_words([fr, en]))
    allowed = english_allowed(hits)
    for phrase in lexicon.english_phrases:  # blanked, so their words are not judged alone
        en = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", lambda m: " " * len(m.group()), en, flags=re.IGNORECASE)
    flags, seen = [], set()
    for m in ENGINE_MARK.finditer(en):
        flags.append(flag("untranslated", "warning", f"“{m.group()}”: the engine marked this word as not translated"))
        seen.add(m.group(1))
    for m in LETTERS.finditer(en):
        word = m.group()
        if word in seen or (len(word) < 3 and hyphenated(en, m)):
            continue  # co-founded, e-mail: a short part of a compound is a prefix
        language = foreign_word(word, en, m.start(), fr, allowed, lexicon)
        if language:
            seen.add(word)
            flags.append(flag("untranslated", "warning", f"“{word}” ({language}) left in the English"))
    return flags


def hyphenated(text: str, m: re.Match) -> bool:
    return text[m.end():m.end() + 1] == "-" or text[m.start() - 1:m.start()] == "-"


def candidate_words(texts) -> set[str]:
    """Every word (and its lower case) the untranslated and names checks may look up."""
    found = set()
    for text in texts:
        for w in LETTERS.findall(text) + [m.group() for m in words(text)]:
            found |= {w, w.lower()}
    return found


# --- empty or copied, length, punctuation, glossary ------------------------------------


def normalised(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip().casefold()


def check_empty_or_copied(fr: str, en: str, lexicon: Lexicon) -> list[Flag]:
    """English empty (error), or the French copied (warning) where the French has words to
    translate, not only names and numbers."""
    if not en.strip():
        return [flag("empty_or_copied", "error", "the English is empty")] if fr.strip() else []
    lexicon.prime(candidate_words([fr]))
    if normalised(fr) == normalised(en) and any(
            w.islower() and lexicon.is_french_word(w) and not lexicon.is_english(w) for w in LETTERS.findall(fr)):
        return [flag("empty_or_copied", "warning", "the English is a copy of the French")]
    return []


@dataclass(frozen=True)
class Band:
    """The English/French length ratios a book's segments keep: median ± 3 scaled MADs
    for a segment of the book's median length, wider for shorter segments (the ratio of
    two short lengths varies more: its spread goes as one over the square root)."""

    median: float
    spread: float  # 3 scaled MADs
    length: float  # the median French length the spread was measured at

    def limits(self, length: int) -> tuple[float, float]:
        spread = self.spread * max(1.0, (self.length / length) ** 0.5)
        return self.median - spread, self.median + spread


MIN_LENGTH = 20  # shorter French varies too much in length to judge
DEFAULT_BAND = Band(1.0, 0.45, 80)  # French -> English, for fewer than MIN_SAMPLES segments
MIN_SAMPLES = 12
MAD_FLOOR = 0.08  # a very uniform book (a word-for-word engine) must not flag ordinary rewording


def length_band(pairs) -> Band:
    """The robust band of ``len(en) / len(fr)`` over (fr, en) pairs with enough French."""
    measured = [(len(en) / len(fr), len(fr)) for fr, en in pairs if len(fr) >= MIN_LENGTH and en.strip()]
    if len(measured) < MIN_SAMPLES:
        return DEFAULT_BAND
    ratios = [r for r, _ in measured]
    median = statistics.median(ratios)
    mad = max(1.4826 * statistics.median(abs(r - median) for r in ratios), MAD_FLOOR)
    return Band(median, 3 * mad, statistics.median(n for _, n in measured))


def check_length(fr: str, en: str, band: Band) -> list[Flag]:
    if len(fr) < MIN_LENGTH or not en.strip():
        return []
    ratio, (low, high) = len(en) / len(fr), band.limits(len(fr))
    if ratio < low:
        return [flag("length", "warning", f"English {ratio:.2f}× the French length, below {low:.2f}: truncated?")]
    if ratio > high:
        return [flag("length", "warning", f"English {ratio:.2f}× the French length, above {high:.2f}: invented?")]
    return []


PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”"}
FRENCH_SPACING = re.compile(r"\S[ \u00a0\u202f]+([:;!?])")
CLOSERS = "»”\"’')]} \u00a0\u202f"


def imbalance(text: str) -> dict[str, int]:
    text = text.replace("«", "“").replace("»", "”")
    counts = {o: text.count(o) - text.count(c) for o, c in PAIRS.items()}
    counts['"'] = text.count('"') % 2
    return counts


def check_punctuation(fr: str, en: str) -> list[Flag]:
    """Brackets and quotes the English opens or closes differently from the French (a
    segment cut inside a quotation is unbalanced on both sides, and that is not the
    translation's fault), French typography left in the English, a lost question mark."""
    if not en.strip():
        return []
    flags = []
    fr_counts, en_counts = imbalance(fr), imbalance(en)
    for opener, closer in [*PAIRS.items(), ('"', '"')]:
        if en_counts[opener] != fr_counts[opener]:
            flags.append(flag("punctuation", "warning", f"unbalanced {opener}…{closer} in the English"))
    if "«" in en or "»" in en:
        flags.append(flag("punctuation", "warning", "French guillemets « » in the English"))
    flags += [flag("punctuation", "warning", f"space before “{m.group(1)}” (French spacing) in the English")
              for m in FRENCH_SPACING.finditer(en)]
    if fr.rstrip(CLOSERS).endswith("?") and not en.rstrip(CLOSERS).endswith("?"):
        flags.append(flag("punctuation", "warning", "the French asks a question; the English lost its question mark"))
    return flags


def check_glossary(en: str, hits: list[gl.Hit], honoured: list[bool] | None = None) -> list[Flag]:
    """The glossary compliance verdicts (``Segment.honoured``), as flags."""
    verdicts = honoured if honoured and len(honoured) == len(hits) else gl.honoured(en, hits)
    return [flag("glossary", "error", f"«{hit.text}» requires “{hit.required}”")
            for hit, ok in zip(hits, verdicts) if not ok]


def check_segment(fr: str, en: str, hits: list[gl.Hit], honoured: list[bool] | None = None, *,
                  band: Band = DEFAULT_BAND, lexicon: Lexicon | None = None) -> list[Flag]:
    """Every per-segment check on one translation."""
    lexicon = lexicon or default_lexicon()
    flags = check_empty_or_copied(fr, en, lexicon)
    if not en.strip():
        return flags + check_glossary(en, hits, honoured)
    return (flags + check_numbers(fr, en) + check_names(fr, en, hits, lexicon)
            + check_untranslated(fr, en, hits, lexicon) + check_length(fr, en, band)
            + check_punctuation(fr, en) + check_glossary(en, hits, honoured))


# --- accepted flags -----------------------------------------------------------------------

ACCEPTED_COLUMNS = ("hash", "check", "reason")
ACCEPTED_FILE = Path(__file__).resolve().parent.parent / "glossary" / "qa-accepted.tsv"


def load_accepted(path: Path = ACCEPTED_FILE) -> dict[tuple[str, str], str]:
    """(segment source hash, check id) -> the editor's reason, from ``qa-accepted.tsv``.
    A missing file accepts nothing."""
    if not path.exists():
        return {}
    rows, problems = read_rows(path, ACCEPTED_COLUMNS, required=3)
    accepted = {}
    for n, (digest, check, reason) in rows:
        if not re.fullmatch(r"[0-9a-f]{12}", digest):
            problems.append(Problem(n, "error", f"hash {digest!r} must be the 12 hex digits `bilingue qa` shows"))
        elif check not in CHECKS:
            problems.append(Problem(n, "error", f"check {check!r} is not one of {', '.join(CHECKS)}"))
        elif not reason:
            problems.append(Problem(n, "error", "say why the flag is accepted in the reason column"))
        else:
            accepted[(digest, check)] = reason
    raise_errors(path, problems, "Fix the file: one accepted flag a row, hash TAB check TAB reason")
    return accepted


def apply_accepted(fr: str, flags: list[Flag], accepted: dict[tuple[str, str], str]) -> list[Flag]:
    digest = source_hash(fr)
    return [Flag(f.check, f.severity, f.message, accepted.get((digest, f.check), "")) for f in flags]


# --- running over a book or over pairs ---------------------------------------------------


@dataclass
class Result:
    """One checked translation: a book segment, or an approved pair."""

    id: str
    fr: str
    en: str
    flags: list[Flag]
    where: str = ""


def run_qa(book: Book, accepted: dict[tuple[str, str], str] | None = None, lexicon: Lexicon | None = None) -> Book:
    """Fill every segment's ``flags`` and put the summary in ``book.stats["qa"]``."""
    lexicon = lexicon or default_lexicon()
    accepted = load_accepted() if accepted is None else accepted
    segments = book.segments
    lexicon.prime(candidate_words([s.en for s in segments] + [s.fr for s in segments]))
    band = length_band((s.fr, s.en) for s in segments)
    results = []
    for s in segments:
        flags = check_segment(s.fr, s.en, s.terms, s.honoured, band=band, lexicon=lexicon) + check_cognates(s.route)
        s.flags = apply_accepted(s.fr, flags, accepted)
        results.append(Result(s.id, s.fr, s.en, s.flags, str(s.where)))
    book.stats["qa"] = summarise(results, band)
    return book


def check_pairs(pairs, glossary: gl.Glossary | None = None, accepted: dict[tuple[str, str], str] | None = None,
                lexicon: Lexicon | None = None) -> list[Result]:
    """The same checks on (French, English) pairs, such as approved TMX or XLIFF
    translations (``memory.read_tmx``): a dict or (fr, en) tuples, or (id, fr, en) tuples.
    With a glossary, its occurrences are found in the French and verified."""
    lexicon = lexicon or default_lexicon()
    accepted = load_accepted() if accepted is None else accepted
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    items = [item if len(item) == 3 else (source_hash(item[0]), *item) for item in items]
    lexicon.prime(candidate_words([t for _, fr, en in items for t in (fr, en)]))
    band = length_band((fr, en) for _, fr, en in items)
    results = []
    for pair_id, fr, en in items:
        hits = gl.find(fr, glossary) if glossary and fr.strip() else []
        flags = check_segment(fr, en, hits, band=band, lexicon=lexicon)
        results.append(Result(pair_id, fr, en, apply_accepted(fr, flags, accepted)))
    return results


def summarise(results: list[Result], band: Band | None = None, misalignments: list | None = None) -> dict:
    """Per check: severity (the worst of its open flags), count, accepted count, segment
    ids; plus every flag with both texts, for the review and ``bilingue qa``."""
    checks = {}
    flagged = []
    for r in results:
        for f in r.flags:
            flagged.append({"segment": r.id, "where": r.where, "hash": source_hash(r.fr), "check": f.check,
                            "severity": f.severity, "message": f.message, "accepted": f.accepted,
                            "fr": r.fr, "en": r.en})
    for m in misalignments or []:
        flagged.append({"segment": m.segment, "where": m.file, "hash": "", "check": "alignment",
                        "severity": "error", "message": m.message, "accepted": "", "fr": "", "en": ""})
    for check in CHECKS:
        mine = [f for f in flagged if f["check"] == check]
        open_ = [f for f in mine if not f["accepted"]]
        checks[check] = {
            "severity": worst(f["severity"] for f in open_) if open_ else "",
            "count": len(open_),
            "accepted": len(mine) - len(open_),
            "segments": list(dict.fromkeys(f["segment"] for f in open_)),  # in book order, once each
        }
    flagged.sort(key=lambda f: (SEVERITIES.index(f["severity"]), f["check"]))
    summary = {"checks": checks, "errors": sum(1 for f in flagged if f["severity"] == "error" and not f["accepted"]),
               "flags": flagged}
    if band is not None:
        low, high = band.limits(round(band.length))
        summary["length_band"] = {"median": round(band.median, 3), "low": round(low, 3), "high": round(high, 3),
                                  "at_length": round(band.length)}
    return summary


def worst(severities) -> str:
    return min(severities, key=SEVERITIES.index)


def add_alignment(summary: dict, misalignments: list) -> dict:
    """``summary`` with the published outputs' alignment problems (``check_alignment``) added."""
    extra = summarise([], misalignments=misalignments)
    summary["checks"]["alignment"] = extra["checks"]["alignment"]
    summary["flags"] = extra["flags"] + [f for f in summary["flags"] if f["check"] != "alignment"]
    summary["errors"] = sum(1 for f in summary["flags"] if f["severity"] == "error" and not f["accepted"])
    return summary


# --- alignment of the published outputs ---------------------------------------------------

SEGMENT_ID = re.compile(r"(fr|en)-(.+)")


@dataclass(frozen=True)
class Misalignment:
    file: str
    segment: str  # the segment id, or the block's French (shortened) where the output has no ids
    message: str


@dataclass
class Page:
    """One HTML page's segments in document order, and its blocks as (fr, en) text pairs."""

    fr_ids: list[str] = field(default_factory=list)
    en_ids: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def short(text: str, limit: int = 60) -> str:
    text = squeeze(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_segments(path: Path) -> tuple[Page, list[Misalignment]]:
    """Check the segment ids of one HTML page (``segment_ids``) and return them with the
    page's blocks as text pairs."""
    from lxml import html

    return segment_ids(html.parse(str(path)), path.name)


def is_segment(element) -> bool:
    """A segment element names its twin or has the class ``seg``; a heading's
    generated id (``en-résumé`` for « En résumé ») is not one."""
    return element.get("data-twin") is not None or "seg" in (element.get("class") or "").split()


def segment_ids(tree, name: str) -> tuple[Page, list[Misalignment]]:
    """Each ``fr-X`` has exactly one ``en-X``, they point at each other through
    ``data-twin`` where it is set, and both languages list the segments in the same
    order. A block is the element that holds a run of segments (a paragraph, a heading,
    an item)."""
    page, problems = Page(), []
    by_id: dict[str, list] = {}
    for element in tree.iter():
        found = SEGMENT_ID.fullmatch(element.get("id") or "") if isinstance(element.tag, str) else None
        if found and is_segment(element):
            lang, seg = found.groups()
            (page.fr_ids if lang == "fr" else page.en_ids).append(seg)
            by_id.setdefault(element.get("id"), []).append(element)
    for element_id, elements in by_id.items():
        if len(elements) > 1:
            problems.append(Misalignment(name, element_id[3:], f"{len(elements)} elements with id {element_id}"))
    fr, en = set(page.fr_ids), set(page.en_ids)
    problems += [Misalignment(name, s, "French segment without an English twin") for s in page.fr_ids if s not in en]
    problems += [Misalignment(name, s, "English segment without a French twin") for s in page.en_ids if s not in fr]
    for element_id, elements in by_id.items():
        lang, seg = SEGMENT_ID.fullmatch(element_id).groups()
        twin = elements[0].get("data-twin")
        expected = f"{'en' if lang == 'fr' else 'fr'}-{seg}"
        if twin is not None and twin != expected:
            problems.append(Misalignment(name, seg, f"{element_id} points at {twin}, not {expected}"))
    fr_order, en_order = [s for s in page.fr_ids if s in en], [s for s in page.en_ids if s in fr]
    if fr_order != en_order:
        first = next(a for a, b in zip(fr_order, en_order) if a != b)
        problems.append(Misalignment(name, first, "the English segments are not in the French order"))
    page.blocks = html_blocks(by_id)
    return page, problems


def html_blocks(by_id: dict[str, list]) -> list[tuple[str, str]]:
    """(French, English) text of each block, in the French order: the French segments
    that share a parent element, joined as the page shows them, and their twins' English."""
    french: dict = {}
    for element_id, elements in by_id.items():
        if element_id.startswith("fr-"):
            french.setdefault(elements[0].getparent(), []).append(elements[0])
    pairs = []
    for spans in french.values():
        twins = [by_id.get("en-" + e.get("id")[3:], [None])[0] for e in spans]
        pairs.append((squeeze(" ".join(e.xpath("string()") for e in spans)),
                      squeeze(" ".join(t.text_content() for t in twins if t is not None))))
    return pairs


def epub_documents(path: Path) -> list[tuple[str, bytes]]:
    """The EPUB's content documents in reading (spine) order."""
    from lxml import etree

    with zipfile.ZipFile(path) as epub:
        container = etree.fromstring(epub.read("META-INF/container.xml"))
        opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        opf = etree.fromstring(epub.read(opf_name))
        base = opf_name.rpartition("/")[0]
        items = {i.get("id"): i.get("href") for i in opf.xpath("//*[local-name()='item']")}
        spine = [items[ref] for ref in opf.xpath("//*[local-name()='itemref']/@idref")]
        return [(href, epub.read(f"{base}/{href}" if base else href)) for href in spine]


def epub_blocks(document: bytes) -> list[tuple[str, str]]:
    """(language, text) of each block of one EPUB document, in order: every outermost
    element with its own ``lang``, and every heading outside them (in the book's language)."""
    from lxml import etree

    root = etree.fromstring(document)
    default = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    blocks = []
    for element in root.iter("{*}div", "{*}section", "{*}p", "{*}h1", "{*}h2", "{*}h3", "{*}h4", "{*}li"):
        if any(a.get("lang") for a in element.iterancestors() if a is not root):
            continue
        lang = element.get("lang")
        if lang:
            blocks.append((lang, squeeze(element.xpath("string()"))))
        elif etree.QName(element).localname in ("h1", "h2", "h3", "h4"):
            blocks.append((default, squeeze(element.xpath("string()"))))
    return blocks


def epub_segment_ids(documents: list[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Language -> the segment ids (``fr-X``, ``en-X``) an EPUB carries, in reading order."""
    from lxml import etree

    found: dict[str, list[str]] = {}
    for _, document in documents:
        for element in etree.fromstring(document).iter():
            match = SEGMENT_ID.fullmatch(element.get("id") or "") if isinstance(element.tag, str) else None
            in_contents = any(etree.QName(a).localname == "nav" for a in element.iterancestors())
            if match and is_segment(element) and not in_contents:  # the table of contents repeats headings
                found.setdefault(match.group(1), []).append(match.group(2))
    return found


def check_epub(path: Path, site: Page) -> list[Misalignment]:
    """An EPUB whose segments carry ids (``fr-X``/``en-X``, as the HTML's) must hold, in
    each of its languages, every segment of the book once and in the book's order: the
    bilingual edition both, a one-language edition its own. Without ids, the blocks are
    compared: each French block with the English block right after it must be one of the
    HTML's pairs, none lost, none added, and no English block may stand without its French."""
    name = path.name
    documents = epub_documents(path)
    ids = epub_segment_ids(documents)
    if ids:
        problems = []
        in_book = set(site.fr_ids)
        for lang, found in sorted(ids.items()):
            in_epub = set(found)
            problems += [Misalignment(name, s, f"{lang} segment {n} times in the EPUB")
                         for s, n in Counter(found).items() if n > 1]
            problems += [Misalignment(name, s, f"segment of the book missing from the EPUB's {lang}")
                         for s in site.fr_ids if s not in in_epub]
            problems += [Misalignment(name, s, f"{lang} segment in the EPUB but not in the book")
                         for s in found if s not in in_book]
            if not problems and found != site.fr_ids:
                problems.append(Misalignment(name, "", f"the EPUB's {lang} segments are not in the book's order"))
        return problems
    return check_epub_blocks(name, documents, site)


def check_epub_blocks(name: str, documents: list[tuple[str, bytes]], site: Page) -> list[Misalignment]:
    problems, pairs = [], []
    for href, document in documents:
        blocks = epub_blocks(document)
        for (lang, text), (before, _) in zip(blocks, [("", "")] + blocks):
            if lang == "en" and before in ("en", ""):
                problems.append(Misalignment(f"{name}/{href}", short(text), "English block without its French"))
        pairs += [(fr, en) for (lang, fr), (next_lang, en) in zip(blocks, blocks[1:]) if lang != "en" and next_lang == "en"]
    expected, found = Counter(site.blocks), Counter(pairs)
    for fr, en in expected - found:
        problems.append(Misalignment(name, short(fr), f"the HTML pair is not in the EPUB (English “{short(en)}”)"))
    for fr, en in found - expected:
        problems.append(Misalignment(name, short(fr), f"the EPUB pairs this French with “{short(en)}”, the HTML does not"))
    return problems


def check_alignment(out_dir: Path) -> list[Misalignment]:
    """Alignment of the published book in ``out_dir``: every HTML page (site and review)
    by segment id, every EPUB by segment id where it has them and by block against the
    site's blocks, and the review pages against the site's segment ids."""
    problems: list[Misalignment] = []
    site = Page()
    for path in sorted((out_dir / "html").glob("*.html")):
        page, found = html_segments(path)
        problems += found
        site.fr_ids += page.fr_ids
        site.blocks += page.blocks
    if not site.fr_ids:
        problems.append(Misalignment(str(out_dir / "html"), "", "no page with French and English segments"))
    review_ids: list[str] = []
    for path in sorted((out_dir / "review").rglob("*.html")):
        page, found = html_segments(path)
        problems += [Misalignment(f"review/{p.file}", p.segment, p.message) for p in found]
        review_ids += page.fr_ids
    if review_ids:
        problems += [Misalignment("review", s, "segment of the book missing from the review pages")
                     for s in sorted(set(site.fr_ids) - set(review_ids))]
        problems += [Misalignment("review", s, "segment in the review pages but not in the book")
                     for s in sorted(set(review_ids) - set(site.fr_ids))]
    for epub in sorted(out_dir.glob("*.epub")):
        problems += check_epub(epub, site)
    return problems


# --- the report `bilingue qa` prints ------------------------------------------------------


def published_pairs(out_dir: Path) -> list[tuple[str, str, str]]:
    """(segment id, French, English) of every segment of the published HTML site."""
    from lxml import html

    pairs = []
    for path in sorted((out_dir / "html").glob("*.html")):
        tree = html.parse(str(path))
        english = {e.get("id")[3:]: e.text_content() for e in tree.iter() if isinstance(e.tag, str)
                   and (e.get("id") or "").startswith("en-") and is_segment(e)}
        pairs += [(e.get("id")[3:], e.text_content(), english.get(e.get("id")[3:], "")) for e in tree.iter()
                  if isinstance(e.tag, str) and (e.get("id") or "").startswith("fr-") and is_segment(e)]
    return pairs


def published_report(out_dir: Path, glossary: gl.Glossary | None, approved: dict[str, str],
                     accepted: dict[tuple[str, str], str] | None = None) -> dict:
    """QA of a build's outputs: every published segment, every approved translation
    (``tm:<hash>``, whether the book uses it or not) and the alignment of the outputs."""
    results = check_pairs(published_pairs(out_dir), glossary, accepted)
    approved_results = check_pairs([(f"tm:{source_hash(fr)}", fr, en) for fr, en in approved.items()],
                                    glossary, accepted)
    for r in approved_results:
        r.where = "approved translation"
    summary = summarise(results + approved_results, length_band((r.fr, r.en) for r in results))
    return add_alignment(summary, check_alignment(out_dir))


def format_table(summary: dict, examples: int = 3) -> str:
    """check, severity, count, accepted and the worst examples of each check that fired."""
    lines = [f"{'check':16} {'severity':8} {'count':>5} {'accepted':>8}  examples"]
    for check, row in summary["checks"].items():
        mine = [f for f in summary["flags"] if f["check"] == check and not f["accepted"]]
        shown = "; ".join(f"{f['segment']}: {f['message']}" for f in mine[:examples]) or "-"
        lines.append(f"{check:16} {row['severity'] or '-':8} {row['count']:>5} {row['accepted']:>8}  {shown}")
    accepted = [f for f in summary["flags"] if f["accepted"]]
    if accepted:
        lines += ["", "Accepted (glossary/qa-accepted.tsv):"]
        lines += [f"  {f['segment']} [{f['check']}] {f['message']}: {f['accepted']}" for f in accepted]
    lines += ["", f"{summary['errors']} error(s)"]
    return "\n".join(lines)


def markdown_section(summary: dict, escape=lambda text: text) -> list[str]:
    """The review report's QA section: each open flag with its check id and both texts,
    then the accepted ones with the editor's reason; ``escape`` neutralises source text."""
    lines = ["## Translation QA", ""]
    open_flags = [f for f in summary["flags"] if not f["accepted"]]
    lines += [f"- {escape(f['where'] or f['segment'])} {f['segment']} [{f['check']}, {f['severity']}] "
              f"{escape(f['message'])}" + (f"\n  - FR: {escape(f['fr'])}\n  - EN: {escape(f['en'])}" if f["fr"] else "")
              for f in open_flags]
    if not open_flags:
        lines.append("No open flag.")
    accepted = [f for f in summary["flags"] if f["accepted"]]
    if accepted:
        lines += ["", "Accepted (glossary/qa-accepted.tsv):", ""]
        lines += [f"- {f['segment']} [{f['check']}] {escape(f['message'])}: accepted, {escape(f['accepted'])}"
                  for f in accepted]
    return lines + [""]
