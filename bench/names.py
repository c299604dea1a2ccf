"""Names the engine changes, measured in one run on the seeds: every name the glossary
lists or ``pipeline.names`` finds, looked up in the English of its segment, with the
translate stage protecting (a) glossary names only, (b) those and the names found.

    python bench/names.py [--engine apertium|argos]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/, whose translate.py would shadow the translate-toolkit package

from pipeline import glossary as gl  # noqa: E402
from pipeline import names  # noqa: E402
from pipeline.build import Options  # noqa: E402
from pipeline.model import Book  # noqa: E402
from pipeline.stages import Context, Pipeline  # noqa: E402


def changed_names(book: Book, glossary: gl.Glossary) -> tuple[int, list[tuple[str, str]]]:
    """(names seen, (name, English) of each name missing from its segment's English)."""
    seen, lost = 0, []
    for seg in book.segments:
        for hit in names.with_names(seg.fr, glossary):
            if hit.entry.is_name:
                seen += 1
                if hit.text not in seg.en:
                    lost.append((hit.text, seg.en))
    return seen, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="apertium")
    engine = parser.parse_args().engine
    with tempfile.TemporaryDirectory() as tmp:
        context = Context(Options(seeds=ROOT / "seeds", out=Path(tmp) / "out", engine=engine,
                                  memory=Path(tmp) / "tm.sqlite", approved=Path(tmp) / "none.tmx"))
        try:
            book = Pipeline.named(["ingest", "clean", "segment", "glossary"], context).run(Book("seeds", []))
            found = {seg.id: list(seg.terms) for seg in book.segments}
            results = {}
            for label, only_glossary in (("glossary names only", True), ("and names found", False)):
                for seg in book.segments:
                    seg.terms = [h for h in found[seg.id] if not only_glossary or h.entry.note != names.AUTO_NOTE]
                    seg.en, seg.origin = "", ""  # the memory keys on the protected hits: only changed ones are redone
                Pipeline.named(["translate"], context).run(book)
                results[label] = changed_names(book, context.glossary)
        finally:
            context.close()
    for label, (seen, lost) in results.items():
        print(f"{label:<22} names {seen:>4}  changed by the engine {len(lost):>3}")
        for name, english in lost:
            print(f"    {name!r}: {english[:110]}")


if __name__ == "__main__":
    main()
