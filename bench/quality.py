"""English quality of Apertium's French->English routes and of ways to combine them, on
reference sets written for this project (tests/data/*_fr_en.tsv, not from the seeds):
chrF and BLEU (sacrebleu, corpus level), and words a reader would not take for English.
Every Δ is against raw fr-es|spa-eng, the first default.

Systems:

* each raw route (fr-es|spa-eng, fra-cat|cat-spa|spa-eng, fra-cat|cat-eng, fr-eo|eo-en),
  as the engine runs it;
* borrow: a main route, each word it leaves untranslated taken from another route that
  translates it (``ApertiumEngine(route, borrow_from=...)``);
* choice by a score, per segment, among the raw routes (the default first on ties): fewest
  untranslated words (Apertium's marks), or fewest words outside the English word lists
  plus names lost;
* consensus: per segment, among the four routes each borrowing from the others, the
  English closest (summed sentence chrF) to the others' (minimum Bayes risk): what the
  engine does (``ApertiumEngine(consensus=True)``);
* oracle: per segment, the raw route with the best sentence chrF against the reference (an
  upper bound no real choice reaches);
* with --pipeline: the whole pipeline (``pipeline.build``) on the same sentences.

Quotes are scored as plain ASCII quotes (“ ” « » ’ -> " '), so that the typography of the
English is not what is measured. `tests/data/reference_fr_en.tsv` was used while the
combinations and post-edit rules were designed; `tests/data/heldout_fr_en.tsv` was read
less, and `tests/data/fresh_fr_en.tsv` (written by someone who never saw the engine's
English) only measured: adopt a combination only when it helps on every set.

    python bench/quality.py [--pipeline] [--seeds]
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sacrebleu
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its translate.py would hide translate-toolkit from the pipeline

from pipeline import engines  # noqa: E402

SETS = {"reference": ROOT / "tests" / "data" / "reference_fr_en.tsv",
        "held-out": ROOT / "tests" / "data" / "heldout_fr_en.tsv",
        "fresh": ROOT / "tests" / "data" / "fresh_fr_en.tsv"}
ROUTES = (engines.FALLBACK_ROUTE, engines.DEFAULT_ROUTE, "fra-cat|cat-eng", "fr-eo|eo-en")
WORDLISTS = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
PLAIN_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "’": "'", "‘": "'"})


def load_pairs(path: Path) -> tuple[list[str], list[str]]:
    """French and English columns of a reference TSV (``#`` comments, one header line)."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")][1:]
    return [r[0] for r in rows], [r[1] for r in rows]


def plain(text: str) -> str:
    """Quotes as ASCII, no space inside them (French « x » and English “x” alike)."""
    text = re.sub(r'"\s+([^"]*?)\s+"', r'"\1"', text.translate(PLAIN_QUOTES))
    return " ".join(text.split())


def corpus_scores(hypotheses: list[str], references: list[str]) -> tuple[float, float]:
    hyps, refs = [plain(h) for h in hypotheses], [[plain(r) for r in references]]
    return sacrebleu.corpus_chrf(hyps, refs).score, sacrebleu.corpus_bleu(hyps, refs).score


class EnglishWords:
    """Debian's English word lists, case-insensitive."""

    def __init__(self) -> None:
        self.words = {w.strip().lower() for path in WORDLISTS for w in path.read_text(encoding="utf-8").splitlines()}

    def known(self, word: str) -> bool:
        return word.lower() in self.words or all(p.lower() in self.words for p in re.split(r"['’-]", word) if p)

    def foreign(self, french: str, english: str) -> list[str]:
        """Words of the English outside the word lists, except capitalised words of the
        French (names, copied on purpose)."""
        names = {part for w in WORD.findall(french) for part in re.split(r"['’]", w) if part[:1].isupper()}
        return [w for w in WORD.findall(english) if not self.known(w) and not set(re.split(r"['’]", w)) & names]


def names(french: str) -> list[str]:
    """Capitalised words inside the sentence (its first word left out): names, mostly."""
    words = WORD.findall(french)
    return [w for w in words[1:] if w[:1].isupper()]


def names_lost(french: str, english: str) -> int:
    return sum(1 for name in names(french) if name.lower() not in english.lower())


@dataclass
class System:
    name: str
    english: list[str]
    route_per_segment: list[str] | None = None


def choose(name: str, french: list[str], outputs: dict[str, list[engines.Translation]], cost) -> System:
    """Per segment, the route whose output has the lowest ``cost(french, translation)``."""
    chosen = [min(outputs, key=lambda r: (cost(fr, outputs[r][i]), list(outputs).index(r)))
              for i, fr in enumerate(french)]
    return System(name, [outputs[r][i].en for i, r in enumerate(chosen)], chosen)


def oracle(french: list[str], references: list[str], outputs: dict[str, list[engines.Translation]]) -> System:
    def sentence_chrf(route: str, i: int) -> float:
        return sacrebleu.sentence_chrf(plain(outputs[route][i].en), [plain(references[i])]).score

    chosen = [max(outputs, key=lambda r: (sentence_chrf(r, i), -list(outputs).index(r))) for i in range(len(french))]
    return System("oracle (best route per sentence, by its chrF)", [outputs[r][i].en for i, r in enumerate(chosen)],
                  chosen)


def consensus(name: str, outputs: dict[str, list[engines.Translation]]) -> System:
    """Per segment, the English closest to the other routes' (``engines.agreed``, what the
    engine keeps), the default route first on ties."""
    chosen = [engines.agreed(list(options)) for options in zip(*outputs.values())]
    return System(name, [t.en for t in chosen], [t.route for t in chosen])


def systems(french: list[str], references: list[str], words: EnglishWords) -> list[System]:
    raw = {route: engines.ApertiumEngine(route, borrow_from=()).translate_detailed(french) for route in ROUTES}
    cognates = engines.load_cognates()
    borrowing = {route: engines.ApertiumEngine(route, borrow_from=tuple(r for r in ROUTES if r != route),
                                               cognates=cognates).translate_detailed(french)
                 for route in ROUTES[:2]}
    every_route_borrowing = {ROUTES[1]: borrowing[ROUTES[1]], ROUTES[0]: borrowing[ROUTES[0]], **{
        route: engines.ApertiumEngine(route, borrow_from=tuple(r for r in ROUTES if r != route),
                                      cognates=cognates).translate_detailed(french) for route in ROUTES[2:]}}
    by_default = {ROUTES[1]: raw[ROUTES[1]], **{r: raw[r] for r in ROUTES if r != ROUTES[1]}}

    def untranslated(fr: str, t: engines.Translation) -> int:
        return len(t.unknown)

    def foreign_and_names(fr: str, t: engines.Translation) -> int:
        return len(words.foreign(fr, t.en)) + names_lost(fr, t.en)

    return [
        *(System(f"raw {route}", [t.en for t in out]) for route, out in raw.items()),
        *(System(f"{route}, borrowing, cognates", [t.en for t in out]) for route, out in borrowing.items()),
        choose("choice: fewest untranslated words", french, by_default, untranslated),
        choose("choice: fewest foreign words + names lost", french, by_default, foreign_and_names),
        consensus("consensus of the 4 routes, each borrowing (engine)", every_route_borrowing),
        oracle(french, references, raw),
    ]


def pipeline_english(french: list[str], engine: str = "apertium") -> list[str]:
    """The published English of each French sentence, through the whole pipeline:
    ``pipeline.build`` on a seeds folder holding one article whose paragraphs are the
    sentences (after a title), read back from the HTML page's English cells."""
    from pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        seeds, out = Path(tmp) / "seeds", Path(tmp) / "out"
        seeds.mkdir()
        (seeds / "reference.txt").write_text("Corpus de référence\n\n" + "\n\n".join(french) + "\n", encoding="utf-8")
        build.build(build.Options(seeds=seeds, out=out, engine=engine, approved=Path(tmp) / "none.tmx", force=True))
        page = lxml_html.parse(str(out / "html" / "reference.html"))
    rows = "//div[contains(concat(' ', @class, ' '), ' row ')]/div[@lang='en']"  # the title's row too
    english = [" ".join(cell.text_content().split()) for cell in page.xpath(rows)]
    paragraphs = english[-len(french):]
    if len(english) != len(french) + 1:
        raise SystemExit(f"the pipeline made {len(english)} blocks of {len(french)} sentences and a title: "
                         "it merged or split paragraphs; pipeline_english cannot pair them")
    return paragraphs


def seed_foreign_words(words: EnglishWords) -> None:
    """Words outside the English word lists in the seeds' English, per system (no
    references needed): what a reader of the book would stumble on."""
    from bench.apertium_batching import seed_segments

    french = seed_segments()
    print(f"\nseeds: {len(french)} segments; words outside the English word lists (names of the French excepted)")
    for name, engine in (("raw fr-es|spa-eng", engines.ApertiumEngine(ROUTES[0], borrow_from=())),
                         ("the engine", engines.ApertiumEngine(cognates=engines.load_cognates(), consensus=True))):
        found = [w for fr, t in zip(french, engine.translate_detailed(french)) for w in words.foreign(fr, t.en)]
        print(f"  {name:<34} {len(found):4d}  e.g. {', '.join(sorted(set(found))[:12])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", action="store_true", help="also run the whole pipeline (pipeline.build)")
    parser.add_argument("--seeds", action="store_true", help="also count foreign words in the seeds' English")
    args = parser.parse_args()
    words = EnglishWords()
    for set_name, path in SETS.items():
        french, references = load_pairs(path)
        results = systems(french, references, words)
        if args.pipeline:
            results.append(System("pipeline (pipeline.build, apertium)", pipeline_english(french)))
        base = corpus_scores(results[0].english, references)[0]
        print(f"\n{set_name} set: {len(french)} sentences ({path.relative_to(ROOT)})")
        print(f"  {'system':<52} {'chrF':>6} {'Δ chrF':>7} {'BLEU':>6} {'foreign':>8} {'names lost':>10} {'switched':>8}")
        for system in results:
            chrf, bleu = corpus_scores(system.english, references)
            foreign = sum(len(words.foreign(f, e)) for f, e in zip(french, system.english))
            lost = sum(names_lost(f, e) for f, e in zip(french, system.english))
            switched = (str(sum(r != ROUTES[1] for r in system.route_per_segment))
                        if system.route_per_segment else "")
            print(f"  {system.name:<52} {chrf:6.1f} {chrf - base:+7.1f} {bleu:6.1f} {foreign:8d} {lost:10d} {switched:>8}")
    if args.seeds:
        seed_foreign_words(words)


if __name__ == "__main__":
    main()
