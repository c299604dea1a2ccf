"""Incremental builds, measured in one run with the ``bilingue build`` command itself:

1. cold: empty output folder and translation memory;
2. warm: the same command again, nothing changed;
3. one edit: one word added to one sentence of one source.

Prints the wall times, warm / cold, and how many segments each build translated.

    python bench/rebuild.py [--engine auto|apertium|argos]
"""
from __future__ import annotations

import argparse
import json
import shutil
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
    print(f"engine: {report['engine']} ({report['model_id']}), {report['counts']['segments']} segments")
    print(f"  cold build        {cold:7.2f} s  translated {report['translated']}, reused {report['reused']}")
    print(f"  warm, no change   {warm:7.2f} s  ({warm_said})")
    print(f"  one edited word   {edit:7.2f} s  translated {after_edit['translated']}, "
          f"reused {after_edit['reused']}  [{edited}]")
    print(f"  warm / cold: {warm / cold:.1%} (target <= 5%)   one edit re-translated "
          f"{after_edit['translated']} segment(s) (target 1)   edit / cold: {edit / cold:.1%}")
    for name, built in (("cold", report), ("one edit", after_edit)):
        print(f"  {name:9} seconds per stage: " + ", ".join(f"{k} {v:.2f}" for k, v in built["seconds"].items()))


if __name__ == "__main__":
    main()
