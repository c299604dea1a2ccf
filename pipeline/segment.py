"""Stage 3: split paragraphs into whole sentences; every other block is one segment.

A segment is a span of its block's cleaned French (``block.clean[start:end]``); what lies
between two segments is the source's own whitespace, so the French a reader sees is the
cleaned text exactly, never a re-joined string.

Sentences end only at ``.``, ``!``, ``?`` or ``…`` followed by a word that can start a
sentence (a capital, a digit, an opening quote or dash), never inside a quote, before a
comma or a name, nor after an abbreviation. spaCy's tokenizer already keeps the full stop
of the abbreviations it knows on the word (``M.``, ``Mme.``, ``cf.``, ``etc.``, initials,
``O.N.U.``); the few it splits off are listed below. ``bench/segmenters.py`` compares these
rules with spaCy's parser, its ``senter`` and pysbd on French written for the purpose.
"""
from __future__ import annotations

import functools

from . import nlp
from .model import Book, Segment

SPLIT_KINDS = ("paragraph",)
FINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING = frozenset({"»", "”", ")", "]"})  # always close what came before
CLOSING_IF_GLUED = frozenset({'"', "’", "'"})  # close only when written against the punctuation
OPENING = "«“\"‘–—"
# Abbreviations whose full stop spaCy's French tokenizer splits off; a stop after them never
# ends a sentence (titles) or not when a number follows (references: p. 42, art. 5, vol. 3).
TITLES = frozenset({"m", "mm", "mme", "mmes", "mlle", "mlles", "mgr", "dr", "pr", "me", "st", "ste", "cf",
                    "av", "apr", "env", "coll", "resp", "cie"})
BEFORE_NUMBER = frozenset({"p", "pp", "vol", "chap", "art", "fig", "n", "no", "t", "éd", "al", "ch", "sect"})
# Abbreviations spaCy keeps whole that may still end a sentence (``des pommes, etc. Le soir…``).
MAY_END = frozenset({"etc.", "etc…"})


@functools.cache
def stop_words() -> frozenset[str]:
    """spaCy's French function words, imported on first use: importing spaCy's French
    module costs seconds, which a build that finds itself up to date must not pay."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def starts_sentence(token) -> bool:
    first = token.text[:1]
    return first.isupper() or first.isdigit() or first in OPENING


def opens_sentence(token) -> bool:
    """Is ``token`` the first word of a sentence by these rules? (spaCy's parser also
    starts sentences after ``d’`` or before a name, which the segment stage refuses.)"""
    doc = token.doc
    i = token.i - 1
    while i >= 0 and (doc[i].is_space or doc[i].text in OPENING or doc[i].text in "(["):
        i -= 1
    return i < 0 or doc[i].text in FINAL or doc[i].lower_ in MAY_END


def opens_clause(token) -> bool:
    """After a capital letter and a full stop, a French function word (``Les``, ``C’``,
    ``Personne``, ``Puis``), a number or a quote starts a sentence; a surname follows an
    initial instead (``J. K. Rowling``, ``P. Martin``). spaCy's tagger is no help here: it
    calls the word after ``X.`` a proper noun. Known limit: ``sur X. Hier, …`` stays one."""
    return token.lower_.replace("’", "'") in stop_words() or token.text[:1].isdigit() or token.text[:1] in OPENING


def closes_at(tokens, i: int) -> int:
    """Index of the last token of the sentence whose final punctuation is ``tokens[i]``:
    the closing quotes and brackets that follow it belong to it."""
    while i + 1 < len(tokens):
        nxt = tokens[i + 1]
        glued = not tokens[i].whitespace_
        if nxt.text in CLOSING or (nxt.text in CLOSING_IF_GLUED and glued):
            i += 1
        else:
            break
    return i


def ends_sentence(tokens, i: int, nxt) -> bool:
    """Does the sentence end with ``tokens[i]``, given the next word ``nxt``?"""
    token = tokens[i]
    if token.lower_ in MAY_END:
        return starts_sentence(nxt)
    if len(token.text) == 2 and token.text[0].isupper() and token.text[1] == ".":  # spaCy keeps an initial's stop
        return starts_sentence(nxt) and opens_clause(nxt)
    if token.text not in FINAL or not starts_sentence(nxt):
        return False
    if token.text != "." or i == 0 or tokens[i - 1].whitespace_:
        return True
    before = tokens[i - 1].text
    if len(before) == 1 and before.isupper():  # an initial (J. K. Rowling), unless a sentence starts (sur X. Les…)
        return opens_clause(nxt)
    if before.lower() in TITLES:
        return False
    return not (before.lower() in BEFORE_NUMBER and nxt.text[:1].isdigit())


def quoted(tokens) -> set[int]:
    """Indexes of the tokens inside a closed quotation (« … » or “ … ”): a quotation of
    several sentences stays in the sentence that quotes it. An unclosed quote (damaged
    text) quotes nothing."""
    inside: set[int] = set()
    for opening, closing in (("«", "»"), ("“", "”")):
        stack = []
        for i, token in enumerate(tokens):
            if token.text == opening:
                stack.append(i)
            elif token.text == closing and stack:
                inside.update(range(stack.pop() + 1, i))
    return inside


def sentence_spans(text: str, doc=None) -> list[tuple[int, int]]:
    """Character spans of the whole sentences of ``text``.

    >>> text = "M. Dupont a cité Renault, Peugeot, etc. qui recrutent. Le Dr Martin (cf. p. 4) approuve."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['M. Dupont a cité Renault, Peugeot, etc. qui recrutent.', 'Le Dr Martin (cf. p. 4) approuve.']
    """
    doc = doc if doc is not None else nlp.parse(text)
    tokens = [t for t in doc if not t.is_space]
    in_quote = quoted(tokens)
    spans, start, i = [], None, 0
    while i < len(tokens):
        if start is None:
            start = tokens[i].idx
        last = closes_at(tokens, i)
        if last + 1 < len(tokens) and last not in in_quote and ends_sentence(tokens, i, tokens[last + 1]):
            spans.append((start, tokens[last].idx + len(tokens[last])))
            start, i = None, last + 1
        else:
            i += 1
    if start is not None:
        spans.append((start, tokens[-1].idx + len(tokens[-1])))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph.

    >>> sentences("OpenAI a accès à Azure. Cela ouvre la voie à l’IA.")
    ['OpenAI a accès à Azure.', 'Cela ouvre la voie à l’IA.']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def block_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """The segments of one block: sentences of a paragraph, or the whole block."""
    if kind in SPLIT_KINDS:
        return sentence_spans(text)
    stripped = text.strip()
    if not stripped:
        return []
    start = text.index(stripped)
    return [(start, start + len(stripped))]


def segment(book: Book) -> Book:
    """Give every block its segments, spans of its cleaned French, with ids stable for a
    given book layout."""
    for article in book.articles:
        for b_index, block in enumerate(article.blocks, start=1):
            block.segments = [
                Segment(id=f"a{article.number}-b{b_index}-s{s_index}", fr=block.clean[start:end], where=block.where,
                        start=start, end=end)
                for s_index, (start, end) in enumerate(block_spans(block.clean, block.kind), start=1)
            ]
    return book


def is_fragment(sentence: str) -> bool:
    """A piece of a sentence rather than a whole one: it starts with a lower-case letter or
    punctuation that continues a sentence, or it ends without final punctuation (a
    paragraph's last words may, a heading always does: only sentences of prose are judged).

    >>> is_fragment("divers modèles d’OpenAI"), is_fragment(", un duo improbable."), is_fragment("« Oui ! » dit-il.")
    (True, True, False)
    """
    text = sentence.strip()
    if not text or text[0] in ",;:.)]»”" or text[0].islower():
        return True
    return text.rstrip("»”\"’)] \u00a0\u202f")[-1:] not in ".!?…"
