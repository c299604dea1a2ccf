"""The editor's glossary: load, lint, match, protect through MT, verify, export.

The code knows only the file format (``glossary/terms.tsv``); the terms are data.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .nlp import is_common_word
from .segment import opens_sentence
from .text import any_of_whole_words, capitalise, whole_words
from .tsv import DataFileError as GlossaryError
from .tsv import Problem, add_row, raise_errors, read_rows

COLUMNS = ("fr", "en", "kind", "variants", "note")
KINDS = ("term", "name", "common")  # common: a capitalised word that is not a name (names.py)
PLACEHOLDER = "ZXQ"  # a capitalised pseudo-word engines copy through; no "_" (Argos turns it into a space)
PLACEHOLDER_RE = re.compile(rf"\b{PLACEHOLDER}(\d+)\b")


@dataclass(frozen=True)
class Entry:
    fr: str
    en: str
    kind: str
    variants: tuple[str, ...] = ()
    note: str = ""
    line: int = 0

    @property
    def is_name(self) -> bool:
        return self.kind == "name"


@dataclass
class Glossary:
    path: Path
    entries: list[Entry]

    @property
    def names(self) -> list[Entry]:
        return [e for e in self.entries if e.is_name]

    @property
    def terms(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "term"]

    @property
    def commons(self) -> list[Entry]:
        """Capitalised words the engine translates: never protected as names found in the text."""
        return [e for e in self.entries if e.kind == "common"]

    def variant_repairs(self) -> dict[str, str]:
        """Known corruption -> the name it stands for (used by the clean stage)."""
        return {v: e.fr for e in self.names for v in e.variants}


def read_entries(path: Path) -> tuple[list[Entry], list[Problem]]:
    rows, problems = read_rows(path, COLUMNS, required=3)
    entries = []
    for n, (fr, en, kind, variants, note) in rows:
        if not fr or not en:
            problems.append(Problem(n, "error", "empty fr or en column"))
            continue
        if kind not in KINDS:
            problems.append(Problem(n, "error", f"kind {kind!r} is not one of {', '.join(KINDS)}"))
            continue
        if kind == "name" and fr != en:
            problems.append(Problem(n, "error", f"a name must be the same in both columns ({fr!r} vs {en!r}); use kind term"))
            continue
        found = tuple(v.strip() for v in variants.split("|") if v.strip())
        common = [v for v in found if all(is_common_word(w) for w in re.findall(r"\w+", v))]
        if common:
            problems.append(Problem(n, "error", f"variant {common[0]!r} is a common French word: cleaning would turn "
                                                f"every {common[0]!r} into {fr!r}; remove it"))
            continue
        entries.append(Entry(fr, en, kind, found, note, n))
    return entries, problems


def load(path: Path) -> Glossary:
    """Load the glossary, refusing any file with errors (before any work is done)."""
    entries, problems = read_entries(path)
    problems += conflicts(entries)
    raise_errors(path, problems, "Fix the file, then check it with: bilingue glossary lint")
    return Glossary(path, entries)


def conflicts(entries: list[Entry]) -> list[Problem]:
    """Duplicates and entries that ask for two different translations of one French form."""
    problems = []
    seen: dict[str, Entry] = {}
    for e in entries:
        key = e.fr if e.is_name else e.fr.casefold()
        other = seen.get(key)
        if other is None:
            seen[key] = e
        elif other.en == e.en and other.kind == e.kind:
            problems.append(Problem(e.line, "error", f"duplicate of line {other.line} ({e.fr!r})"))
        else:
            problems.append(Problem(e.line, "error", f"conflicts with line {other.line}: {e.fr!r} -> {e.en!r} vs {other.en!r}"))
    return problems


def substring_traps(entries: list[Entry]) -> list[Problem]:
    """A term that the matcher's case rules would let match inside a longer name, e.g. the
    term ``inflection`` at the start of ``Inflection AI``: the name wins only where it is
    written out in full, so the editor should check the pair."""
    problems = []
    for short in entries:
        for long in entries:
            if short is long or short.kind != "term" or not long.is_name or len(short.fr) >= len(long.fr):
                continue
            for m in re.finditer(whole_words(short.fr), long.fr, re.IGNORECASE):
                case_ok = m.group() == short.fr or (m.start() == 0 and short.fr.islower())
                if case_ok:
                    problems.append(Problem(short.line, "warning",
                                            f"term {short.fr!r} can match inside name {long.fr!r} (line {long.line})"))
    return problems


def lint(path: Path, corpus: list[str] | None = None) -> list[Problem]:
    """Every problem in the file: format, duplicates, conflicts, traps, unused entries."""
    entries, problems = read_entries(path)
    problems += conflicts(entries) + substring_traps(entries)
    if corpus is not None:
        glossary = Glossary(path, entries)
        used = {hit.entry for text in corpus for hit in find(text, glossary)}
        used |= {e for e in glossary.names for text in corpus for v in e.variants if v in text}
        used |= {e for e in glossary.commons for text in corpus if re.search(whole_words(e.fr), text)}
        for e in entries:
            if e not in used:
                problems.append(Problem(e.line, "warning", f"{e.fr!r} never occurs in the corpus"))
    return sorted(problems, key=lambda p: p.line)


# --- matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    entry: Entry
    start: int
    end: int
    text: str
    plural: bool = False
    after_number: bool = False

    @property
    def required(self) -> str:
        """The English the translation must contain for this occurrence."""
        if self.entry.is_name or not self.plural or self.after_number:
            return self.entry.en
        return pluralise(self.entry.en)


def pluralise(en: str) -> str:
    """English plural of a term's last word.

    >>> pluralise("language model"), pluralise("startup"), pluralise("CEO"), pluralise("company")
    ('language models', 'startups', 'CEOs', 'companies')
    """
    head, _, last = en.rpartition(" ")
    if last.endswith("s") or not last[-1:].isalpha():
        plural = last
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("sh", "ch", "x", "z")):
        plural = last + "es"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


@dataclass(frozen=True)
class Word:
    """One token of a term as spaCy tokenises the term: its lower form, its lemma, its
    spelling (for the case rule) and whether a space follows it inside the term."""

    lower: str
    lemma: str
    text: str
    spaced: bool


@functools.cache
def term_patterns(entries: tuple[Entry, ...]) -> list[tuple[Entry, tuple[Word, ...]]]:
    """Each term as spaCy tokenises it, computed once."""
    from .nlp import french

    nlp = french()
    forms = [e.fr for e in entries]
    return [
        (e, tuple(Word(t.lower_, t.lemma_.lower(), t.text, bool(t.whitespace_)) for t in doc if not t.is_space))
        for e, doc in zip(entries, nlp.pipe(forms))
    ]


@functools.cache
def terms_by_first_word(entries: tuple[Entry, ...]) -> dict[str, list[tuple[Entry, tuple[Word, ...]]]]:
    """Term patterns indexed by the form and the lemma of their first word, so matching
    looks only at the terms that can start at a given token."""
    index: dict[str, list] = {}
    for e, pattern in term_patterns(entries):
        for key in {pattern[0].lower, pattern[0].lemma}:
            index.setdefault(key, []).append((e, pattern))
    return index


def same_word(token, word: Word) -> bool:
    """Does a text token match one token of a term? Any inflection (via lemmas); a term
    written in lower case matches a capitalised word only at a sentence start, so the
    term ``cloud`` never matches inside the name ``Google Cloud``."""
    if not (token.lower_ == word.lower or token.lemma_.lower() == word.lemma):
        return False
    return not (word.text.islower() and token.text[:1].isupper() and not opens_sentence(token))


def matches(window, pattern: tuple[Word, ...]) -> bool:
    """The whole term, token for token as the term itself is tokenised, spaced as in the
    term: never a prefix of it (``conseil d’`` is not ``conseil d’administration``)."""
    return len(window) == len(pattern) and all(
        same_word(t, w) and (t is window[-1] or bool(t.whitespace_) == w.spaced) for t, w in zip(window, pattern))


def is_plural(window) -> bool:
    """Number of a matched term, read on its syntactic head, from the head's determiner
    when it has one (``la startup``: spaCy's tagger calls the loanword plural). A term
    that modifies a noun outside it (``des modèles open source``) is attributive and stays
    singular in English (*open source models*)."""
    inside = {t.i for t in window}
    heads = [t for t in window if t.head.i not in inside or t.head.i == t.i] or window
    head = next((t for t in reversed(heads) if t.pos_ in ("NOUN", "PROPN")), heads[-1])
    if head.dep_ == "amod" and head.head.i not in inside:
        return False
    determiners = [c for c in head.children if c.dep_ == "det" and c.morph.get("Number")]
    return "Plur" in (determiners[0] if determiners else head).morph.get("Number")


def find(text: str, glossary: Glossary, doc=None) -> list[Hit]:
    """Glossary occurrences in cleaned French: longest first, whole words, never overlapping.

    Names match case-sensitively as whole words; terms match any inflection
    through spaCy lemmas, ignoring case. ``doc`` is the analysis of ``text``, or the span
    of a larger analysis (the paragraph) that covers exactly ``text``.
    """
    from .nlp import parse

    doc = doc if doc is not None else parse(text)
    base = getattr(doc, "start_char", 0)  # a Span's token offsets count from its Doc
    candidates: list[Hit] = []
    for e in glossary.names:
        for m in re.finditer(whole_words(e.fr), text):
            candidates.append(Hit(e, m.start(), m.end(), m.group()))
    tokens = [t for t in doc if not t.is_space]
    by_first_word = terms_by_first_word(tuple(glossary.terms))
    for i, token in enumerate(tokens):
        starting_here = by_first_word.get(token.lower_, []) + by_first_word.get(token.lemma_.lower(), [])
        for e, pattern in {e.fr: (e, pattern) for e, pattern in starting_here}.values():
            window = tokens[i : i + len(pattern)]
            if matches(window, pattern):
                start, end = window[0].idx - base, window[-1].idx + len(window[-1]) - base
                plural = is_plural(window)
                after_number = i > 0 and (tokens[i - 1].like_num or tokens[i - 1].pos_ == "NUM")
                candidates.append(Hit(e, start, end, text[start:end], plural, after_number))
    return longest_first(candidates, doc)


def longest_first(candidates: list[Hit], doc) -> list[Hit]:
    """The candidates that do not overlap a longer one (``spacy.util.filter_spans``:
    longest in tokens first, then the earliest), in text order."""
    from spacy.util import filter_spans

    spans = []
    for n, hit in enumerate(candidates):
        span = doc.char_span(hit.start, hit.end, label=str(n), alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return sorted((candidates[int(span.label_)] for span in filter_spans(spans)), key=lambda h: h.start)


# --- protection through MT ------------------------------------------------------------


def protect(text: str, hits: list[Hit]) -> str:
    """Replace each hit by a numbered placeholder the engine copies unchanged.

    >>> e = Entry("PDG", "CEO", "term")
    >>> protect("le PDG parle", [Hit(e, 3, 6, "PDG")])
    'le ZXQ0 parle'
    """
    out = text
    for n, hit in sorted(enumerate(hits), key=lambda p: -p[1].start):
        out = out[: hit.start] + f"{PLACEHOLDER}{n}" + out[hit.end :]
    return out


def restore(translated: str, hits: list[Hit]) -> str | None:
    """Put the required English back for each placeholder; None if any did not survive
    exactly once (the caller then falls back to an unprotected translation)."""
    counts = Counter(int(m.group(1)) for m in PLACEHOLDER_RE.finditer(translated))
    if set(counts) != set(range(len(hits))) or any(c != 1 for c in counts.values()):
        return None

    return PLACEHOLDER_RE.sub(lambda m: english_at(hits[int(m.group(1))], translated, m.start()), translated)


def english_at(hit: Hit, text: str, position: int) -> str:
    """The required English for ``hit`` put at ``position`` of ``text``: capitalised when
    it starts the sentence, unless it is a name."""
    english = hit.required
    if not hit.entry.is_name and not text[:position].strip(" \"'«“("):
        english = capitalise(english)
    return english


def post_edit(translated: str, hits: list[Hit], renderings: dict[str, str], source: str = "") -> str:
    """Swap the engine's usual rendering of each term it did not honour for the required
    English.

    >>> e = Entry("nuage", "cloud", "term")
    >>> post_edit("Nuage is everywhere.", [Hit(e, 0, 5, "Nuage")], {"Nuage": "nuage"}, "Nuage partout.")
    'Cloud is everywhere.'
    """
    out = translated
    for n, hit in enumerate(hits):
        usual = renderings.get(hit.text, "").strip(" .")
        if usual and usual.lower() != hit.required.lower() and not honoured(out, hits, source)[n]:
            out = re.sub(whole_words(usual), lambda m, hit=hit, out=out: english_at(hit, out, m.start()),
                         out, count=1, flags=re.IGNORECASE)
    return out


def term_spans(english: str, entry: Entry) -> list[tuple[int, int]]:
    """Where the required English of ``entry`` occurs: a name exactly, a term in any case,
    singular or plural."""
    forms = (entry.en,) if entry.is_name else (entry.en, pluralise(entry.en))
    flags = 0 if entry.is_name else re.IGNORECASE
    return [m.span() for m in any_of_whole_words(forms, flags).finditer(english)]


def honoured(english: str, hits: list[Hit], source: str = "") -> list[bool]:
    """For each hit, whether ``english`` holds an occurrence of its required term of its
    own: two hits need two occurrences, and one inside another hit's English (the ``AI``
    of ``Inflection AI``) does not count. Given the ``source``, English the source already
    held outside any hit (``OpenAI non-profit``) does not count either: post-editing uses
    that, while compliance leaves it out because an engine may have mangled that carried
    English and still honoured the term.

    >>> ia, name = Entry("IA", "AI", "term"), Entry("Inflection AI", "Inflection AI", "name")
    >>> hits = [Hit(name, 0, 13, "Inflection AI"), Hit(ia, 20, 22, "IA")]
    >>> honoured("Inflection AI does IA.", hits), honoured("Inflection AI does AI.", hits)
    ([True, False], [True, True])
    >>> ia_then_ai = [Hit(ia, 0, 2, "IA")]  # source "IA : AI"
    >>> honoured("IA: AI", ia_then_ai, "IA : AI"), honoured("AI: AI", ia_then_ai, "IA : AI")
    ([False], [True])
    """
    found = {h.entry.fr: term_spans(english, h.entry) for h in hits}

    def inside_another(span: tuple[int, int], fr: str) -> bool:
        return any(o[0] <= span[0] and span[1] <= o[1] and o != span
                   for other, spans in found.items() if other != fr for o in spans)

    free = {fr: sum(not inside_another(span, fr) for span in spans) for fr, spans in found.items()}
    for hit in {h.entry.fr: h for h in hits}.values():
        carried = [s for s in term_spans(source, hit.entry) if all(s[1] <= h.start or s[0] >= h.end for h in hits)]
        free[hit.entry.fr] -= len(carried)
    result = []
    for hit in hits:
        result.append(free[hit.entry.fr] > 0)
        free[hit.entry.fr] -= 1
    return result


def english_spans(english: str, hits: list[Hit], verdicts: list[bool]) -> list[tuple[int, int, Entry]]:
    """Where each honoured hit's required English stands in ``english``: one occurrence a
    hit, in order, never one already given to another hit nor inside a longer one.

    >>> e = Entry("PDG", "CEO", "term")
    >>> english_spans("The CEO met the CEO.", [Hit(e, 3, 6, "PDG"), Hit(e, 20, 23, "PDG")], [True, True])
    [(4, 7, Entry(fr='PDG', en='CEO', kind='term', variants=(), note='', line=0)), (16, 19, Entry(fr='PDG', en='CEO', kind='term', variants=(), note='', line=0))]
    """
    spans = {h.entry.fr: term_spans(english, h.entry) for h in hits}
    everything = [s for found in spans.values() for s in found]
    taken: list[tuple[int, int, Entry]] = []
    for hit, ok in zip(hits, verdicts):
        free = [s for s in spans[hit.entry.fr]
                if all(s[1] <= t[0] or s[0] >= t[1] for t in taken)
                and not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in everything)]
        if ok and free:
            taken.append((*free[0], hit.entry))
    return sorted(taken, key=lambda t: t[0])


def names_not_in_source(english: str, french: str, glossary: Glossary,
                        translated: list[tuple[int, int]] = ()) -> list[str]:
    """Glossary names the English holds and its French does not: words that moved in from
    another segment (an engine that reorders across segment boundaries). A name that
    overlaps the English of a term of the segment (``translated``: "Microsoft IA" gives
    "Microsoft AI") came from this segment's own French.

    >>> g = Glossary(Path("-"), [Entry("Orange", "Orange", "name"), Entry("Bourse", "Bourse", "name")])
    >>> names_not_in_source("The associations hail an Orange.", "Les associations saluent une sanction.", g)
    ['Orange']
    >>> names_not_in_source("Orange shares fell.", "L’action d’Orange a reculé.", g)
    []

    A name's leading English article is a translated word: "Le Financial Times" gives
    "The Financial Times".

    >>> names_not_in_source("The Financial Times wrote.", "Le Financial Times a écrit.",
    ...                     Glossary(Path("-"), [Entry("The Financial Times", "The Financial Times", "name")]))
    []
    """
    pattern = names_pattern(tuple(e.en for e in glossary.names))
    if pattern is None:
        return []
    found = dict.fromkeys(m.group() for m in pattern.finditer(english)
                          if all(m.end() <= start or m.start() >= end for start, end in translated))
    return [name for name in found
            if not re.search(rf"(?<!\w){re.escape(ENGLISH_ARTICLE.sub('', name))}(?!\w)", french)]


ENGLISH_ARTICLE = re.compile(r"^(?:The|A|An) (?=\S)")


@functools.cache
def names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass
class Violation:
    segment: str
    fr: str
    en: str
    term: str
    required: str
    where: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Compliance:
    """Per-entry counts of occurrences and honoured occurrences."""

    seen: Counter = field(default_factory=Counter)
    honoured: Counter = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)

    def record(self, segment_id: str, fr: str, en: str, hits: list[Hit], verdicts: list[bool], where: str) -> None:
        for hit, ok in zip(hits, verdicts):
            self.seen[hit.entry.fr] += 1
            if ok:
                self.honoured[hit.entry.fr] += 1
            else:
                self.violations.append(Violation(segment_id, fr, en, hit.entry.fr, hit.required, where))

    @property
    def rate(self) -> float:
        total = sum(self.seen.values())
        return 1.0 if total == 0 else sum(self.honoured.values()) / total

    def summary(self) -> dict:
        """What report.json says of the glossary."""
        return {
            "occurrences": sum(self.seen.values()),
            "honoured": sum(self.honoured.values()),
            "compliance": round(self.rate, 4),
            "violations": [v.as_dict() for v in self.violations],
            "per_term": {term: {"occurrences": n, "honoured": self.honoured[term]} for term, n in sorted(self.seen.items())},
        }


# --- maintenance ----------------------------------------------------------------------


def add(path: Path, fr: str, en: str, kind: str = "term", note: str = "", variants: str = "") -> Entry:
    """Add one entry, keeping the file sorted (by kind, then French) and free of duplicates."""
    if kind not in KINDS:
        raise GlossaryError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    fr, en = fr.strip(), en.strip()
    if not fr or not en:
        raise GlossaryError("fr and en must be non-empty")
    if kind == "name" and fr != en:
        raise GlossaryError(f"a name must be identical in French and English ({fr!r} vs {en!r}); use --kind term")
    glossary = load(path)
    new = Entry(fr, en, kind, tuple(v for v in variants.split("|") if v), note)
    for e in glossary.entries:
        same = e.fr == fr if kind == "name" or e.is_name else e.fr.casefold() == fr.casefold()
        if same and (e.en, e.kind) == (en, kind):
            raise GlossaryError(f"{path}:{e.line}: {fr!r} -> {en!r} is already in the glossary")
        if same:
            raise GlossaryError(f"{path}:{e.line}: {fr!r} is already translated as {e.en!r} ({e.kind}); edit that line instead")
    cells = [new.fr, new.en, new.kind, "|".join(new.variants), new.note]
    add_row(path, COLUMNS, cells, sort_key=lambda row: (row[2], row[0].casefold()))
    return new


def export_tbx(glossary: Glossary, out: Path) -> None:
    """Write the glossary as TBX for CAT tools such as OmegaT (translate-toolkit's
    ``tbxfile``): one entry per row, the French term first and its known corruptions
    after it as deprecated terms, the English term, the note as the entry's definition."""
    from lxml import etree
    from translate.storage.tbx import tbxfile

    store = tbxfile(sourcelanguage="fr", targetlanguage="en")
    store.document.find(".//sourceDesc/p").text = f"Exported by bilingue from {glossary.path.name}"
    for n, e in enumerate(glossary.entries, start=1):
        unit = store.addsourceunit(e.fr)
        unit.setid(f"e{n}")
        unit.set_source_terms([e.fr, *e.variants])
        unit.set_target_terms([e.en])
        if e.note:
            unit.set_common_note(e.note, source=True)
        for language in unit.getlanguageNodes():
            for tig in language.findall(unit.namespaced("tig")):
                part = etree.SubElement(tig, unit.namespaced("termNote"), type="partOfSpeech")
                part.text = "properNoun" if e.is_name else "noun"
        source_tigs = unit.source_dom.findall(unit.namespaced("tig"))
        for tig in source_tigs[1:]:
            status = etree.SubElement(tig, unit.namespaced("termNote"), type="administrativeStatus")
            status.text = "deprecatedTerm-admn-sts"
    out.parent.mkdir(parents=True, exist_ok=True)
    store.savefile(str(out))
