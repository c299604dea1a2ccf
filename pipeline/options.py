"""What a build is asked to do: the command line's options, with the project's defaults."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Options:
    seeds: Path = Path("seeds")
    out: Path = Path("output")
    engine: str = "auto"
    beam_size: int = 4
    batch_size: int = 128  # segments per engine call and per memory commit (bench/translate.py)
    glossary: Path = ROOT / "glossary" / "terms.tsv"
    repairs: Path = ROOT / "glossary" / "repairs.tsv"
    approved: Path = ROOT / "tm" / "approved.tmx"
    qa_accepted: Path = ROOT / "glossary" / "qa-accepted.tsv"  # QA flags the editor accepted
    book: Path = ROOT / "book.toml"  # the book's metadata and the stage list ([pipeline] stages)
    editions: tuple[str, ...] = ("bilingue", "english", "francais")  # EPUB editions to write
    memory: Path | None = None  # default: <out>/.cache/tm.sqlite
    strict: bool = False
    force: bool = False  # rebuild even when nothing changed

    @property
    def memory_path(self) -> Path:
        return self.memory or self.out / ".cache" / "tm.sqlite"


# Options that decide whether and where a build runs but not what it writes: they stay out
# of the build fingerprint.
NOT_SHAPING_OUTPUT = ("force", "out", "memory", "batch_size")
