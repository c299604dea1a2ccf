"""Incremental builds, measured in one run with the ``bilingue build`` command itself:

1. cold: empty output folder and translation memory;
2. warm: the same command again, nothing changed;
3. one edit: one word added to one sentence of one source;
4. one edit under ``bilingue watch``: the watcher started (spaCy loaded once), another word
   added, timed from the file's change to the watcher's report that the build finished.

Prints the wall times, their ratios to the cold build, how many segments each build
translated, and the seconds of each stage.

    python bench/rebuild.py [--engine auto|apertium|argos]
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # instead of bench/, whose translate.py would hide translate-toolkit's package

from pipeline.segment import sentences  # noqa: E402


def run_build(seeds: Path, out: Path, engine: str) -> tuple[float, dict, str]:
    command = [str(Path(sys.executable).parent / "bilingue"), "build", "--seeds", str(seeds), "--out", str(out),
               "--engine", engine]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=seeds.parent)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed: {done.stderr}")
    return seconds, json.loads((out / "report.json").read_text(encoding="utf-8")), done.stdout.strip()


def edit_one_sentence(seeds: Path) -> str:
    """Add a word inside the first sentence of the longest paragraph of the first source."""
    source = sorted(seeds.glob("*.txt"))[0]
    text = source.read_text(encoding="utf-8")
    first = sentences(max(text.splitlines(), key=len))[0]
    words = first.split(" ")
    source.write_text(text.replace(first, " ".join(words[:4] + ["vraiment"] + words[4:]), 1), encoding="utf-8")
    return f"{source.name}: {first[:60]}…"


def edit_under_watch(seeds: Path, out: Path, engine: str) -> tuple[float, str]:
    """Seconds from an edit to the end of the build ``bilingue watch`` makes of it."""
    command = [str(Path(sys.executable).parent / "bilingue"), "watch", "--seeds", str(seeds), "--out", str(out),
               "--engine", engine, "--interval", "0.1"]
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=seeds.parent,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        finished = (line for line in watcher.stdout if line.startswith("watch: build finished"))
        next(finished)  # the first build: up to date
        start = time.perf_counter()
        edited = edit_one_sentence(seeds)
        said = next(finished)
        seconds = time.perf_counter() - start
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=60)
    if "(exit 0)" not in said:
        sys.exit(f"the build under bilingue watch failed: {said}")
    return seconds, edited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds, out = Path(tmp) / "seeds", Path(tmp) / "output"
        shutil.copytree(ROOT / "seeds", seeds)
        cold, report, _ = run_build(seeds, out, args.engine)
        warm, _, warm_said = run_build(seeds, out, args.engine)
        edited = edit_one_sentence(seeds)
        edit, after_edit, _ = run_build(seeds, out, args.engine)
        watched, _ = edit_under_watch(seeds, out, args.engine)
        after_watch = json.loads((out / "report.json").read_text(encoding="utf-8"))
    print(f"engine: {report['engine']} ({report['model_id']}), {report['counts']['segments']} segments")
    print(f"  cold build        {cold:7.2f} s  translated {report['translated']}, reused {report['reused']}")
    print(f"  warm, no change   {warm:7.2f} s  ({warm_said})")
    print(f"  one edited word   {edit:7.2f} s  translated {after_edit['translated']}, "
          f"reused {after_edit['reused']}  [{edited}]")
    print(f"  warm / cold: {warm / cold:.1%} (target <= 5%)   one edit re-translated "
          f"{after_edit['translated']} segment(s) (target 1)   edit / cold: {edit / cold:.1%} (one-shot build)")
    print(f"  one edited word, under bilingue watch {watched:7.2f} s  translated {after_watch['translated']}   "
          f"watch edit / cold: {watched / cold:.1%} (target <= 30%)")
    for name, built in (("cold", report), ("one edit", after_edit), ("watched", after_watch)):
        print(f"  {name:9} seconds per stage: " + ", ".join(f"{k} {v:.2f}" for k, v in built["seconds"].items()))


if __name__ == "__main__":
    main()
