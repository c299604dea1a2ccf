"""Names the glossary does not list: found in the French, protected like glossary names.

A person, organisation, product or place reaches the English unchanged by default. A
name is, in a segment's spaCy analysis:

- an acronym (``SEC``, ``BCE``, ``GPT-4``): two or more capitals, no lower-case letter;
- a capitalised word that is not a French dictionary word (``Meta``, ``Suleyman``,
  ``Bruxelles``), or written with inner capitals (``OpenAI``, ``iPhone``);
- a person spaCy recognises (``Jean Rose``: every word capitalised), and a single
  capitalised word spaCy calls an organisation (``Orange``, ``Total``): a dictionary word
  inside a longer entity (``Commission européenne``, ``Bourse de Paris``) is left to the
  engine, which knows its English.

Places and common acronyms that English names its own way (``Londres``, ``États-Unis``,
``ONU``, ``BCE``: Apertium's French analyser tags them ``<np><loc>``, ``<np><top>`` or
``<n><acr>``, as the QA stage reads them) are left to the engine, which gives their English
form. Adjacent name words make one name (``Mustafa Suleyman``), with a capitalised
article or particle inside the sentence before them (``Yannick Le Goff``, ``La
Turballe``, whose ``Le`` and ``La`` an engine would translate). The glossary wins: a
glossary hit (``Bruxelles`` -> ``Brussels`` as a term) is never also an automatic name, and
a capitalised word of kind ``common`` (``État``) is left to the engine.
"""
from __future__ import annotations

import functools
import re

from . import glossary as gl
from . import nlp
from .segment import opens_sentence

AUTO_NOTE = "name found in the text (not in the glossary)"
ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z0-9]")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


def is_acronym(word: str) -> bool:
    return bool(ACRONYM.fullmatch(word)) and sum(c.isupper() for c in word) >= 2


def is_capitalised(word: str) -> bool:
    return word[:1].isupper() and any(c.islower() for c in word)


def is_dictionary_word(word: str) -> bool:
    return nlp.is_common_word(word.translate(APOSTROPHES))


@functools.cache
def lexicon():
    """The QA stage's lexicon, with only the French analysers (all this module asks)."""
    from .qa import ANALYSERS, Lexicon

    return Lexicon(wordlists={"English": ()}, analysers={"French": ANALYSERS["French"]})


def prime(texts) -> None:
    """Analyse the capitalised words of ``texts`` in one analyser run, so that finding the
    names of each segment afterwards starts no process (a run costs ~0.15 s)."""
    lexicon().prime({w for text in texts for w in re.findall(r"\b[A-ZÀ-Ý][\w-]+", text)})


def analysed(words: set[str]) -> dict[str, list[str]]:
    """Apertium's French analyses of ``words`` (one analyser run for them all)."""
    lexicon().prime(words)
    return {w: lexicon().analyses(w, "French") for w in words}


def is_place(analyses: list[str]) -> bool:
    return any("<np><loc>" in a or "<np><top>" in a for a in analyses)


def is_common_acronym(analyses: list[str]) -> bool:
    return any("<n><acr>" in a for a in analyses)


def name_words(doc, shouting: bool) -> set[int]:
    """Indexes (in ``doc``) of the tokens that are names or parts of names."""
    by_form, persons, organisations = set(), set(), set()
    for token in doc:
        word = token.text
        if len(word) < 2 or word.endswith(("’", "'")):
            continue
        if (is_acronym(word) and not shouting) or (
                is_capitalised(word) and (not is_dictionary_word(word) or any(c.isupper() for c in word[1:]))):
            by_form.add(token.i)
    for ent in doc.ents:
        words = [t for t in ent if not t.is_punct]
        if ent.label_ == "PER" and is_person(words):
            persons.update(t.i for t in ent)
        elif ent.label_ == "ORG" and len(words) == 1 and is_capitalised(words[0].text) and not opens_sentence(words[0]):
            organisations.add(words[0].i)
    text_of = {t.i: t.text for t in doc}
    analyses = analysed({text_of[i] for i in (by_form | organisations) - persons})

    def kept(i: int) -> bool:
        if i in persons:
            return True
        if is_common_acronym(analyses[text_of[i]]):
            return False
        return i in organisations or not is_place(analyses[text_of[i]])  # spaCy's organisation in context wins

    found = {i for i in by_form | organisations | persons if kept(i)}
    return found | {t.i for t in doc if t.i + 1 in found and is_name_particle(t)}


# Articles and particles that are part of a name when capitalised inside a sentence.
NAME_PARTICLES = frozenset({"Le", "La", "Les", "De", "Du", "Des", "Van", "Von", "Di", "Da", "Del", "Della"})


def is_name_particle(token) -> bool:
    """``Le`` of ``Yannick Le Goff`` or ``La`` of ``La Turballe``: an article or particle
    written with its capital inside a sentence, before a name word, is part of that name
    (at a sentence start, ``La SNCF``, the capital is the sentence's)."""
    return token.text in NAME_PARTICLES and not opens_sentence(token)


def is_person(words) -> bool:
    """A person's name as spaCy tags it: capitalised first and last words, lower-case
    particles between (``Charles de Gaulle``); one dictionary word at a sentence start is
    more likely a common word spaCy mistook."""
    if not words or not (is_capitalised(words[0].text) and is_capitalised(words[-1].text)):
        return False
    if len(words) == 1 and opens_sentence(words[0]):
        return False
    return all(is_capitalised(t.text) or t.is_lower for t in words)


def runs(doc, indexes: set[int]) -> list[tuple[int, int]]:
    """Adjacent name tokens joined into one name: (first index, last index) of each run.
    Words join across a space, a hyphen, or a lower-case particle inside a person's name
    (``Charles de Gaulle``) that the indexes already hold."""
    spans: list[list[int]] = []
    for i in sorted(indexes):
        if spans and spans[-1][1] == i - 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return [(a, b) for a, b in spans]


def find_names(text: str, glossary: gl.Glossary, doc=None, hits: list[gl.Hit] | None = None) -> list[gl.Hit]:
    """Names in ``text`` that no glossary hit covers, as hits of synthetic ``name``
    entries, in text order. ``doc`` is the analysis of ``text`` or a span of a larger one
    covering exactly ``text`` (as for ``glossary.find``); ``hits`` are its glossary hits
    (found here when not given).

    >>> from pathlib import Path
    >>> g = gl.Glossary(Path("-"), [gl.Entry("Bruxelles", "Brussels", "term")])
    >>> [h.text for h in find_names("La SEC et Mustafa Suleyman ont vu Meta à Bruxelles puis à Londres.", g)]
    ['SEC', 'Mustafa Suleyman', 'Meta']
    """
    doc = doc if doc is not None else nlp.parse(text)
    hits = gl.find(text, glossary, doc) if hits is None else hits
    base = getattr(doc, "start_char", 0)
    offset = getattr(doc, "start", 0)  # token indexes of a Span count from its Doc
    tokens = list(doc)
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and all(c.isupper() for c in letters)  # an all-capitals line: every word looks like an acronym
    common = {e.fr for e in glossary.commons}

    def covered(i: int) -> bool:
        token = tokens[i - offset]
        start = token.idx - base
        return token.text in common or any(h.start < start + len(token) and start < h.end for h in hits)

    found = []
    for first, last in runs(doc, {i for i in name_words(doc, shouting) if not covered(i)}):
        start, end = tokens[first - offset].idx - base, tokens[last - offset].idx + len(tokens[last - offset]) - base
        name = text[start:end]
        found.append(gl.Hit(gl.Entry(name, name, "name", note=AUTO_NOTE), start, end, name))
    return found


def with_names(text: str, glossary: gl.Glossary, doc=None, hits: list[gl.Hit] | None = None) -> list[gl.Hit]:
    """The glossary hits of ``text`` and the names it does not list, in text order: what
    the translate stage protects.

    >>> from pathlib import Path
    >>> g = gl.Glossary(Path("-"), [gl.Entry("PDG", "CEO", "term")])
    >>> [(h.text, h.entry.en) for h in with_names("Le PDG de Nvidia parle.", g)]
    [('PDG', 'CEO'), ('Nvidia', 'Nvidia')]
    """
    hits = gl.find(text, glossary, doc) if hits is None else hits
    return sorted(hits + find_names(text, glossary, doc, hits), key=lambda h: h.start)
