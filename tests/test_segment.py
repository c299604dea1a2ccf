"""Segments are whole sentences and spans of the cleaned French (French not from seeds/)."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import clean, repairs, segment
from pipeline.ingest import parse_article
from pipeline.model import Book

from .conftest import ROOT

GOLD = ROOT / "tests" / "data" / "sentences-fr.txt"


def gold_paragraphs() -> list[list[str]]:
    groups, current = [], []
    for line in GOLD.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        if line.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    return groups


GOLD_PARAGRAPHS = gold_paragraphs()
# A sentence ending on a capital letter (sur X.) is read as an initial when a name or an
# adverb follows (sur X. Hier, …): a known limit, so those do not go into random runs.
GOLD_SENTENCES = [s for group in GOLD_PARAGRAPHS for s in group if not re.search(r"(?<!\w)[A-Z]\.$", s)]


def segmented(text, terms):
    article = parse_article(text, ROOT / "essai.txt")
    book = Book("essai", [article])
    clean.clean(book, terms, repairs.load(ROOT / "glossary" / "repairs.tsv"))
    return segment.segment(book)


def test_every_hard_case_is_split_into_its_whole_sentences():
    wrong = [(group, segment.sentences(" ".join(group))) for group in GOLD_PARAGRAPHS
             if segment.sentences(" ".join(group)) != group]
    assert wrong == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(GOLD_SENTENCES), min_size=1, max_size=6),
       st.sampled_from([" ", "  ", "\u00a0"]))
def test_any_run_of_whole_sentences_comes_back_as_those_sentences(sentences, gap):
    assert segment.sentences(gap.join(sentences)) == sentences


def test_the_issue_15_sentences_are_one_segment_each(terms):
    first = ("Les associations de consommateurs saluent une sanction « exemplaire », mais regrettent "
             "que les procédures durent souvent plusieurs années.")
    second = "Du côté des investisseurs, l’action d’Orange a reculé de 1,5 % à la Bourse de Paris après l’annonce."
    book = segmented(f"Titre\n\n{first}\n\n{second}\n", terms)
    paragraphs = [b for b in book.articles[0].blocks if b.kind == "paragraph"]
    assert [len(b.segments) for b in paragraphs] == [1, 1]
    assert [re.sub("[\u00a0\u202f]", " ", b.segments[0].fr) for b in paragraphs] == [first, second]


def test_segments_are_spans_and_the_gaps_are_the_source_whitespace(terms):
    text = ("Titre\n\nLe Pr. Lambert a parlé. Mme Roche (cf. p. 12) a répondu : « Non. Jamais », a-t-elle dit. "
            "Le vote a eu lieu, etc. Puis la séance a été levée.\n")
    book = segmented(text, terms)
    for block in book.articles[0].blocks:
        rebuilt, cursor = "", 0
        for seg in block.segments:
            assert block.clean[seg.start:seg.end] == seg.fr
            gap = block.clean[cursor:seg.start]
            assert gap.strip() == "", gap
            rebuilt += gap + seg.fr
            cursor = seg.end
        assert (rebuilt + block.clean[cursor:]).strip() == block.clean.strip()
    assert [re.sub("[\u00a0\u202f]", " ", s.fr) for s in book.articles[0].blocks[-1].segments] == [
        "Le Pr. Lambert a parlé.", "Mme Roche (cf. p. 12) a répondu : « Non. Jamais », a-t-elle dit.",
        "Le vote a eu lieu, etc.", "Puis la séance a été levée."]


def test_no_segment_of_prose_is_a_fragment(terms):
    text = ("Titre\n\nActuellement, Siemens utilise divers modèles de Mistral pour alimenter ses outils. "
            "Airbus et Boeing, un duo improbable, coopèrent. L’action d’Orange a reculé de 2,5 %.\n")
    book = segmented(text, terms)
    prose = [s.fr for b in book.articles[0].blocks if b.kind == "paragraph" for s in b.segments]
    assert len(prose) == 3 and not any(segment.is_fragment(s) for s in prose)


def test_headings_are_one_segment_without_their_surrounding_space():
    assert segment.block_spans("  Une émancipation attendue ", "heading") == [(2, 27)]
    assert segment.block_spans("   ", "heading") == []
