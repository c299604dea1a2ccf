"""Cost of ``bilingue clean`` as the input grows, measured in one run.

Builds synthetic French articles of the sizes asked (distinct sentences spliced from
the seeds' own raw sentences, shuffled into paragraphs, so no paragraph is a copy),
plus one article that is a single very long line, runs ``bilingue clean`` on each under
``/usr/bin/time -v`` and prints seconds, peak memory, and the growth exponent of time
and memory between consecutive sizes (1.0 is linear).

    python bench/clean.py [--sizes 100000 1000000 5000000] [--long-line 200000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import math
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[«A-ZÀÂÉÈÊÎÔÙÛÇ])")


def seed_sentences() -> list[list[str]]:
    """The seeds' raw sentences (from lines long enough to be paragraphs), as word lists."""
    sentences = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line) > 60:
                sentences += [s.split() for s in SENTENCE_END.split(line.strip()) if len(s.split()) >= 6]
    return sentences


def spliced(sentences: list[list[str]], rng: random.Random, seen: set[str]) -> str:
    """A new sentence: the start of one seed sentence joined to the end of another."""
    while True:
        head, tail = rng.choice(sentences), rng.choice(sentences)
        cut_head = rng.randint(2, max(2, len(head) // 2 + 1))
        cut_tail = rng.randint(len(tail) // 2, len(tail) - 2)
        sentence = " ".join(head[:cut_head] + tail[cut_tail:])
        if sentence not in seen:
            seen.add(sentence)
            return sentence


def synthetic_article(size: int, rng: random.Random, one_line: bool = False) -> str:
    """About ``size`` bytes of French: a title, then paragraphs of 3 to 8 sentences with a
    heading every 10 paragraphs (or everything on one line)."""
    sentences, seen = seed_sentences(), set()
    lines, total = ["Un article de synthèse sur l’intelligence artificielle"], 0
    while total < size:
        if not one_line and len(lines) % 11 == 0:
            lines.append(f"Partie {len(lines) // 11}")
        paragraph = " ".join(spliced(sentences, rng, seen) for _ in range(rng.randint(3, 8)))
        lines.append(paragraph)
        total += len(paragraph.encode()) + 1
    if one_line:
        lines = [lines[0], " ".join(lines[1:])]
    return "\n".join(lines) + "\n"


def measure(path: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of ``bilingue clean PATH``."""
    command = ["/usr/bin/time", "-v", str(Path(sys.executable).parent / "bilingue"), "clean", str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bilingue clean {path} failed:\n{done.stderr[-2000:]}")
    stats = dict(line.strip().rsplit(": ", 1) for line in done.stderr.splitlines() if ": " in line)
    wall = stats["Elapsed (wall clock) time (h:mm:ss or m:ss)"]
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    return seconds, int(stats["Maximum resident set size (kbytes)"]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--long-line", type=int, default=200_000, help="size of the one-line article (0: none)")
    parser.add_argument("--keep", type=Path, help="write the synthetic articles here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-clean-"))
    folder.mkdir(parents=True, exist_ok=True)
    cases = [(f"{size} bytes", size, False) for size in args.sizes]
    if args.long_line:
        cases.append((f"{args.long_line} bytes, one line", args.long_line, True))
    print(f"{'input':>24} {'seconds':>9} {'peak MiB':>9} {'time exp':>9} {'mem exp':>8}")
    previous = None
    for label, size, one_line in cases:
        path = folder / f"synthetic-{size}{'-line' if one_line else ''}.txt"
        path.write_text(synthetic_article(size, random.Random(size), one_line), encoding="utf-8")
        seconds, mib = measure(path)
        growth = ""
        if previous and not one_line:
            ratio = math.log(size / previous[0])
            growth = f"{math.log(seconds / previous[1]) / ratio:9.2f} {math.log(mib / previous[2]) / ratio:8.2f}"
        print(f"{label:>24} {seconds:9.1f} {mib:9.0f} {growth}", flush=True)
        if not one_line:
            previous = (size, seconds, mib)


if __name__ == "__main__":
    main()
