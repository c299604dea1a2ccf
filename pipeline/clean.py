"""Stage 2: repair OCR and machine-translation artifacts, recording every change.

Repairs are named rules applied in the fixed order of ``RULES`` (see ``bilingue clean
--rules``). Each rule looks at one block's text and proposes edits; the engine applies
them and records a ``Change`` (rule id, before, after, file:line) on the block. What a
machine cannot repair safely becomes a ``Finding`` for the editor instead.

Article-level rules run first: scraped metadata, web boilerplate, blank lines.
"""
from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

from . import nlp
from .glossary import Glossary
from .model import Article, Block, Book, Change, Finding, Provenance
from .repairs import Repairs

NNBSP = "\u202f"  # narrow no-break space: French spacing before ; : ! ? » and after «
NBSP = "\u00a0"
SPACES = " \u00a0\u202f"
HEADINGS = frozenset({"kicker", "title", "heading"})
PROSE = frozenset({"paragraph", "list_item", "attribution"})
EVERY_BLOCK = HEADINGS | PROSE

ELISION_EXCEPTIONS = Path(__file__).resolve().parent.parent / "glossary" / "elision-exceptions.txt"
# Words that drop their vowel before a vowel or mute h (si only before il/ils).
ELIDABLE = {"de": "d", "le": "l", "la": "l", "que": "qu", "ne": "n", "se": "s", "je": "j", "me": "m",
            "te": "t", "ce": "c", "jusque": "jusqu", "lorsque": "lorsqu", "puisque": "puisqu",
            "quoique": "quoiqu", "si": "s"}
QUANTITY_WORDS = {"beaucoup", "peu", "trop", "assez", "plus", "moins", "tant", "autant", "pas", "jamais",
                  "point", "guère", "combien", "nombre", "manque", "sorte", "genre", "type"}
CONTRACTIONS = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
SENTENCE_STARTERS = {"DET", "ADP", "PRON", "CCONJ", "SCONJ", "ADV", "VERB", "AUX"}


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str


@dataclass
class Context:
    """What rules may consult: the data files and the article being cleaned."""

    repairs: Repairs
    glossary: Glossary
    where: Provenance = Provenance("-", 0)
    article_words: set[str] = field(default_factory=set)  # lower-case words of the body
    findings: list[Finding] = field(default_factory=list)

    @functools.cached_property
    def name_words(self) -> set[str]:
        return {w for e in self.glossary.names for w in e.fr.split()}

    def name_spans(self, text: str) -> list[range]:
        """Where glossary names are written out in ``text`` (one scan per text)."""
        return [range(m.start(), m.end()) for e in self.glossary.names for m in re.finditer(whole_words(e.fr), text)]

    @functools.cached_property
    def glossary_words(self) -> set[str]:
        return {w.lower() for e in self.glossary.terms for w in e.fr.split()}

    def flag(self, kind: str, text: str, message: str) -> None:
        self.findings.append(Finding(kind, text, message, self.where))


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    kinds: frozenset[str]
    find: Callable[[str, Context], list[Edit]]


RULES: list[Rule] = []


def rule(rule_id: str, kinds: frozenset[str] = EVERY_BLOCK):
    """Register a rule; its docstring's first line is its description."""

    def register(fn: Callable[[str, Context], list[Edit]]):
        RULES.append(Rule(rule_id, (fn.__doc__ or "").strip().splitlines()[0], kinds, fn))
        return fn

    return register


def regex_edits(pattern: re.Pattern, text: str, replace: Callable[[re.Match], str]) -> list[Edit]:
    edits = []
    for m in pattern.finditer(text):
        new = replace(m)
        if new != m.group():
            edits.append(Edit(m.start(), m.end(), new))
    return edits


def whole_words(phrase: str) -> str:
    """A regex for ``phrase`` as whole words, any run of spaces between them."""
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"


# --- the rules, in the order they run ----------------------------------------------------


@rule("mojibake")
def fix_mojibake(text: str, ctx: Context) -> list[Edit]:
    """Repair mis-decoded text (mojibake) and control characters with ftfy.

    >>> fix("mojibake", "Microsoft a annoncÃ© un investissement")
    'Microsoft a annoncé un investissement'
    """
    fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False, normalization="NFC")
    return edits_between(text, fixed)


SPACE_RUN = re.compile(r"^[\s]+|[\s]+$|[ \t\u00a0\u202f]{2,}|[\t\r\f\v]")


@rule("stray_spaces")
def collapse_spaces(text: str, ctx: Context) -> list[Edit]:
    """Collapse runs of spaces and tabs to one space; trim the ends.

    >>> fix("stray_spaces", "  Une   phrase\\tmal  espacée. ")
    'Une phrase mal espacée.'
    """
    return regex_edits(SPACE_RUN, text, lambda m: "" if m.start() == 0 or m.end() == len(text) else " ")


@rule("garbage_phrase")
def remove_garbage_phrases(text: str, ctx: Context) -> list[Edit]:
    """Replace known machine-translation garbage listed in glossary/repairs.tsv (kind phrase).

    >>> fix("garbage_phrase", "Microsoft que le béton ey OpenAI")
    'Microsoft et OpenAI'
    """
    edits = []
    for r in ctx.repairs.of("phrase"):
        pattern = re.compile(whole_words(r.match), re.IGNORECASE)
        edits += regex_edits(pattern, text, lambda m, r=r: r.replacement)
    return non_overlapping(edits)


@rule("name_variant")
def restore_names(text: str, ctx: Context) -> list[Edit]:
    """Restore product and company names a machine translated (glossary variants column).

    >>> fix("name_variant", "Le lancement de RechercherGPT")
    'Le lancement de SearchGPT'
    """
    edits = []
    for variant, name in ctx.glossary.variant_repairs().items():
        edits += regex_edits(re.compile(whole_words(variant)), text, lambda m, name=name: name)
    return non_overlapping(edits)


APOSTROPHE = re.compile(r"(?<=[^\W\d_])['‘`´](?=[^\W\d_])")


@rule("apostrophe")
def typographic_apostrophes(text: str, ctx: Context) -> list[Edit]:
    """Use the typographic apostrophe (’) everywhere inside words.

    >>> fix("apostrophe", "l'avenir de l’IA")
    'l’avenir de l’IA'
    """
    return regex_edits(APOSTROPHE, text, lambda m: "’")


@rule("broken_guillemets", PROSE)
def close_guillemets(text: str, ctx: Context) -> list[Edit]:
    """Turn an opening guillemet that stands where a quote closes into a closing one.

    >>> fix("broken_guillemets", "de «bromance« Les")
    'de «bromance» Les'
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
    return edits


DOUBLE_QUOTE = re.compile(r'["“”„]')


@rule("straight_quotes", PROSE | HEADINGS)
def quotes_to_guillemets(text: str, ctx: Context) -> list[Edit]:
    """Pair straight or English double quotes into French guillemets.

    >>> fix("straight_quotes", 'il y avait "quelques tensions" ici')
    'il y avait «quelques tensions» ici'
    """
    marks = list(DOUBLE_QUOTE.finditer(text))
    if len(marks) % 2:
        ctx.flag("unpaired_quote", text, "odd number of double quotes: pair them by hand")
        return []
    return [Edit(m.start(), m.end(), "«" if i % 2 == 0 else "»") for i, m in enumerate(marks)]


@rule("contraction", PROSE | HEADINGS)
def contract_articles(text: str, ctx: Context) -> list[Edit]:
    """Contract de/à with the article le/les (de le -> du, à les -> aux).

    >>> fix("contraction", "la part de le marché et à les clients")
    'la part du marché et aux clients'
    """
    doc = nlp.parse(text)
    edits = []
    for prep, art in zip(doc, doc[1:]):
        pair = (prep.lower_, art.lower_)
        if pair in CONTRACTIONS and art.pos_ == "DET" and prep.whitespace_ == " ":
            merged = CONTRACTIONS[pair]
            edits.append(Edit(prep.idx, art.idx + len(art), match_case(prep.text, merged)))
    return edits


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


@rule("elision", PROSE | HEADINGS)
def restore_elision(text: str, ctx: Context) -> list[Edit]:
    """Elide de, le, la, que, ne, se, je, si... before a vowel or mute h; after a noun,
    de before a common noun also takes its lost article (de intelligence -> de l’intelligence).

    >>> fix("elision", "dans le domaine de intelligence artificielle, près de Apple, que il a")
    'dans le domaine de l’intelligence artificielle, près d’Apple, qu’il a'
    """
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
    return edits


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
def split_glued_sentences(text: str, ctx: Context) -> list[Edit]:
    """Restore the full stop lost between two sentences (... dollars Depuis 2019 -> dollars. Depuis).

    A capitalised common word (a determiner, preposition, pronoun, adverb or verb when
    written in lower case) after a word with no punctuation starts a new sentence;
    names, entities and multi-word capitalised titles are never split.

    >>> fix("glued_sentence", "près de 14 milliards de dollars Depuis 2019, OpenAI a accès à Azure.")
    'près de 14 milliards de dollars. Depuis 2019, OpenAI a accès à Azure.'
    """
    doc = nlp.parse(text)
    names = ctx.name_spans(text)
    edits = []
    for i in range(1, len(doc)):
        word, prev = doc[i], doc[i - 1]
        if any(word.idx in span for span in names) or not starts_sentence_after(prev, word, doc[i + 1] if i + 1 < len(doc) else None):
            continue
        rest = doc[i : min(len(doc), i + 6)].text
        probe = nlp.french()(word.lower_ + rest[len(word.text) :])
        if probe[0].pos_ in SENTENCE_STARTERS:
            edits.append(Edit(prev.idx + len(prev), prev.idx + len(prev), "."))
    return edits


def starts_sentence_after(prev, word, nxt) -> bool:
    if not (word.is_title and word.is_alpha) or word.ent_iob_ == "I":
        return False
    if not (prev.is_alpha or prev.like_num or prev.text in "»\")") or prev.whitespace_ != " ":
        return False
    if prev.pos_ in ("DET", "ADP", "CCONJ", "SCONJ"):  # no sentence ends on "le", "de", "et"
        return False
    if nxt is not None and nxt.is_title and nxt.is_alpha:  # Le Monde, La Poste
        return False
    return nlp.is_common_word(word.text) and word.text not in nlp.french_words()


WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
ELIDED_FORMS = {*ELIDABLE.values()}
ELIDED_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")


@rule("sentence_case", HEADINGS)
def title_case_to_sentence_case(text: str, ctx: Context) -> list[Edit]:
    """Turn English-style Title Case into French sentence case, keeping names and acronyms.

    >>> fix("sentence_case", "L’Embauche de Suleyman chez Microsoft, Élément Déclencheur")
    'L’embauche de Suleyman chez Microsoft, élément déclencheur'
    """
    words = list(WORD.finditer(text))[1:]  # the first word keeps its capital

    def common(word: str) -> bool:
        lower = word.lower()
        return nlp.is_common_word(word) or lower in ctx.article_words or lower in ctx.glossary_words

    def elided(m: re.Match) -> bool:  # S’Ouvre, D’Autres
        return text[m.end() : m.end() + 1] in "’'" and m.group().lower() in ELIDED_FORMS

    names = ctx.name_spans(text)
    words = [m for m in words if not any(m.start() in span for span in names)]
    content = [m for m in words if len(m.group()) >= 4 and common(m.group())]
    capitalised = [m for m in content if m.group().istitle()]
    if not capitalised or len(capitalised) * 2 < len(content):
        return []
    return [Edit(m.start(), m.end(), m.group().lower()) for m in words
            if m.group().istitle() and (common(m.group()) or elided(m))]


@rule("french_spacing")
def french_spacing(text: str, ctx: Context) -> list[Edit]:
    """French spacing: narrow no-break space before ; : ! ? » and after «, no-break space before %.

    >>> fix("french_spacing", "il dit :«oui» ; 14 % ?") == "il dit\\u202f: «\\u202foui\\u202f»\\u202f; 14\\u00a0%\\u202f?"
    True
    """
    rules = [
        (re.compile(r"(?<=[^\s;:!?«»(])[ \u00a0\u202f]*(?=»)"), NNBSP),
        (re.compile(r"(?<=[^\s;:!?«(])[ \u00a0\u202f]*(?=[;!?])"), NNBSP),
        (re.compile(r"(?<=[^\s;:!?«(])[ \u00a0\u202f]*(?=:(?:\s|$|«))"), NNBSP),
        (re.compile(r"(?<=«)[ \u00a0\u202f]*(?=\S)"), NNBSP),
        (re.compile(r"(?<=[:])(?=«)"), " "),
        (re.compile(r"(?<=\d)[ \u00a0\u202f]*(?=%)"), NBSP),
    ]
    edits = []
    for pattern, space in rules:
        edits += regex_edits(pattern, text, lambda m, space=space: space)
    return non_overlapping(edits)


# --- applying rules -------------------------------------------------------------------


def edits_between(old: str, new: str) -> list[Edit]:
    """The minimal edits that turn ``old`` into ``new``."""
    if old == new:
        return []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [Edit(i1, i2, new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def non_overlapping(edits: list[Edit]) -> list[Edit]:
    taken: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if not taken or e.start >= taken[-1].end and not (e.start == e.end == taken[-1].end):
            taken.append(e)
    return taken


def apply_edits(text: str, edits: list[Edit]) -> str:
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.replacement + text[e.end :]
    return text


def word_window(text: str, edit: Edit) -> tuple[int, int]:
    """The span of whole words around an edit, so a reader sees its context."""
    left, right = edit.start, edit.end
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    while right < len(text) and not text[right].isspace():
        right += 1
    if not any(c.isalnum() for c in text[left:right]):
        while left > 0 and text[left - 1].isspace():
            left -= 1
        while left > 0 and not text[left - 1].isspace():
            left -= 1
    return left, right


def describe(text: str, edits: list[Edit]) -> list[tuple[str, str]]:
    """(before, after) for each group of edits that touch the same words."""
    groups: list[tuple[int, int, list[Edit]]] = []
    for e in sorted(edits, key=lambda e: e.start):
        left, right = word_window(text, e)
        if groups and left < groups[-1][1]:
            groups[-1] = (groups[-1][0], max(right, groups[-1][1]), groups[-1][2] + [e])
        else:
            groups.append((left, right, [e]))
    return [
        (text[left:right], apply_edits(text[left:right], [Edit(e.start - left, e.end - left, e.replacement) for e in group]))
        for left, right, group in groups
    ]


def match_case(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def clean_text(text: str, kind: str, ctx: Context) -> tuple[str, list[Change]]:
    """Run every rule that applies to this kind of block, in order."""
    changes = []
    for r in RULES:
        if kind not in r.kinds or not text:
            continue
        edits = r.find(text, ctx)
        changes += [Change(r.id, before, after, ctx.where) for before, after in describe(text, edits)]
        text = apply_edits(text, edits)
    return text, changes


def fix(rule_id: str, text: str) -> str:
    """Apply one rule to a text with the shipped data files (for examples and debugging)."""
    r = next(r for r in RULES if r.id == rule_id)
    ctx = default_context()
    return apply_edits(text, r.find(text, ctx))


@functools.cache
def default_context() -> Context:
    from . import glossary, repairs

    root = Path(__file__).resolve().parent.parent / "glossary"
    return Context(repairs.load(root / "repairs.tsv"), glossary.load(root / "terms.tsv"))


# --- article level --------------------------------------------------------------------


def heading_key(text: str) -> str:
    return re.sub(r"[\s:.…!?]+$", "", text.strip()).casefold()


def extract_metadata(article: Article, repairs: Repairs) -> None:
    """Scraped fields glued before the first paragraph become article metadata.

    ``date 2023-11 Microsoft a annoncé…`` -> metadata date=2023-11, text ``Microsoft a annoncé…``.
    The value is one word containing a digit, so ordinary prose is never taken. Only the
    first three blocks are searched: scraped fields sit at the top of a page.
    """
    for block, r in itertools.product(article.blocks[:3], repairs.of("metadata")):
        m = re.match(rf"\s*{whole_words(r.match)}\s*:?\s+(\S*\d\S*)(?:\s+|$)", block.raw, re.IGNORECASE)
        if m:
            article.metadata[r.replacement or r.match] = m.group(1)
            block.changes.append(Change("metadata", m.group().strip(), "", block.where))
            block.clean = block.raw[m.end() :]
            if not block.clean.strip():
                article.blocks.remove(block)
                article.removed.append(Change("metadata", block.raw, "", block.where))
            return


def drop_boilerplate(article: Article, repairs: Repairs) -> None:
    """Remove web boilerplate: a related-links line (glossary/repairs.tsv, kind boilerplate)
    with the list items, or the single title line, that follow it."""
    markers = {heading_key(r.match) for r in repairs.of("boilerplate")}
    kept: list[Block] = []
    blocks = article.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if heading_key(block.raw) not in markers:
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
        article.removed += [Change("boilerplate", b.raw, "", b.where) for b in dropped]
    article.blocks = kept


def count_blank_lines(article: Article) -> None:
    """Blank-line runs and trailing blank lines are dropped (the block structure keeps the
    paragraphs apart); the count is recorded so the diff explains the removed lines."""
    lines = article.raw.splitlines()
    blank = [n for n, line in enumerate(lines, start=1) if not line.strip()]
    if blank:
        article.removed.append(Change("blank_lines", f"{len(blank)} blank lines", "", Provenance(article.source.name, blank[0])))


def flag_suspicious(article: Article, ctx: Context) -> None:
    """Spots a machine cannot repair safely: unknown words, suspect phrases, duplicated paragraphs."""
    known = ctx.glossary_words | {w.lower() for w in ctx.name_words}
    seen_unknown: set[str] = set()
    earlier: list[Block] = []
    for block in article.blocks:
        ctx.where = block.where
        for token in ELIDED_WORD.findall(block.clean):
            word = re.sub(r"^(?:[a-z]{1,6}’)", "", token)
            if word.islower() and len(word) >= 3 and word not in known and word not in seen_unknown:
                if not any(nlp.is_common_word(part) for part in (token, word, *word.split("-"))):
                    seen_unknown.add(word)
                    ctx.flag("unknown_word", word, "not in the French word list nor the glossary: a typo, an OCR error or a term to add")
        for r in ctx.repairs.of("suspect"):
            for m in re.finditer(whole_words(r.match), block.clean, re.IGNORECASE):
                ctx.flag("suspect_phrase", m.group(), f"probably a literal back-translation; perhaps: {r.replacement}. {r.note}")
        if block.kind == "paragraph":
            for other in earlier:
                if difflib.SequenceMatcher(None, other.clean, block.clean).ratio() > 0.9:
                    ctx.flag("duplicate_paragraph", block.clean[:80] + "…", f"nearly the same as the paragraph at line {other.where.line}")
            earlier.append(block)


def clean_article(article: Article, ctx: Context) -> Article:
    count_blank_lines(article)
    extract_metadata(article, ctx.repairs)
    drop_boilerplate(article, ctx.repairs)
    ctx.article_words = {w for b in article.blocks if b.kind in PROSE for w in WORD.findall(b.clean or b.raw) if w.islower()}
    ctx.findings = []
    for block in article.blocks:
        ctx.where = block.where
        block.clean, changes = clean_text(block.clean or block.raw, block.kind, ctx)
        block.changes += changes
    flag_suspicious(article, ctx)
    article.findings += ctx.findings
    return article


def clean(book: Book, glossary: Glossary, repairs: Repairs) -> Book:
    """Clean every article of the book in place and return it."""
    ctx = Context(repairs, glossary)
    for article in book.articles:
        clean_article(article, ctx)
    return book


def render(article: Article) -> list[str]:
    """The cleaned French, one block a line (list items keep their bullet)."""
    return [("• " if b.kind == "list_item" else "") + b.clean for b in article.blocks]
