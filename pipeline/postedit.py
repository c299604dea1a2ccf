"""English clean-up after the engine: a few general, named rules and the editor's file of
systematic engine errors (``glossary/postedit.tsv``), each change recorded with its rule.

The general rules fix what any engine's English can show: French typography (guillemets,
spaces before punctuation, decimal commas), a word doubled, a capital the engine left on a
common word (``OpenAI Has declared``, Apertium's habit after a word it does not know), "his"
for the French "leur(s)", a sentence start left in lower case. The editor's rows are regular
expressions for errors of one engine that recur whatever the text (``among X and Y`` for
*entre X et Y*). Nothing inside a protected name or term's English is ever touched.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import glossary as gl
from .model import Change, Provenance, Segment
from .nlp import english_words
from .text import capitalise
from .tsv import Problem, raise_errors, read_rows

COLUMNS = ("pattern", "replacement", "reason", "french")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "glossary" / "postedit.tsv"
NOWHERE = Provenance("-", 0)
DOUBLING_ALLOWED = frozenset({"that", "had", "is"})  # "that that", "had had" are English


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    rule: str


@dataclass(frozen=True)
class Row:
    """One editor's rule of ``glossary/postedit.tsv``."""

    pattern: re.Pattern
    replacement: str
    reason: str
    line: int
    french: re.Pattern | None = None  # the row applies only where the French matches it

    @property
    def rule(self) -> str:
        return f"postedit.tsv:{self.line}"


def load(path: Path = DEFAULT_FILE) -> list[Row]:
    """The editor's rows, refusing a file with a bad header, column count or regex."""
    rows, problems = read_rows(path, COLUMNS, required=3)
    loaded = []
    for n, (pattern, replacement, reason, french) in rows:
        try:
            compiled = re.compile(pattern)
            compiled.sub(replacement, "")  # a replacement naming a group the pattern lacks fails here
            french_pattern = re.compile(french, re.IGNORECASE) if french else None
        except re.error as err:
            problems.append(Problem(n, "error", f"a column is not a valid regular expression: {err}"))
            continue
        if not reason:
            problems.append(Problem(n, "error", "empty reason: say which engine error the row corrects"))
            continue
        loaded.append(Row(compiled, replacement, reason, n, french_pattern))
    raise_errors(path, problems, "Fix the file; see the comment at its top for the columns.")
    return loaded


# --- the general rules: each returns the edits it would make on ``english`` ---------------


def english_quotes(english: str, source: str) -> list[Edit]:
    """French guillemets become English quotes, without the spaces inside them."""
    return [Edit(*m.span(), "“" if m.group().startswith("«") else "”", "english_quotes")
            for m in re.finditer(r"«[\s\u00a0\u202f]*|[\s\u00a0\u202f]*»", english)]


def english_spacing(english: str, source: str) -> list[Edit]:
    """No space before , . ; : ! ? % or a closing bracket, none after an opening one; one
    plain space between words (French no-break spaces are French typography)."""
    edits = [Edit(*m.span(), "", "english_spacing")
             for m in re.finditer(r"[ \u00a0\u202f]+(?=[,.;:!?%)\]])|(?<=[(\[])[ \u00a0\u202f]+", english)]
    edits += [Edit(*m.span(), " ", "english_spacing")
              for m in re.finditer(r"(?<=\S)(?: {2,}|[\u00a0\u202f]+)(?=[^\s,.;:!?%)\]])", english)]
    return edits


def decimal_point(english: str, source: str) -> list[Edit]:
    """A French decimal comma the engine copied (``1,5``) becomes a decimal point, when the
    French has the same number (so ``12,000`` written by the engine is left alone)."""
    return [Edit(m.start(1), m.end(1), ".", "decimal_point")
            for m in re.finditer(r"(?<![\d,.])\d+(,)\d+(?![\d,])", english) if m.group() in source]


def doubled_word(english: str, source: str) -> list[Edit]:
    """A word written twice in a row (``the the``), unless the French has it twice too."""
    edits = []
    for m in re.finditer(r"(?<!\w)(\w+)((?: \1)+)(?!\w)", english, re.IGNORECASE):
        word = m.group(1).lower()
        if word not in DOUBLING_ALLOWED and not word.isdigit() and f"{word} {word}" not in source.lower():
            edits.append(Edit(m.start(2), m.end(2), "", "doubled_word"))
    return edits


def stray_capital(english: str, source: str) -> list[Edit]:
    """The capital a rule-based engine puts on the wrong word: on the second word of a
    sentence or quotation when the first is a word it does not know (``Nvidia Has
    projected``, ``“I Expect``), or
    on a later word when the sentence itself starts in lower case (``financial Tensions``).
    Only a word the English dictionary has in lower case alone (``May``, ``Will`` stay) and
    the French does not capitalise inside a sentence."""
    words = english_words()
    edits = []
    for m in re.finditer(r"(?<=[\w,;)] )([A-Z][a-z]+)(?!\w)", english):
        word = m.group(1)
        if word.lower() not in words or word in words or capitalised_inside(word, source):
            continue
        sentence = re.split(r"(?<=[.!?…])\s+|[“‘(]", english[: m.start()])[-1].lstrip(" \"")
        if len(sentence.split()) == 1 or sentence[:1].islower():
            edits.append(Edit(m.start(1), m.start(1) + 1, word[0].lower(), "stray_capital"))
    return edits


def capitalised_inside(word: str, source: str) -> bool:
    """Does ``source`` write ``word`` with its capital somewhere other than a sentence start?"""
    return any(not re.fullmatch(r"(?:.*[.!?…]\s+)?[«“\"(\s]*", source[: m.start()], re.DOTALL)
               for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", source))


# Possessive determiners and pronouns; case-sensitive, so that a company's "SA" is not one.
FRENCH_POSSESSIVE = re.compile(r"(?<!\w)([Ll]eurs?|[Ss]on|[Ss]a|[Ss]es|[Ss]ien(?:ne)?s?)(?!\w)")


def possessor(english: str, source: str) -> list[Edit]:
    """"his" where the French says "leur(s)": a pivot through Spanish makes "su(s)" of
    "leur(s)" and "son/sa/ses" alike, which comes back as "his". When every possessive of
    the French is "leur(s)", no "his" of the English can be right: it is "their".

    >>> [e.replacement for e in possessor("The women defend his rights.", "Les femmes défendent leurs droits.")]
    ['their']
    >>> possessor("The company and his clients.", "La société et ses clients.")
    []
    >>> possessor("They took theirs, he kept his.", "Ils ont pris les leurs, il a gardé le sien.")
    []
    """
    found = {m.group(1).lower() for m in FRENCH_POSSESSIVE.finditer(source)}
    if not found or not found <= {"leur", "leurs"}:
        return []
    return [Edit(*m.span(), "Their" if m.group()[0] == "H" else "their", "possessor")
            for m in re.finditer(r"(?<!\w)[Hh]is(?!\w)", english)]


def sentence_capital(english: str, source: str) -> list[Edit]:
    """A sentence the French starts with a capital starts with one in English too."""
    m = re.match(r"[\s“\"(]*([a-z])", english)
    first = re.match(r"[\s«“\"(]*(\w)", source)
    if m and first and first.group(1).isupper():
        return [Edit(m.start(1), m.end(1), m.group(1).upper(), "sentence_capital")]
    return []


# Words that make the English present perfect right: the time reaches up to now.
PRESENT_PERFECT = re.compile(
    r"(?<!\w)(?:already|ever|never|yet|since|so far|until now|up to now|recently|lately|just|always|still"
    r"|for (?:the (?:past|last)|some|several|many|months|years|weeks|days|decades|\d)"
    r"|(?:the )?(?:past|last) (?:few )?(?:days|weeks|months|years|decades)"
    r"|(?:over|in|during) the (?:past|last)|over the course of|in recent|this (?:year|month|week)|today)(?!\w)",
    re.IGNORECASE)
# avoir and être in the present: the auxiliary of the passé composé.
FRENCH_AUXILIARY = r"(?:ai|as|a|avons|avez|ont|suis|es|est|sommes|êtes|sont)"
# The same in French, where the engine lost it (``depuis lundi`` -> ``from Monday``).
PRESENT_PERFECT_FR = re.compile(
    r"(?<!\w)(?:depuis|déjà|jamais|récemment|jusqu[’']ici|jusqu[’']à présent|à ce jour|pas encore"
    rf"|{FRENCH_AUXILIARY} (?:toujours|encore)"
    r"|derni(?:ers|ères)|écoulée?s?|cette (?:année|semaine)|ce mois|aujourd[’']hui)(?!\w)", re.IGNORECASE)
# A French auxiliary in the present, a negation or adverbs, then a past participle: a
# passé composé (``a des ressources limitées`` is not one: a determiner comes between).
PASSE_COMPOSE_FR = re.compile(
    rf"(?<!\w){FRENCH_AUXILIARY}"
    r"(?:\s+(?:pas|plus|jamais|rien|guère|déjà|bien|mal|tout|toujours|encore|également|aussi|enfin|ensuite|alors"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|\w+ment)){0,3}\s+"
    r"\w+(?:ée?s?|ie?s?|ite?s?|ue?s?|erte?s?|orte?s?|einte?s?|ainte?s?|aite?s?)(?!\w)", re.IGNORECASE)
# have/has, a negation, up to two adverbs, then the word that may be a past participle.
PERFECT = re.compile(r"(?<!\w)(?P<aux>[Hh]as|[Hh]ave)(?P<neg> not)?(?P<adverbs>(?: (?:[a-z]+ly|also|then|again|even|"
                     r"often|first|later|once)){0,2}) (?P<participle>[a-z]+)(?!['’\w-])")
# After these, "have" is an infinitive (would have been, to have ended, will have hired).
NOT_A_TENSE_AFTER = frozenset({"would", "could", "should", "might", "must", "may", "can", "will", "shall", "to",
                               "not", "i'd", "i’d", "'ll", "’ll"})


@functools.cache
def past_forms(participle: str) -> tuple[str, str] | None:
    """The verb's lemma and simple past when ``participle`` is an English past participle
    (lemminflect's lexicon of English inflections), else None.

    >>> past_forms("fallen"), past_forms("announced"), past_forms("agreement")
    (('fall', 'fell'), ('announce', 'announced'), None)
    """
    from lemminflect import getAllLemmas, getInflection

    lemmas = getAllLemmas(participle)
    for lemma in lemmas.get("VERB", ()) + lemmas.get("AUX", ()):
        if participle in getInflection(lemma, "VBN") and (past := getInflection(lemma, "VBD")):
            return lemma, past[0]
    return None


def simple_past(english: str, source: str) -> list[Edit]:
    """The French passé composé, which a rule-based engine renders word for word as the
    English present perfect (``a annoncé mardi`` -> ``has announced Tuesday``), becomes the
    simple past that English narrates in, unless the sentence says the time reaches up to
    now (``already``, ``since``, ``for months``, ``always``, ``this year``...), or the
    French does (``depuis``, ``déjà``, ``toujours``, ``encore``...), which the engine may have
    lost. Only where the French has a passé composé ("has" may also be a verb of
    possession), never in a question (``Have you seen...?``) nor after a modal or "to"
    (``would have been``).

    >>> apply("The minister has not wished to comment; the talks have failed.", "", rows=[])
    'The minister did not wish to comment; the talks failed.'
    >>> apply("Prices have risen since January.", "", rows=[])
    'Prices have risen since January.'
    >>> apply("The fishermen have not gone out from Monday.", "Les pêcheurs ne sont pas sortis depuis lundi.", rows=[])
    'The fishermen have not gone out from Monday.'
    >>> apply("The company has limited resources.", "L’entreprise a des ressources limitées.", rows=[])
    'The company has limited resources.'
    >>> apply("Two suspects have been arrested, the mayor has been threatened and I have been told.", "", rows=[])
    'Two suspects were arrested, the mayor was threatened and I was told.'
    >>> apply("He has said it would have been adopted and claims to have ended it.", "", rows=[])
    'He said it would have been adopted and claims to have ended it.'
    """
    if english.rstrip(" ”\"»").endswith("?") or PRESENT_PERFECT.search(english) or PRESENT_PERFECT_FR.search(source):
        return []
    if source and not PASSE_COMPOSE_FR.search(source):
        return []  # "has limited resources" is a verb of possession, not a tense
    edits = []
    for m in PERFECT.finditer(english):
        before = english[: m.start()].split()[-1:]
        forms = past_forms(m["participle"])
        if forms is None or (before and before[0].lower() in NOT_A_TENSE_AFTER):
            continue
        lemma, past = forms
        if lemma == "be":
            singular = m["aux"].lower() == "has" or before == ["I"]
            verb = ("was" if singular else "were") + (m["neg"] or "")
        elif m["neg"]:
            verb = f"did not{m['adverbs']} {lemma}"
        else:
            verb = f"{m['adverbs'].strip()} {past}".strip()
        if m["aux"][0].isupper():
            verb = capitalise(verb)
        tail = m["adverbs"] if lemma == "be" else ""
        edits.append(Edit(m.start(), m.end(), verb + tail, "simple_past"))
    return edits


# French "aller" in the present, then (after clitics or a negation) an infinitive: the near
# future; after a word (its subject), not at the head of a clause, where "allez voir",
# "va chercher" give an order.
NEAR_FUTURE_FR = re.compile(r"(?<=\w\s)(?:vais|vas|va|allons|allez|vont)"
                            r"(?:\s+(?:ne|pas|plus|jamais|se|s[’']|me|m[’']|te|t[’']|nous|vous|le|la|les|l[’']|lui|"
                            r"leur|y|en))*\s+\w+(?:er|ir|re|oir)(?!\w)", re.IGNORECASE)
GOES_TO = re.compile(r"(?<!\w)(?P<verb>goes|go|does not go|do not go|is going|are going|am going) to "
                     r"(?P<next>[a-z]+)(?!\w)")


@functools.cache
def is_verb_base(word: str) -> bool:
    """Is ``word`` an English verb's base form (lemminflect)? ``plant`` yes, ``the`` no."""
    from lemminflect import getAllLemmas

    return word in getAllLemmas(word).get("VERB", ())


def near_future(english: str, source: str) -> list[Edit]:
    """The French near future (``va planter``), which a rule-based engine renders word for
    word (``goes to plant``), becomes the English future, when the French has that tense,
    before a verb, and no more often than the French has it.

    >>> apply("The city goes to plant trees and does not go to close the park.",
    ...       "La ville va planter des arbres et ne va pas fermer le parc.", rows=[])
    'The city will plant trees and will not close the park.'
    >>> apply("They go to the cinema and she goes to buy bread.", "Ils vont au cinéma et elle va acheter du pain.", rows=[])
    'They go to the cinema and she will buy bread.'
    >>> apply("Please, you go to see the doctor.", "S’il vous plaît, allez voir le médecin.", rows=[])
    'Please, you go to see the doctor.'
    """
    count = len(NEAR_FUTURE_FR.findall(source))
    futures = [m for m in GOES_TO.finditer(english) if is_verb_base(m["next"])][:count]
    return [Edit(m.start(), m.start("next") - 1, "will not" if "not" in m["verb"] else "will", "near_future")
            for m in futures]


# A number grouped by threes (no leading zero: a telephone number is not one), a decimal
# part allowed; identifiers written in groups (SIREN, telephone) are left alone.
GROUPED_NUMBER = re.compile(r"(?<![\d,.])(?<!\d )[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?![\d]|[ \u00a0\u202f]\d)")
IDENTIFIER_BEFORE = re.compile(r"(?:SIRE[NT]|RCS|TVA|n°|no\.?|tél\.?|téléphone|numéro|code)\s*:?\s*$", re.IGNORECASE)


def thousands_separator(english: str, source: str) -> list[Edit]:
    """French groups a number's thousands with a (no-break) space, English with a comma,
    when the French writes that number so (``10 000`` -> ``10,000``; two numbers side by
    side that the French does not group stay apart).

    >>> apply("They planted 10 000 trees and 2 500 000 seeds in 2023 2 times.", "10 000 ; 2 500 000 ; en 2023 2 fois", rows=[])
    'They planted 10,000 trees and 2,500,000 seeds in 2023 2 times.'
    >>> apply("It weighs 1 234,5 tonnes; SIREN 552 100 554; call 02 123 45 67.",
    ...       "Il pèse 1 234,5 tonnes ; SIREN 552 100 554 ; appelez le 02 123 45 67.", rows=[])
    'It weighs 1,234.5 tonnes; SIREN 552 100 554; call 02 123 45 67.'
    """
    grouped = {digit_groups(m.group()) for m in GROUPED_NUMBER.finditer(source)
               if not IDENTIFIER_BEFORE.search(source[: m.start()])}
    return [Edit(*m.span(), ",".join(digit_groups(m.group())), "thousands_separator")
            for m in GROUPED_NUMBER.finditer(english) if digit_groups(m.group()) in grouped]


def digit_groups(number: str) -> tuple[str, ...]:
    """A grouped number's groups, whichever space separates them."""
    return tuple(re.split(r"[ \u00a0\u202f]", number))


GENERAL: list[Callable[[str, str], list[Edit]]] = [english_quotes, english_spacing, decimal_point, thousands_separator,
                                                    doubled_word, stray_capital, possessor, simple_past, near_future,
                                                    sentence_capital]


def row_edits(english: str, row: Row, source: str = "") -> list[Edit]:
    """The editor's row, its replacement capitalised where the match starts a capital; a
    row with a ``french`` pattern only where the French matches it."""
    if row.french and not row.french.search(source):
        return []
    edits = []
    for m in row.pattern.finditer(english):
        replacement = m.expand(row.replacement)
        if m.group()[:1].isupper():
            replacement = capitalise(replacement)
        edits.append(Edit(m.start(), m.end(), replacement, row.rule))
    return edits


# --- applying ------------------------------------------------------------------------


def protected_spans(english: str, hits: list[gl.Hit]) -> list[tuple[int, int]]:
    return [span for hit in hits for span in gl.term_spans(english, hit.entry)]


def apply_rule(english: str, edits: list[Edit], protected: list[tuple[int, int]], where: Provenance,
               changes: list[Change]) -> str:
    """Make one rule's edits (right to left so offsets hold), skipping any that touches a
    protected span or an edit already made, recording each change."""
    done: list[tuple[int, int]] = []
    for edit in sorted(edits, key=lambda e: (-e.start, -e.end)):
        if any(edit.start < end and start < max(edit.end, edit.start + 1) for start, end in protected + done):
            continue
        done.append((edit.start, max(edit.end, edit.start + 1)))
        before = english[edit.start : edit.end]
        if before == edit.replacement:
            continue
        english = english[: edit.start] + edit.replacement + english[edit.end :]
        changes.append(Change(edit.rule, before, edit.replacement, where))
    return english


MAX_PASSES = 4  # a text that still changes after this many is left as the last pass made it


def edit_english(english: str, source: str = "", hits: list[gl.Hit] = (), rows: list[Row] | None = None,
                 where: Provenance = NOWHERE) -> tuple[str, list[Change]]:
    """The post-edited English and the changes made, the editor's rows first, then the
    general rules, each on the result of the one before; again until nothing changes (a
    repair can bring another one's context within reach: ``the the`` made ``the``), at most
    ``MAX_PASSES`` times."""
    rows = load() if rows is None else rows
    changes: list[Change] = []
    steps = [functools.partial(row_edits, row=row, source=source) for row in rows]
    steps += [functools.partial(rule, source=source) for rule in GENERAL]
    for _ in range(MAX_PASSES):
        before = english
        for step in steps:
            english = apply_rule(english, step(english), protected_spans(english, hits), where, changes)
        if english == before:
            break
    return english, changes


def apply(segment_or_text: Segment | str, source: str = "", hits: list[gl.Hit] = (), rows: list[Row] | None = None):
    """Post-edit one segment's English in place (``Segment.en``, its ``en_changes``) and
    return it, or post-edit a plain English text and return the new text.

    >>> apply("OpenAI Has declared that the the deal holds.", "OpenAI a déclaré que l’accord tient.", rows=[])
    'OpenAI declared that the deal holds.'
    >>> apply("In May, Microsoft Office grew 1,5 %.", "En mai, Microsoft Office a progressé de 1,5 %.", rows=[])
    'In May, Microsoft Office grew 1.5%.'
    """
    if isinstance(segment_or_text, str):
        return edit_english(segment_or_text, source, hits, rows)[0]
    segment = segment_or_text
    segment.en, changes = edit_english(segment.en, segment.fr, segment.terms, rows, segment.where)
    segment.en_changes.extend(changes)
    return segment


def postedit(book, rows: list[Row] | None = None):
    """The post-edit stage: every segment the engine or the memory translated (approved
    translations are the editor's own English and stay as they are)."""
    rows = load() if rows is None else rows
    for segment in book.segments:
        if segment.en and segment.origin != "approved":
            apply(segment, rows=rows)
    return book
