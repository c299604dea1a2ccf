"""``bilingue watch``: build the book again whenever a source or data file changes, with the
French analysis loaded once.

A one-shot ``bilingue build`` spends about 5 s loading spaCy's French pipeline, nearly half
of a cold build of the seeds, so one edited sentence cannot rebuild faster than that. The
watcher loads it once, then runs each build in a forked child process: every build starts
from that loaded state, and whatever a build caches, starts or breaks ends with it.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent
QUIET_S = 0.2  # an editor may write a file in several steps: wait until it holds still


def preload() -> None:
    """What every build loads and no edit changes: the stages' modules, spaCy's French
    pipeline, the French word list and dictionary, the QA word lists."""
    from . import builtin_stages, nlp, qa  # noqa: F401  (imported to be loaded before the fork)

    nlp.french()
    nlp.french_words()
    nlp.speller()
    qa.default_lexicon()


def snapshot(paths: Iterable[Path], pattern: str = "*") -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``paths`` (files, or folders and the
    files in them that match ``pattern``)."""
    state = {}
    for path in paths:
        files = sorted(p for p in path.rglob(pattern) if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                info = file.stat()
            except OSError:  # gone since it was listed
                continue
            state[str(file)] = (info.st_size, info.st_mtime_ns)
    return state


def run_forked(build: Callable[[], int]) -> int:
    """``build()`` in a child process; its exit status. Ctrl-C reaches the child too (one
    process group): the watcher waits for it to finish before it stops."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = build()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    while True:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except KeyboardInterrupt:
            continue


def restart_if_code_changed(code_state: dict[str, tuple[int, int]]) -> None:
    """The watcher's loaded modules are those of its start: new code needs a new process."""
    if snapshot([PIPELINE], "*.py") != code_state:
        print("watch: the pipeline's code changed: restarting", flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def next_state(inputs: list[Path], state: dict, code_state: dict, interval: float) -> dict:
    """The files' state once it differs from ``state`` and has held still for ``QUIET_S``."""
    while (now := snapshot(inputs)) == state:
        time.sleep(interval)
        restart_if_code_changed(code_state)
    while True:
        time.sleep(QUIET_S)
        later = snapshot(inputs)
        if later == now:
            return now
        now = later


def watch(inputs: list[Path], build: Callable[[], int], interval: float = 0.5) -> int:
    """Build, then build again after each change under ``inputs``, until Ctrl-C."""
    print("watch: loading the French analysis…", flush=True)
    preload()
    code_state, state = snapshot([PIPELINE], "*.py"), snapshot(inputs)  # not __pycache__: builds write there
    watched = ", ".join(str(p) for p in inputs)
    try:
        while True:
            start = time.perf_counter()
            status = run_forked(build)
            print(f"watch: build finished in {time.perf_counter() - start:.2f} s (exit {status}); "
                  f"watching {watched} (Ctrl-C stops)", flush=True)
            state = next_state(inputs, state, code_state, interval)
    except KeyboardInterrupt:
        print("watch: stopped", file=sys.stderr)
        return 130
