"""Cost of translating each segment on its own with Apertium, measured in one run on the
seeds' segments, in the translate stage's batches of 128:

* newline: the former engine, one ``apertium fr-es`` and one ``apertium spa-eng`` process
  per batch, one segment a line (a line break is only a blank to Apertium: its rules
  reorder words across it);
* null-flush: the engine's main route alone (``borrow_from=()``), one NUL-ended chunk per
  segment, each mode's programs started once and kept for every batch;
* null-flush + borrowing: the default engine, where other routes translate the words the
  main route left untranslated;
* null-flush, one call per segment: the default engine given one segment at a time.

Each run of the null-flush schemes starts a new engine, so its time includes starting
Apertium, as a build does once. Prints seconds, segments per second, the ratios to
newline, and how many sampled segments get another English alone than in their batch.

    python bench/apertium_batching.py [--repeat 3] [--batch-size 128] [--sample 20]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import clean, engines, ingest, repairs, segment  # noqa: E402
from pipeline import glossary as gl  # noqa: E402


def seed_segments() -> list[str]:
    terms = gl.load(ROOT / "glossary" / "terms.tsv")
    book = clean.clean(ingest.ingest(ROOT / "seeds"), terms, repairs.load(ROOT / "glossary" / "repairs.tsv"))
    return [s.fr for s in segment.segment(book).segments if s.fr.strip()]


def newline_batch(texts: list[str]) -> list[str]:
    """The former engine: a batch as one text, one segment a line."""
    lines = "\n".join(" ".join(t.split()) for t in texts) + "\n"
    spanish = subprocess.run(["apertium", "fr-es"], input=lines, capture_output=True, text=True, check=True).stdout
    spanish = engines.STREAM_TOKEN.sub(lambda m: m["word"] or m["escaped"] or "", spanish)
    english = subprocess.run(["apertium", "-u", "spa-eng"], input=spanish, capture_output=True, text=True, check=True)
    return english.stdout.rstrip("\n").split("\n")


def in_batches(translate, texts: list[str], size: int) -> list[str]:
    return [en for start in range(0, len(texts), size) for en in translate(texts[start : start + size])]


def with_new_engine(translate_with):
    """A scheme that builds its engine inside the timed run, as a build does."""
    def run(texts: list[str], size: int) -> list[str]:
        engine = translate_with()
        try:
            return in_batches(engine.translate_batch, texts, size)
        finally:
            engine.close()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--sample", type=int, default=20, help="segments checked alone against their batch")
    args = parser.parse_args()
    texts = seed_segments()
    schemes = {
        "newline": lambda t, size: in_batches(newline_batch, t, size),
        "null-flush": with_new_engine(lambda: engines.ApertiumEngine(borrow_from=())),
        "null-flush + borrowing": with_new_engine(engines.ApertiumEngine),
        "null-flush, one call per segment": lambda t, size: with_new_engine(engines.ApertiumEngine)(t, 1),
    }
    times: dict[str, list[float]] = {name: [] for name in schemes}
    outputs: dict[str, list[str]] = {}
    for _ in range(args.repeat):  # interleaved, so that a busier moment of the machine hits every scheme
        for name, run in schemes.items():
            start = time.perf_counter()
            outputs[name] = run(texts, args.batch_size)
            times[name].append(time.perf_counter() - start)
    t = {name: statistics.median(v) for name, v in times.items()}
    print(f"{len(texts)} seed segments ({sum(map(len, texts))} characters), batches of {args.batch_size}, "
          f"median of {args.repeat} runs")
    for name in schemes:
        print(f"  {name:<34} {t[name]:7.2f} s  {len(texts) / t[name]:7.1f} seg/s  {t[name] / t['newline']:5.2f}x newline")
    sample = texts[:: max(1, len(texts) // args.sample)][: args.sample]
    positions = [texts.index(s) for s in sample]
    for name in ("newline", "null-flush + borrowing"):
        alone = [schemes[name]([s], 1)[0] for s in sample]
        changed = sum(a != outputs[name][i] for a, i in zip(alone, positions))
        print(f"  {name}: {changed} of {len(sample)} sampled segments get another English alone than in their batch")


if __name__ == "__main__":
    main()
