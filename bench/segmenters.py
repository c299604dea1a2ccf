"""Which sentence segmenter keeps French sentences whole? Measured in one run on
``tests/data/sentences-fr.txt`` (French written for the purpose, gold sentences) and on
the cleaned seeds (no gold: segments of paragraphs that are not whole sentences).

Compared: spaCy's parser (``doc.sents`` of fr_core_news_sm), spaCy's ``senter`` (the same
model with the parser off and the sentence recogniser on), pysbd (rule-based), and the
pipeline's own rules over spaCy tokens (``pipeline.segment.sentence_spans``).

    python bench/segmenters.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/, whose translate.py would shadow the translate-toolkit package

from pipeline import clean, glossary, ingest, nlp, repairs, segment  # noqa: E402
from tests.test_segment import GOLD_PARAGRAPHS  # noqa: E402  (the gold paragraphs, read as the tests read them)


def segmenters():
    import pysbd
    import spacy

    parser = nlp.french()
    senter = spacy.load(nlp.SPACY_MODEL, exclude=["parser"])
    senter.enable_pipe("senter")
    sbd = pysbd.Segmenter(language="fr", clean=False, char_span=True)

    def spans_of(doc):
        return [(s.start_char, s.end_char) for s in doc.sents]

    return {
        "spaCy parser": lambda text: spans_of(parser(text)),
        "spaCy senter": lambda text: spans_of(senter(text)),
        "pysbd": lambda text: [(s.start, s.end) for s in sbd.segment(text)],
        "rules over spaCy tokens": segment.sentence_spans,
    }


def pieces(text: str, spans) -> list[str]:
    return [text[s:e].strip() for s, e in spans if text[s:e].strip()]


def seed_paragraphs() -> list[str]:
    terms = glossary.load(ROOT / "glossary" / "terms.tsv")
    book = ingest.ingest(ROOT / "seeds", "seeds")
    clean.clean(book, terms, repairs.load(ROOT / "glossary" / "repairs.tsv"))
    return [b.clean for a in book.articles for b in a.blocks if b.kind in segment.SPLIT_KINDS and b.clean.strip()]


def main() -> None:
    gold = GOLD_PARAGRAPHS
    seeds = seed_paragraphs()
    n_gold = sum(len(g) for g in gold)
    print(f"test paragraphs: {len(gold)} ({n_gold} sentences); seed paragraphs: {len(seeds)}\n")
    print(f"{'segmenter':<24} {'paragraphs right':>16} {'precision':>9} {'recall':>6} {'fragments':>9} "
          f"{'seed segments':>13} {'seed fragments':>14}")
    for name, split in segmenters().items():
        right = found = true = 0
        fragments = 0
        for sentences in gold:
            text = " ".join(sentences)
            predicted = pieces(text, split(text))
            right += predicted == sentences
            found += len(predicted)
            true += len(set(predicted) & set(sentences))
            fragments += sum(segment.is_fragment(p) for p in predicted)
        seed_pieces = [p for text in seeds for p in pieces(text, split(text))]
        seed_fragments = sum(segment.is_fragment(p) for p in seed_pieces)
        print(f"{name:<24} {right:>9}/{len(gold):<6} {true / found:>9.3f} {true / n_gold:>6.3f} {fragments:>9} "
              f"{len(seed_pieces):>13} {seed_fragments:>14}")


if __name__ == "__main__":
    main()
