"""How the build's cost grows with the size of the corpus, measured in one run.

Builds synthetic corpora of 1x, 10x and 100x the size of seeds/ plus one single article of
5 MB, each with the ``bilingue build`` command itself in a fresh output folder, and prints
the seconds of each stage (``report.json``), the wall time and the peak memory (max RSS of
the build process) for each, then the growth exponent between consecutive sizes:
log(t2 / t1) / log(size2 / size1), 1.0 being linear.

The French is the seeds' own, recombined so that no sentence repeats (a repeat would be
served by the translation memory and hide the cost): each sentence is the head of one
seed sentence joined to the tail of another, paragraphs are 2 to 6 of them, and each
article gets a title spliced the same way from the seeds' headings.

    python bench/scale.py [--scales 1 10 100] [--big-mb 5] [--engine apertium] [--timeout 1800] [--repeat 1]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý«“])")
STAGE_LOG = re.compile(r"^bilingue: (\w+)…$")


def seed_material(seeds: Path) -> tuple[list[str], list[str], int]:
    """The seeds' sentences, their heading lines, and their total size in characters."""
    sentences, headings, size = [], [], 0
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        size += len(text)
        for line in filter(None, (line.strip() for line in text.splitlines())):
            if line.endswith((".", "!", "?", "…")) and len(line.split()) > 6:
                sentences += [s for s in SENTENCE_END.split(line) if len(s.split()) >= 4]
            elif 2 <= len(line.split()) <= 12:
                headings.append(line)
    return sentences, headings, size


class Splicer:
    """New, distinct French sentences: the head of one seed sentence, the tail of another."""

    def __init__(self, sentences: list[str], seed: int = 1) -> None:
        self.words = [s.split() for s in sentences]
        self.rng = random.Random(seed)
        self.seen: set[str] = set()

    def sentence(self, words_list: list[list[str]] | None = None) -> str:
        pool = words_list or self.words
        while True:
            a, b = self.rng.choice(pool), self.rng.choice(pool)
            head = a[: self.rng.randint(1, max(1, len(a) // 2 + 1))]
            tail = b[self.rng.randint(len(b) // 2, len(b) - 1):]
            text = " ".join(head + tail)
            text = text[0].upper() + text[1:]
            if text not in self.seen:
                self.seen.add(text)
                return text


def article(splicer: Splicer, headings: list[list[str]], size: int) -> str:
    lines = [splicer.sentence(headings).rstrip(".!?…")]
    length = len(lines[0])
    while length < size:
        paragraph = " ".join(splicer.sentence() for _ in range(splicer.rng.randint(2, 6)))
        lines.append(paragraph)
        length += len(paragraph) + 1
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, splicer: Splicer, headings: list[list[str]], total: int, articles: int) -> int:
    folder.mkdir(parents=True)
    written = 0
    for n in range(articles):
        text = article(splicer, headings, total // articles)
        (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")
        written += len(text)
    return written


def run_build(seeds: Path, out: Path, engine: str, timeout: float) -> dict:
    """One build in its own process: seconds per stage, wall time, peak RSS, or where it stopped."""
    log = out.parent / f"{out.name}.log"
    command = [str(Path(sys.executable).parent / "bilingue"), "-v", "build", "--seeds", str(seeds), "--out", str(out),
               "--engine", engine]
    start = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
    result = {"wall": time.perf_counter() - start, "peak_mb": usage.ru_maxrss / 1024}
    if os.waitstatus_to_exitcode(status) != 0:
        stages = [m.group(1) for line in log.read_text().splitlines() if (m := STAGE_LOG.match(line))]
        result["failed"] = f"stopped in stage {stages[-1] if stages else '?'} after {result['wall']:.0f} s"
        return result
    result["seconds"] = json.loads((out / "report.json").read_text(encoding="utf-8"))["seconds"]
    return result


def best_of(results: list[dict]) -> dict:
    """Per stage, the fastest of repeated builds of one corpus: what the code costs, less
    what other processes on the machine took from it. Peak memory is the largest."""
    done = [r for r in results if "seconds" in r]
    if len(done) < len(results):
        return next(r for r in results if "failed" in r)
    return {"wall": min(r["wall"] for r in done), "peak_mb": max(r["peak_mb"] for r in done),
            "seconds": {stage: min(r["seconds"][stage] for r in done) for stage in done[0]["seconds"]}}


def exponent(small: float, large: float, size_small: int, size_large: int) -> str:
    if small <= 0 or large <= 0:
        return "-"
    return f"{math.log(large / small) / math.log(size_large / size_small):.2f}"


def report(runs: list[tuple[str, int, dict]]) -> None:
    stages = sorted({s for _, _, r in runs for s in r.get("seconds", {})},
                    key=lambda s: next(list(r["seconds"]).index(s) for _, _, r in runs if s in r.get("seconds", {})))
    print(f"{'corpus':>14} {'chars':>10} " + " ".join(f"{s:>9}" for s in stages) + f" {'wall s':>8} {'peak MB':>8}")
    for name, size, r in runs:
        cells = " ".join(f"{r['seconds'][s]:9.2f}" if s in r.get("seconds", {}) else f"{'-':>9}" for s in stages)
        print(f"{name:>14} {size:>10} {cells} {r['wall']:8.1f} {r['peak_mb']:8.0f}" + (f"  {r['failed']}" if "failed" in r else ""))
    scaled = [(name, size, r) for name, size, r in runs if name.endswith("x") and "seconds" in r]
    for (n1, s1, r1), (n2, s2, r2) in zip(scaled, scaled[1:]):
        cells = " ".join(f"{exponent(r1['seconds'][s], r2['seconds'][s], s1, s2):>9}" for s in stages)
        print(f"{'exp ' + n1 + '->' + n2:>14} {'':>10} {cells} {exponent(r1['wall'], r2['wall'], s1, s2):>8} "
              f"{r2['peak_mb'] / r1['peak_mb']:7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10, 100], help="corpus sizes, in seeds/ sizes")
    parser.add_argument("--big-mb", type=float, default=5, help="size of the single large article (0: none)")
    parser.add_argument("--engine", default="apertium", choices=("auto", "apertium", "argos"))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a build is stopped")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each synthetic corpus, the fastest kept per stage")
    args = parser.parse_args()
    sentences, headings, seeds_size = seed_material(ROOT / "seeds")
    seed_articles = len(list((ROOT / "seeds").glob("*.txt")))
    splicer = Splicer(sentences)
    heading_words = [h.split() for h in headings]
    runs = []
    with tempfile.TemporaryDirectory(prefix="bilingue-scale-") as tmp:
        work = Path(tmp)
        for scale in args.scales:
            name = f"{scale}x"
            size = write_corpus(work / name, splicer, heading_words, scale * seeds_size, scale * seed_articles)
            print(f"building {name}: {scale * seed_articles} articles, {size} characters…", file=sys.stderr)
            runs.append((name, size, best_of([run_build(work / name, work / f"out-{name}-{n}", args.engine, args.timeout)
                                              for n in range(args.repeat)])))
        if args.big_mb:
            name = f"{args.big_mb:g} MB article"
            size = write_corpus(work / "big", splicer, heading_words, int(args.big_mb * 1024**2), 1)
            print(f"building {name}: {size} characters…", file=sys.stderr)
            runs.append((name, size, run_build(work / "big", work / "out-big", args.engine, args.timeout)))
    report(runs)


if __name__ == "__main__":
    main()
