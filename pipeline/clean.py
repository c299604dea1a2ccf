"""Stage 2: repair OCR and machine-translation artifacts, recording every change.

Repairs are small functions in the style of ftfy's fixers: each looks at one block's text
and returns a ``Fix``, the edits it proposes (each with its reason) and the notes it has
for the editor, touching nothing else. Which rules run, in what order and on which kinds
of block is data: ``glossary/clean-rules.tsv`` (``bilingue clean --rules`` prints it).
The engine applies each rule's edits in turn and records a ``Change`` (rule id, before,
after, file:line, reason) on the block, except where the editor rejected that change in
``glossary/rejected-repairs.tsv``: there the source text stays.

Article-level steps run first (scraped metadata, web boilerplate, blank lines); the
checks run last and only report (unknown words, suspect phrases, repeated paragraphs).
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import ftfy

from . import nlp
from .glossary import Glossary
from .model import BLOCK_KINDS, Article, Block, Book, Change, Finding, Provenance
from .repairs import Rejection, Rejections, Repairs, load_rejections, load_word_list
from .text import any_of_whole_words, match_case, non_overlapping, whole_words
from .tsv import Problem, raise_errors, read_rows

DATA = Path(__file__).resolve().parent.parent / "glossary"
RULES_FILE = DATA / "clean-rules.tsv"
REJECTED_REPAIRS = DATA / "rejected-repairs.tsv"
ACCEPTED_WORDS = DATA / "accepted-words.txt"
ELISION_EXCEPTIONS = DATA / "elision-exceptions.txt"

NNBSP = "\u202f"  # narrow no-break space: French spacing before ; : ! ? » and after «
NBSP = "\u00a0"
SPACES = " \u00a0\u202f"
HEADINGS = frozenset({"kicker", "title", "heading"})
PROSE = frozenset({"paragraph", "list_item", "attribution"})
EVERY_BLOCK = HEADINGS | PROSE
BLOCK_GROUPS = {"headings": HEADINGS, "prose": PROSE, "all": EVERY_BLOCK}

# Words that drop their vowel before a vowel or mute h (si only before il/ils).
ELIDABLE = {"de": "d", "le": "l", "la": "l", "que": "qu", "ne": "n", "se": "s", "je": "j", "me": "m",
            "te": "t", "ce": "c", "jusque": "jusqu", "lorsque": "lorsqu", "puisque": "puisqu",
            "quoique": "quoiqu", "si": "s"}
QUANTITY_WORDS = {"beaucoup", "peu", "trop", "assez", "plus", "moins", "tant", "autant", "pas", "jamais",
                  "point", "guère", "combien", "nombre", "manque", "sorte", "genre", "type"}
CONTRACTIONS = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
SENTENCE_STARTERS = {"DET", "ADP", "PRON", "CCONJ", "SCONJ", "ADV", "VERB", "AUX"}
# Entities stay as written (``&lt;b&gt;`` is text the source shows, not markup to decode).
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, normalization="NFC",
                                   unescape_html=False)
WINDOW_CHARS = 60  # how far a change's before/after text reaches around the edit, at most


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    reason: str = ""  # empty: the rule's description says why


@dataclass(frozen=True)
class Note:
    """A spot a rule saw but could not repair safely: reported, the text left alone."""

    kind: str
    text: str
    message: str


class Fix(NamedTuple):
    """What a rule returns: its edits to the text and its notes for the editor."""

    edits: list[Edit]
    notes: tuple[Note, ...] | list[Note] = ()


@dataclass(frozen=True)
class Context:
    """What rules may consult, read-only: the data files, and the words of the article
    being cleaned (``for_article``)."""

    repairs: Repairs
    glossary: Glossary
    rules: tuple[Rule, ...] = field(default_factory=lambda: load_rules(RULES_FILE))
    rejections: Rejections = field(default_factory=lambda: load_rejections(REJECTED_REPAIRS))
    accepted_words: frozenset[str] = field(default_factory=lambda: load_word_list(ACCEPTED_WORDS))
    article_words: frozenset[str] = frozenset()  # lower-case words of the article's prose

    @classmethod
    def from_folder(cls, repairs: Repairs, glossary: Glossary, folder: Path = DATA) -> Context:
        """The rules, rejected repairs and accepted words of ``folder`` (default: glossary/)."""
        return cls(repairs, glossary, load_rules(folder / RULES_FILE.name),
                   load_rejections(folder / REJECTED_REPAIRS.name), load_word_list(folder / ACCEPTED_WORDS.name))

    def for_article(self, article: Article) -> Context:
        words = {w for b in article.blocks if b.kind in PROSE for w in WORD.findall(b.clean or b.raw) if w.islower()}
        return dataclasses.replace(self, article_words=frozenset(words))

    @property
    def glossary_words(self) -> frozenset[str]:
        return lower_words(tuple(e.fr for e in self.glossary.terms))

    @property
    def name_words(self) -> frozenset[str]:
        return lower_words(tuple(e.fr for e in self.glossary.names))

    def name_positions(self, text: str) -> set[int]:
        """The character offsets of ``text`` covered by a glossary name written out."""
        pattern = any_of_whole_words(tuple(e.fr for e in self.glossary.names))
        return {i for m in pattern.finditer(text) for i in range(*m.span())} if pattern else set()


@functools.cache
def lower_words(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for p in phrases for w in p.split())


# --- the rule registry and the rules file ------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    kinds: frozenset[str]
    find: Callable[[str, Context], Fix]


KNOWN_RULES: dict[str, Rule] = {}


def rule(rule_id: str, kinds: frozenset[str] = EVERY_BLOCK):
    """Make a function a rule that the rules file can name; its docstring's first line is
    its description, ``kinds`` the blocks it runs on unless the rules file says otherwise."""

    def register(fn: Callable[[str, Context], Fix]):
        KNOWN_RULES[rule_id] = Rule(rule_id, (fn.__doc__ or "").strip().splitlines()[0], kinds, fn)
        return fn

    return register


def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """The rules to run, in the order of the rules file; a rule not listed does not run."""
    rows, problems = read_rows(path, ("rule", "blocks", "note"), required=1)
    rules: list[Rule] = []
    listed: dict[str, int] = {}
    for n, (rule_id, blocks, _note) in rows:
        if rule_id not in KNOWN_RULES:
            problems.append(Problem(n, "error", f"unknown rule {rule_id!r}; the rules are: {', '.join(KNOWN_RULES)}"))
        elif rule_id in listed:
            problems.append(Problem(n, "error", f"rule {rule_id!r} is already listed at line {listed[rule_id]}"))
        else:
            listed[rule_id] = n
            try:
                kinds = block_kinds(blocks) if blocks else KNOWN_RULES[rule_id].kinds
            except ValueError as err:
                problems.append(Problem(n, "error", str(err)))
                continue
            rules.append(dataclasses.replace(KNOWN_RULES[rule_id], kinds=kinds))
    raise_errors(path, problems, "Fix the file; `bilingue clean --rules` lists the rules it runs.")
    return tuple(rules)


def block_kinds(cell: str) -> frozenset[str]:
    """The block kinds a ``blocks`` cell names: kinds or the groups headings, prose, all."""
    kinds: set[str] = set()
    for name in cell.replace(",", " ").split():
        if name in BLOCK_GROUPS:
            kinds |= BLOCK_GROUPS[name]
        elif name in BLOCK_KINDS:
            kinds.add(name)
        else:
            raise ValueError(f"blocks: {name!r} is not one of {', '.join([*BLOCK_GROUPS, *BLOCK_KINDS])}")
    return frozenset(kinds)


def __getattr__(name: str):
    """``RULES``: the rules the rules file switches on, in order, read when asked for."""
    if name == "RULES":
        return load_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def regex_edits(pattern: re.Pattern, text: str, replace: Callable[[re.Match], str], reason: str = "") -> list[Edit]:
    edits = []
    for m in pattern.finditer(text):
        new = replace(m)
        if new != m.group():
            edits.append(Edit(m.start(), m.end(), new, reason))
    return edits


# --- the rules (their order is the rules file's) ---------------------------------------


@rule("mojibake")
def fix_mojibake(text: str, ctx: Context) -> Fix:
    """Repair mis-decoded text (mojibake) and control characters with ftfy.

    The reason of each change is ftfy's own plan, step by step.

    >>> fix("mojibake", "Microsoft a annoncÃ© un investissement")
    'Microsoft a annoncé un investissement'
    >>> fix("mojibake", "Le café coûte 3 € à Zürich")
    'Le café coûte 3 € à Zürich'
    """
    fixed, plan = ftfy.fix_and_explain(text, FTFY_CONFIG)
    if fixed == text:
        return Fix([])
    reason = "ftfy: " + ", then ".join(f"{step} {arg}" for step, arg in plan or [])
    return Fix(plan_edits(text, fixed, plan or [], reason))


# A word, or the spaces between two words. A space after Ã or Â stays with the word:
# mojibake of à and of a no-break space is Ã or Â then byte A0, often turned into a space.
PLAN_PIECE = re.compile(r"(?:\S|(?<=[ÃÂ])\s)+|\s+")


def plan_edits(text: str, fixed: str, plan: list[tuple[str, str]], reason: str) -> list[Edit]:
    """Where ftfy's plan changes ``text``: the plan applied word by word when that gives
    ftfy's result, so each change is one word; else one edit for the whole text."""
    pieces = [m.span() for m in PLAN_PIECE.finditer(text)]
    try:
        repaired = [apply_plan(text[start:end], plan) for start, end in pieces]
    except (UnicodeError, ValueError):
        repaired = None
    if repaired is None or "".join(repaired) != fixed:
        return [Edit(0, len(text), fixed, reason)]
    return [Edit(start, end, new, reason) for (start, end), new in zip(pieces, repaired) if new != text[start:end]]


def apply_plan(piece: str, plan: list[tuple[str, str]]) -> str:
    """``ftfy.apply_plan``, plus the Unicode normalisation step that ftfy explains but
    does not apply."""
    for step, arg in plan:
        piece = unicodedata.normalize(arg, piece) if step == "normalize" else ftfy.apply_plan(piece, [(step, arg)])
    return piece


INNER_SPACES = re.compile(r"[ \t\u00a0\u202f]{2,}|[\t\r\f\v]")


@rule("stray_spaces")
def collapse_spaces(text: str, ctx: Context) -> Fix:
    """Collapse runs of spaces and tabs to one space; trim the ends.

    >>> fix("stray_spaces", "  Une   phrase\\tmal  espacée. ")
    'Une phrase mal espacée.'
    >>> fix("stray_spaces", "Une phrase bien espacée.")
    'Une phrase bien espacée.'
    """
    first, last = len(text) - len(text.lstrip()), len(text.rstrip())
    edits = [Edit(0, first, "")] if first else []
    if last < len(text) and last > first:
        edits.append(Edit(last, len(text), ""))
    edits += [Edit(m.start(), m.end(), " ") for m in INNER_SPACES.finditer(text, first, max(first, last))]
    return Fix(edits)


@functools.cache
def phrase_patterns(rows: tuple[tuple[str, str, str], ...]) -> list[tuple[re.Pattern, str, str]]:
    return [(re.compile(whole_words(match), re.IGNORECASE), replacement, note) for match, replacement, note in rows]


@rule("garbage_phrase")
def remove_garbage_phrases(text: str, ctx: Context) -> Fix:
    """Replace known machine-translation garbage listed in glossary/repairs.tsv (kind phrase).

    >>> fix("garbage_phrase", "Microsoft que le béton ey OpenAI")
    'Microsoft et OpenAI'
    >>> fix("garbage_phrase", "Il dit que le béton est prêt.")
    'Il dit que le béton est prêt.'
    """
    rows = tuple((r.match, r.replacement, r.note) for r in ctx.repairs.of("phrase"))
    edits = []
    for pattern, replacement, note in phrase_patterns(rows):
        edits += regex_edits(pattern, text, lambda m, replacement=replacement: replacement, note)
    return Fix(non_overlapping(edits))


@rule("name_variant")
def restore_names(text: str, ctx: Context) -> Fix:
    """Restore product and company names a machine translated (glossary variants column).

    >>> fix("name_variant", "Le lancement de RechercherGPT")
    'Le lancement de SearchGPT'
    >>> fix("name_variant", "Il faut rechercher la cause.")
    'Il faut rechercher la cause.'
    """
    names = ctx.glossary.variant_repairs()
    pattern = any_of_whole_words(tuple(names))
    if pattern is None:
        return Fix([])
    return Fix([Edit(m.start(), m.end(), name, f"a corruption of the name {name} (glossary variants)")
                for m in pattern.finditer(text) for name in [names[" ".join(m.group().split())]]])


APOSTROPHE = re.compile(r"(?<=[^\W\d_])['‘`´](?=[^\W\d_])")


@rule("apostrophe")
def typographic_apostrophes(text: str, ctx: Context) -> Fix:
    """Use the typographic apostrophe (’) everywhere inside words.

    >>> fix("apostrophe", "l'avenir de l’IA")
    'l’avenir de l’IA'
    >>> fix("apostrophe", "il dit 'non'")
    "il dit 'non'"
    """
    return Fix(regex_edits(APOSTROPHE, text, lambda m: "’"))


@rule("broken_guillemets", PROSE)
def close_guillemets(text: str, ctx: Context) -> Fix:
    """Turn an opening guillemet that stands where a quote closes into a closing one.

    >>> fix("broken_guillemets", "de «bromance« Les")
    'de «bromance» Les'
    >>> fix("broken_guillemets", "de «bromance» puis « amitié »")
    'de «bromance» puis « amitié »'
    """
    edits, open_at = [], None
    for m in re.finditer(r"[«»]", text):
        if m.group() == "»":
            open_at = None
        elif open_at is None:
            open_at = m.start()
        else:
            closes = m.start() > 0 and not text[m.start() - 1].isspace()
            followed = m.end() == len(text) or text[m.end()] in SPACES + ".,;:!?)"
            if closes or followed:
                edits.append(Edit(m.start(), m.end(), "»"))
                open_at = None
    return Fix(edits)


DOUBLE_QUOTE = re.compile(r'["“”„]')


@rule("straight_quotes", PROSE | HEADINGS)
def quotes_to_guillemets(text: str, ctx: Context) -> Fix:
    """Pair straight or English double quotes into French guillemets.

    An odd number of quotes cannot be paired safely, nor quotes beside a guillemet left
    open (``« " "``: which one closes it?): they are noted for the editor.

    >>> fix("straight_quotes", 'il y avait "quelques tensions" ici')
    'il y avait «quelques tensions» ici'
    >>> quotes_to_guillemets('un " seul', default_context())
    Fix(edits=[], notes=[Note(kind='unpaired_quote', text='un " seul', message='odd number of double quotes: pair them by hand')])
    """
    marks = list(DOUBLE_QUOTE.finditer(text))
    if len(marks) % 2:
        return Fix([], [Note("unpaired_quote", text, "odd number of double quotes: pair them by hand")])
    if marks and text.count("«") != text.count("»"):
        return Fix([], [Note("unpaired_quote", text, "double quotes beside an unclosed guillemet: pair them by hand")])
    return Fix([Edit(m.start(), m.end(), "«" if i % 2 == 0 else "»") for i, m in enumerate(marks)])


CONTRACTION_HINT = re.compile(r"(?<!\w)(?:de|à) (?:le|les)(?!\w)", re.IGNORECASE)


@rule("contraction", PROSE | HEADINGS)
def contract_articles(text: str, ctx: Context) -> Fix:
    """Contract de/à with the article le/les (de le -> du, à les -> aux).

    Before a vowel or a mute h, le is elided instead (de l’homme, never du homme).

    >>> fix("contraction", "la part de le marché et à les clients, au hasard")
    'la part du marché et aux clients, au hasard'
    >>> fix("contraction", "il décide de le faire, près de le hôtel")
    'il décide de le faire, près de le hôtel'
    """
    if not CONTRACTION_HINT.search(text):  # no candidate: spare the analysis
        return Fix([])
    doc = nlp.parse(text)
    edits = []
    for prep, art, nxt in zip(doc, doc[1:], itertools.chain(doc[2:], [None])):
        pair = (prep.lower_, art.lower_)
        if pair not in CONTRACTIONS or art.pos_ != "DET" or prep.whitespace_ != " ":
            continue
        if art.lower_ == "le" and nxt is not None and nxt.is_alpha and takes_elision(nxt.text):
            continue
        edits.append(Edit(prep.idx, art.idx + len(art), match_case(prep.text, CONTRACTIONS[pair])))
    return Fix(edits)


@functools.cache
def elision_exceptions() -> tuple[str, ...]:
    lines = ELISION_EXCEPTIONS.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def takes_elision(word: str) -> bool:
    """Does French elide before this word (a vowel or a mute h)?

    >>> takes_elision("intelligence"), takes_elision("homme"), takes_elision("héros"), takes_elision("onze")
    (True, True, False, False)
    """
    lower = word.lower()
    if not lower[:1].isalpha() or lower.startswith(elision_exceptions()):
        return False
    return lower[0] in "aeiouâàéèêëîïôöûüœæh" or lower == "y"


ELISION_HINT = re.compile(rf"(?<!\w)(?:{'|'.join(ELIDABLE)}) [aeiouyâàéèêëîïôöûüœæh]", re.IGNORECASE)


@rule("elision", PROSE | HEADINGS)
def restore_elision(text: str, ctx: Context) -> Fix:
    """Elide de, le, la, que, ne, se, je, si... before a vowel or a mute h (que il -> qu’il).

    After a noun, de before a common noun also takes its lost article (le domaine de
    intelligence -> le domaine de l’intelligence).

    >>> fix("elision", "dans le domaine de intelligence artificielle, près de Apple, que il a")
    'dans le domaine de l’intelligence artificielle, près d’Apple, qu’il a'
    >>> fix("elision", "le héros de onze ans")
    'le héros de onze ans'
    """
    if not ELISION_HINT.search(text):  # no candidate: spare the analysis
        return Fix([])
    doc = nlp.parse(text)
    edits = []
    for i, (word, nxt) in enumerate(zip(doc, doc[1:])):
        lower = word.lower_
        if lower not in ELIDABLE or word.whitespace_ != " " or not nxt.is_alpha or not takes_elision(nxt.text):
            continue
        if i > 0 and doc[i - 1].text.endswith("-"):  # imperative: prends-le à
            continue
        if lower == "si" and nxt.lower_ not in ("il", "ils"):
            continue
        if lower in ("le", "la") and nxt.lower_ in ("un", "une", "onze"):
            continue
        elided = match_case(word.text, ELIDABLE[lower]) + "’"
        if lower == "de" and needs_article(doc, i, nxt):
            elided = word.text + " l’"
        edits.append(Edit(word.idx, nxt.idx, elided))
    return Fix(edits)


def needs_article(doc, i: int, noun) -> bool:
    """``de`` + common noun right after another noun lost its article (le domaine de l’IA);
    after a quantity (beaucoup d’argent) or before a name (près d’Apple) it did not."""
    if i == 0 or noun.pos_ not in ("NOUN",) or is_name_like(noun):
        return False
    before = doc[i - 1]
    return before.pos_ == "NOUN" and before.lower_ not in QUANTITY_WORDS


def is_name_like(token) -> bool:
    """Capitalised inside a sentence, or an acronym: a name, not a common word."""
    return not token.is_sent_start and (token.text[:1].isupper() or token.is_upper)


@rule("glued_sentence", PROSE)
def split_glued_sentences(text: str, ctx: Context) -> Fix:
    """Restore the full stop lost between two sentences (... dollars Depuis 2019 -> dollars. Depuis).

    A capitalised common word (a determiner, preposition, pronoun, adverb or verb when
    written in lower case) after a word with no punctuation starts a new sentence;
    names, entities and multi-word capitalised titles are never split. Each candidate
    is read again in lower case (all candidates of a text in one batch) to learn what
    the word is when it does not start a sentence.

    >>> fix("glued_sentence", "près de 14 milliards de dollars Depuis 2019, OpenAI a accès à Azure.")
    'près de 14 milliards de dollars. Depuis 2019, OpenAI a accès à Azure.'
    >>> fix("glued_sentence", "Selon Le Monde, la Banque de France investit.")
    'Selon Le Monde, la Banque de France investit.'
    """
    if not any(could_start_sentence(m.group()) for m in WORD_AFTER_SPACE.finditer(text)):  # spare the analysis
        return Fix([])
    doc = nlp.parse(text)
    names = ctx.name_positions(text)
    candidates = []
    for i in range(1, len(doc)):
        word, prev = doc[i], doc[i - 1]
        if word.idx in names or not starts_sentence_after(prev, word, doc[i + 1] if i + 1 < len(doc) else None):
            continue
        rest = doc[i : min(len(doc), i + 6)].text
        candidates.append((prev, word.lower_ + rest[len(word.text) :]))
    probes = nlp.french().pipe(probe for _, probe in candidates)
    return Fix([Edit(prev.idx + len(prev), prev.idx + len(prev), ".")
                for (prev, _), probe in zip(candidates, probes) if probe[0].pos_ in SENTENCE_STARTERS])


WORD_AFTER_SPACE = re.compile(r"(?<=\s)[^\W\d_]+")


def could_start_sentence(word: str) -> bool:
    """A capitalised common word that is not itself a capitalised dictionary word (a
    name): what a glued sentence starts with."""
    return word.istitle() and nlp.is_common_word(word) and word not in nlp.french_words()


def starts_sentence_after(prev, word, nxt) -> bool:
    if not (word.is_title and word.is_alpha) or word.ent_iob_ == "I":
        return False
    if not (prev.is_alpha or prev.like_num or prev.text in "»\")") or prev.whitespace_ != " ":
        return False
    if prev.pos_ in ("DET", "ADP", "CCONJ", "SCONJ"):  # no sentence ends on "le", "de", "et"
        return False
    if nxt is not None and nxt.is_title and nxt.is_alpha:  # Le Monde, La Poste
        return False
    return could_start_sentence(word.text)


WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
ELIDED_FORMS = {*ELIDABLE.values()}


@rule("sentence_case", HEADINGS)
def title_case_to_sentence_case(text: str, ctx: Context) -> Fix:
    """Turn English-style Title Case into French sentence case, keeping names and acronyms.

    >>> fix("sentence_case", "L’Embauche de Suleyman chez Microsoft, Élément Déclencheur")
    'L’embauche de Suleyman chez Microsoft, élément déclencheur'
    >>> fix("sentence_case", "Le partenariat entre Microsoft et OpenAI")
    'Le partenariat entre Microsoft et OpenAI'
    """
    names = ctx.name_positions(text)
    words = [m for m in list(WORD.finditer(text))[1:] if m.start() not in names]  # the first word keeps its capital

    def common(word: str) -> bool:
        lower = word.lower()
        return nlp.is_common_word(word) or lower in ctx.article_words or lower in ctx.glossary_words

    def elided(m: re.Match) -> bool:  # S’Ouvre, D’Autres
        return text[m.end() : m.end() + 1] in "’'" and m.group().lower() in ELIDED_FORMS

    content = [m for m in words if len(m.group()) >= 4 and common(m.group())]
    capitalised = [m for m in content if m.group().istitle()]
    if not capitalised or len(capitalised) * 2 < len(content):
        return Fix([])
    return Fix([Edit(m.start(), m.end(), m.group().lower()) for m in words
                if m.group().istitle() and (common(m.group()) or elided(m))])


ENTITY_START = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})$")
FRENCH_SPACES = [
    (re.compile(r"(?<=[^\s;:!?«»(])[ \u00a0\u202f]*+(?=»)"), NNBSP),
    (re.compile(r"(?<=[^\s;:!?«(])[ \u00a0\u202f]*+(?=[;!?])"), NNBSP),
    (re.compile(r"(?<=[^\s;:!?«(])[ \u00a0\u202f]*+(?=:(?:\s|$|«))"), NNBSP),
    (re.compile(r"(?<=«)[ \u00a0\u202f]*+(?=\S)"), NNBSP),
    (re.compile(r"(?<=[:])(?=«)"), " "),
    (re.compile(r"(?<=\d)[ \u00a0\u202f]*+(?=%)"), NBSP),
]


@rule("french_spacing")
def french_spacing(text: str, ctx: Context) -> Fix:
    """French spacing: narrow no-break space before ; : ! ? » and after «, no-break space before %.

    >>> fix("french_spacing", "il dit :«oui» ; 14 % ?") == "il dit\\u202f: «\\u202foui\\u202f»\\u202f; 14\\u00a0%\\u202f?"
    True
    >>> fix("french_spacing", "Rendez-vous à 10:30 sur https://exemple.fr.")
    'Rendez-vous à 10:30 sur https://exemple.fr.'
    >>> fix("french_spacing", "la balise &lt;b&gt; et &#233;")
    'la balise &lt;b&gt; et &#233;'
    """
    edits = []
    for pattern, space in FRENCH_SPACES:
        edits += regex_edits(pattern, text, lambda m, space=space: space)
    # The semicolon that ends an entity written in the text (&lt; &#233;) is not punctuation.
    edits = [e for e in edits if not (text[e.end : e.end + 1] == ";" and ENTITY_START.search(text, 0, e.start))]
    return Fix(non_overlapping(edits))


# --- applying rules -------------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` made, in one pass."""
    out, at = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out += [text[at : e.start], e.replacement]
        at = e.end
    return "".join(out) + text[at:]


def word_window(text: str, edit: Edit) -> tuple[int, int]:
    """The span of whole words around an edit (at most ``WINDOW_CHARS`` more on each
    side), so a reader sees its context; an edit among spaces or punctuation also shows
    the word before it."""
    left, right = edit.start, edit.end
    floor, ceiling = max(0, left - WINDOW_CHARS), min(len(text), right + WINDOW_CHARS)
    while left > floor and not text[left - 1].isspace():
        left -= 1
    while right < ceiling and not text[right].isspace():
        right += 1
    if not any(c.isalnum() for c in text[left:right]):
        while left > floor and text[left - 1].isspace():
            left -= 1
        while left > floor and not text[left - 1].isspace():
            left -= 1
    return left, right


class Group(NamedTuple):
    """Edits that touch the same words, and the text they change."""

    start: int
    end: int
    edits: list[Edit]


def groups_of(text: str, edits: list[Edit]) -> list[Group]:
    groups: list[Group] = []
    for e in sorted(edits, key=lambda e: e.start):
        left, right = word_window(text, e)
        if groups and left < groups[-1].end:
            last = groups[-1]
            groups[-1] = Group(last.start, max(right, last.end), last.edits + [e])
        else:
            groups.append(Group(left, right, [e]))
    return groups


def change_of(text: str, group: Group, r: Rule, where: Provenance) -> Change:
    before = text[group.start : group.end]
    after = apply_edits(before, [dataclasses.replace(e, start=e.start - group.start, end=e.end - group.start)
                                 for e in group.edits])
    reasons = dict.fromkeys(e.reason or r.description for e in group.edits)
    return Change(r.id, before, after, where, "; ".join(reasons))


class Cleaned(NamedTuple):
    text: str
    changes: list[Change]
    findings: list[Finding]
    rejected: list[Rejection]  # the editor's rejections that kept a change out


def clean_text(text: str, kind: str, ctx: Context, where: Provenance = Provenance("-", 0)) -> Cleaned:
    """Run every rule that applies to this kind of block, in order; a change the editor
    rejected for this place is left out."""
    changes: list[Change] = []
    findings: list[Finding] = []
    rejected: list[Rejection] = []
    for r in ctx.rules:
        if kind not in r.kinds or not text:
            continue
        fix = r.find(text, ctx)
        findings += [Finding(n.kind, n.text, n.message, where) for n in fix.notes]
        kept: list[Edit] = []
        for group in groups_of(text, fix.edits):
            change = change_of(text, group, r, where)
            rejection = ctx.rejections.find(where, r.id, change.before)
            if rejection:
                rejected.append(rejection)
            else:
                changes.append(change)
                kept += group.edits
        text = apply_edits(text, kept)
    return Cleaned(text, changes, findings, rejected)


def fix(rule_id: str, text: str) -> str:
    """Apply one rule to a text with the shipped data files (for examples and debugging)."""
    return apply_edits(text, KNOWN_RULES[rule_id].find(text, default_context()).edits)


@functools.cache
def default_context() -> Context:
    from . import glossary, repairs

    return Context(repairs.load(DATA / "repairs.tsv"), glossary.load(DATA / "terms.tsv"))


# --- article level --------------------------------------------------------------------

HEADING_END = re.compile(r"[\s:.…!?]+")


def heading_key(text: str) -> str:
    """A heading's text for comparison: no case, no final punctuation or spaces.

    >>> heading_key("  À lire aussi :  ")
    'à lire aussi'
    """
    text = text.strip()
    trailing = HEADING_END.match(text[::-1])
    return text[: len(text) - trailing.end()].casefold() if trailing else text.casefold()


def extract_metadata(article: Article, ctx: Context) -> list[Rejection]:
    """Scraped fields glued before the first paragraph become article metadata.

    ``date 2023-11 Microsoft a annoncé…`` -> metadata date=2023-11, text ``Microsoft a annoncé…``.
    The value is one word containing a digit, so ordinary prose is never taken. Only the
    first three blocks are searched: scraped fields sit at the top of a page.
    """
    for block, r in itertools.product(article.blocks[:3], ctx.repairs.of("metadata")):
        m = re.match(rf"\s*{whole_words(r.match)}\s*:?\s+(\S*\d\S*)(?:\s+|$)", block.raw, re.IGNORECASE)
        if m:
            rejection = ctx.rejections.find(block.where, "metadata", m.group().strip())
            if rejection:
                return [rejection]
            article.metadata[r.replacement or r.match] = m.group(1)
            block.changes.append(Change("metadata", m.group().strip(), "", block.where, r.note))
            block.clean = block.raw[m.end() :]
            if not block.clean.strip():
                article.blocks.remove(block)
                article.removed.append(Change("metadata", block.raw, "", block.where, r.note))
            return []
    return []


def drop_boilerplate(article: Article, ctx: Context) -> list[Rejection]:
    """Remove web boilerplate: a related-links line (glossary/repairs.tsv, kind boilerplate)
    with the list items, or the single title line, that follow it."""
    notes = {heading_key(r.match): r.note for r in ctx.repairs.of("boilerplate")}
    kept: list[Block] = []
    rejected: list[Rejection] = []
    blocks = article.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if heading_key(block.raw) not in notes:
            kept.append(block)
            i += 1
            continue
        dropped = [block]
        i += 1
        if i < len(blocks) and blocks[i].kind == "list_item":
            while i < len(blocks) and blocks[i].kind == "list_item":
                dropped.append(blocks[i])
                i += 1
        elif i < len(blocks) and blocks[i].kind == "heading":
            dropped.append(blocks[i])
            i += 1
        for b in dropped:
            rejection = ctx.rejections.find(b.where, "boilerplate", b.raw)
            if rejection:
                rejected.append(rejection)
                kept.append(b)
            else:
                article.removed.append(Change("boilerplate", b.raw, "", b.where, notes[heading_key(block.raw)]))
    article.blocks = kept
    return rejected


def count_blank_lines(article: Article) -> None:
    """Blank-line runs and trailing blank lines are dropped (the block structure keeps the
    paragraphs apart); the count is recorded so the diff explains the removed lines."""
    lines = article.raw.splitlines()
    blank = [n for n, line in enumerate(lines, start=1) if not line.strip()]
    if blank:
        article.removed.append(Change("blank_lines", f"{len(blank)} blank lines", "", Provenance(article.source.name, blank[0]),
                                      "blank lines between blocks are not kept"))


# --- checks: what a machine cannot repair safely, reported for the editor ---------------

ELIDED_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")
ELIDED_PREFIX = re.compile(r"^[a-z]{1,6}’")  # l’, d’, qu’, jusqu’…
MAX_SUGGESTIONS = 10  # per article: asking Hunspell for suggestions takes a good part of a second


def unknown_words(article: Article, ctx: Context) -> list[Finding]:
    """Lower-case words that neither the French dictionary (Hunspell, hunspell-fr) nor the
    glossary nor ``glossary/accepted-words.txt`` knows, once per article each."""
    known = ctx.glossary_words | ctx.name_words | ctx.accepted_words
    seen: set[str] = set()
    findings: list[Finding] = []
    for block in article.blocks:
        for token in ELIDED_WORD.findall(block.clean):
            token = token.replace("'", "’")
            word = ELIDED_PREFIX.sub("", token)
            if not word.islower() or len(word) < 3 or word in seen:
                continue
            seen.add(word)
            if not is_known_word(token, word, known):
                hint = ""
                if len(findings) < MAX_SUGGESTIONS and (suggestions := nlp.speller().suggest(word)):
                    hint = f"; perhaps: {', '.join(suggestions[:3])}"
                findings.append(Finding("unknown_word", word, "not in the French dictionary, the glossary nor "
                                        f"{ACCEPTED_WORDS.name}: a typo, an OCR error, or a word to accept there{hint}",
                                        block.where))
    return findings


def is_known_word(token: str, word: str, known: frozenset[str]) -> bool:
    """Known as written (elided or not), or a compound whose every part is known."""
    if word in known or nlp.is_spelled_right(token) or nlp.is_spelled_right(word):
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(p in known or nlp.is_spelled_right(p) for p in parts)


@functools.cache
def suspect_patterns(rows: tuple[tuple[str, str, str], ...]) -> list[tuple[re.Pattern, str, str]]:
    return [(re.compile(whole_words(match), re.IGNORECASE), replacement, note) for match, replacement, note in rows]


def suspect_phrases(article: Article, ctx: Context) -> list[Finding]:
    """Phrases glossary/repairs.tsv lists as probable literal back-translations."""
    rows = tuple((r.match, r.replacement, r.note) for r in ctx.repairs.of("suspect"))
    return [Finding("suspect_phrase", m.group(), f"probably a literal back-translation; perhaps: {replacement}. {note}",
                    block.where)
            for block in article.blocks for pattern, replacement, note in suspect_patterns(rows)
            for m in pattern.finditer(block.clean)]


SHINGLE_WORDS = 5  # paragraphs are compared on their runs of this many words
SHARED_SHARE = 0.5  # this share of the shorter paragraph's runs found in the other: a repeat
POSTINGS = 4  # paragraphs remembered per run of words; a run in more is common wording


def shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    return {hash(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}


def duplicate_paragraphs(article: Article) -> list[Finding]:
    """Paragraphs that repeat much of an earlier one: the same text scraped twice, or a
    long passage quoted twice. Each paragraph's runs of words go into an index, so the
    cost grows with the length of the article, not with its square."""
    index: dict[int, tuple[int, ...]] = {}
    sizes: list[int] = []
    paragraphs = [b for b in article.blocks if b.kind == "paragraph"]
    findings = []
    for me, block in enumerate(paragraphs):
        runs = shingles(block.clean)
        sizes.append(len(runs))
        shared = Counter(other for run in runs for other in index.get(run, ()))
        share, other = max(((n / min(len(runs), sizes[p]), p) for p, n in shared.items()), default=(0, 0))
        if share >= SHARED_SHARE:
            findings.append(Finding("duplicate_paragraph", block.clean[:80] + "…",
                                    f"{share:.0%} of its wording repeats the paragraph at line {paragraphs[other].where.line}",
                                    block.where))
        for run in runs:
            known = index.get(run, ())
            if len(known) < POSTINGS:
                index[run] = known + (me,)
    return findings


# --- the stage -------------------------------------------------------------------------


def clean_article(article: Article, ctx: Context) -> Article:
    count_blank_lines(article)
    rejected = extract_metadata(article, ctx) + drop_boilerplate(article, ctx)
    ctx = ctx.for_article(article)
    for block in article.blocks:
        cleaned = clean_text(block.clean or block.raw, block.kind, ctx, block.where)
        block.clean = cleaned.text
        block.changes += cleaned.changes
        article.findings += cleaned.findings
        rejected += cleaned.rejected
    article.findings += unknown_words(article, ctx) + suspect_phrases(article, ctx) + duplicate_paragraphs(article)
    article.findings += unused_rejections(article, ctx.rejections, rejected)
    return article


def unused_rejections(article: Article, rejections: Rejections, used: list[Rejection]) -> list[Finding]:
    """Rejections for this article that matched no repair: the text or the rule changed."""
    return [Finding("unused_rejection", r.before, f"this rejection of a {r.rule} repair at line {r.where.line} "
                    "matched nothing: the source or the rule changed; update or delete the row",
                    Provenance(rejections.path.name, r.row))
            for r in rejections.of_file(article.source.name) if r not in used]


def clean(book: Book, glossary: Glossary, repairs: Repairs, folder: Path = DATA) -> Book:
    """Clean every article of the book in place and return it; ``folder`` holds the
    rules file, the rejected repairs and the accepted words."""
    ctx = Context.from_folder(repairs, glossary, folder)
    for article in book.articles:
        clean_article(article, ctx)
    return book


def render(article: Article) -> list[str]:
    """The cleaned French, one block a line (list items keep their bullet)."""
    return [("• " if b.kind == "list_item" else "") + b.clean for b in article.blocks]
