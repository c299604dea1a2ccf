"""Cost of translating each segment on its own with Apertium, measured in one run on the
seeds' segments (what the translate stage sends, in batches of 128):

* newline: the former batching, one ``apertium fr-es`` and one ``apertium spa-eng`` per
  batch, one segment a line (a line break is only a blank to Apertium: its rules reorder
  words across it);
* null-flush: the engine's main route, one process per mode per batch, one NUL-ended
  chunk per segment (``apertium -z``);
* null-flush + borrowing: the default engine, where the other routes translate the words
  the main route left untranslated (a few more processes per batch, on single words);
* one call per segment: the same engine called with one segment at a time (on a sample:
  it is slow), what per-segment isolation costs without null-flush.

Prints seconds, segments per second, null-flush / newline, and how many segments of the
sample get a different English in a batch than alone under each scheme.

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


def timed(run) -> tuple[float, list[str]]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def context_dependent(translate, texts: list[str], batched: list[str]) -> int:
    """How many of ``texts`` get another English alone than in their batch."""
    return sum(translate([t])[0] != en for t, en in zip(texts, batched))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--sample", type=int, default=20, help="segments translated one call each")
    args = parser.parse_args()
    texts = seed_segments()
    engine = engines.ApertiumEngine(borrow_from=())
    lending = engines.ApertiumEngine()
    schemes = {"newline": newline_batch, "null-flush": engine.translate_batch,
               "null-flush + borrowing": lending.translate_batch}
    times: dict[str, list[float]] = {name: [] for name in schemes}
    outputs: dict[str, list[str]] = {}
    for _ in range(args.repeat):  # interleaved, so that a busier moment of the machine hits both
        for name, translate in schemes.items():
            seconds, outputs[name] = timed(lambda: in_batches(translate, texts, args.batch_size))
            times[name].append(seconds)
    sample = texts[:: max(1, len(texts) // args.sample)][: args.sample]
    one_each, _ = timed(lambda: [engine.translate_batch([t]) for t in sample])
    t = {name: statistics.median(v) for name, v in times.items()}
    chars = sum(map(len, texts))
    print(f"{len(texts)} seed segments ({chars} characters), batches of {args.batch_size}, median of {args.repeat}, "
          f"route {engine.route}")
    for name in schemes:
        print(f"  {name:<24} {t[name]:7.2f} s  {len(texts) / t[name]:7.1f} seg/s")
    per_segment = one_each / len(sample)
    print(f"  {'one call per segment':<24} {per_segment * len(texts):7.2f} s  {1 / per_segment:7.1f} seg/s "
          f"(extrapolated from {len(sample)} segments)")
    print(f"  null-flush / newline time: {t['null-flush'] / t['newline']:.2f}x")
    print(f"  null-flush + borrowing / newline time: {t['null-flush + borrowing'] / t['newline']:.2f}x")
    print(f"  one call per segment / null-flush time: {per_segment * len(texts) / t['null-flush']:.1f}x")
    positions = [texts.index(s) for s in sample]
    for name, translate in schemes.items():
        changed = context_dependent(translate, sample, [outputs[name][i] for i in positions])
        print(f"  {name}: {changed} of {len(sample)} sampled segments get another English alone than in their batch")


if __name__ == "__main__":
    main()
