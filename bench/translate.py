"""MT-stage throughput, measured in one run on the seeds' segments:

* pipeline: ``pipeline.translate.translate`` (glossary matching, placeholders, typography,
  batches) with the Argos engine, no translation memory;
* raw: SentencePiece encode -> ``ctranslate2.Translator.translate_batch`` -> decode on the
  same segments, same settings, nothing else;
* argostranslate: ``argostranslate.translate.translate()`` called once per paragraph, as
  an application using argostranslate would.

Packages: the ``copy`` test package (output as long as its input, like a real model) in
two shapes, tiny and the shape of a real Argos model (Transformer base, 32k vocabulary:
the same work per token), and, when one is installed, the real fr->en package.

    python bench/translate.py [--repeat 3] [--batch-size 128] [--shapes tiny,base] [--no-argos]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # instead of bench/, whose translate.py would hide translate-toolkit's package

from pipeline import engines, nlp  # noqa: E402
from pipeline import glossary as gl  # noqa: E402
from pipeline.build import Options  # noqa: E402
from pipeline.model import Book  # noqa: E402
from pipeline.stages import Context, Pipeline  # noqa: E402
from pipeline.translate import for_engine, terms_only  # noqa: E402
from tests.tiny_argos import BASE, TINY, build_package  # noqa: E402

# The stages that stand between segmented French and checked English: what the pipeline adds
# to the engine's own work is measured over all three.
MT_STAGES = ["glossary", "translate", "verify"]


def load_book():
    context = Context(Options(seeds=ROOT / "seeds"))
    return Pipeline.named(["ingest", "clean", "segment"], context).run(Book("bench", []))


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def raw(engine: engines.ArgosEngine, texts: list[str]) -> list[str]:
    tokens = [engine.tokenizer.encode(t, out_type=str) for t in texts]
    results = engine.translator.translate_batch(tokens, **engine.decoding_options(len(tokens)))
    return [engine.decode(r.hypotheses[0]) for r in results]


def pipeline_stages(book, engine, memory: Path, batch_size: int) -> None:
    """The MT stages as a build runs them, with a fresh memory (everything is translated);
    the analyses cached since the segment stage are cleared first, as a build has only its own."""
    nlp.parse.cache_clear()
    context = Context(Options(memory=memory, batch_size=batch_size, approved=memory.with_suffix(".tmx")))
    context.engine = engine
    try:
        Pipeline.named(MT_STAGES, context).run(book)
    finally:
        context.close()


def argos_per_paragraph(package: Path, paragraphs: list[str]):
    """A callable translating every paragraph with argostranslate, or the reason it can't."""
    try:
        from argostranslate import settings
        from argostranslate import translate as argos
    except ImportError as err:
        return f"argostranslate.translate not importable ({err}); `make test` installs its dependencies"
    if (package / "spacy").is_dir():
        settings.chunk_type = settings.ChunkType.SPACY  # the sentencizer the package ships
    settings.package_dirs = [package.parent]
    argos.get_installed_languages.cache_clear()
    argos.installed_translates.clear()  # argostranslate keeps one translation object per language pair
    pair = argos.get_translation_from_codes("fr", "en")
    pair.translate("Bonjour.")  # loads the sentencizer and the model

    def run():
        for p in paragraphs:
            pair.translate(p)

    return run


def engine_inputs(book) -> list[str]:
    """The texts the pipeline hands the engine first: glossary terms (not names) replaced
    by placeholders (the glossary stage has put the hits on the segments)."""
    return [for_engine(gl.protect(seg.fr, terms_only(seg.terms))) for seg in book.segments]


def bench(name: str, package: Path, book, repeat: int, batch_size: int, with_argos: bool, tmp: Path) -> None:
    engine = engines.ArgosEngine(package)
    texts = [s.fr for s in book.segments]
    Pipeline.named(["glossary"], Context(Options())).run(book)
    masked = engine_inputs(book)
    paragraphs = [b.clean for a in book.articles for b in a.blocks]
    raw(engine, texts[:8])  # load the model before timing
    times = {"raw": [], "raw_masked": [], "pipeline": []}
    for n in range(repeat):  # interleaved, so that a slower moment of the machine hits all three
        times["raw"].append(timed(lambda: raw(engine, texts)))
        times["raw_masked"].append(timed(lambda: raw(engine, masked)))
        memory = tmp / f"{package.name}-{n}.sqlite"
        times["pipeline"].append(timed(lambda: pipeline_stages(book, engine, memory, batch_size)))
    t = {k: statistics.median(v) for k, v in times.items()}
    tokens = {k: sum(len(engine.tokenizer.encode(x)) for x in v) for k, v in (("raw", texts), ("raw_masked", masked))}
    print(f"\n{name}: {engine.model_id}, {len(texts)} segments, {len(paragraphs)} paragraphs, "
          f"{os.cpu_count()} cores, median of {repeat}, pipeline batches of {batch_size}")
    print(f"  raw translate_batch, French segments      {t['raw']:7.3f} s {len(texts) / t['raw']:7.1f} seg/s "
          f"({tokens['raw']} source tokens)")
    print(f"  raw translate_batch, pipeline's inputs    {t['raw_masked']:7.3f} s {len(texts) / t['raw_masked']:7.1f} seg/s "
          f"({tokens['raw_masked']} source tokens: term placeholders)")
    print(f"  pipeline {'+'.join(MT_STAGES):32} {t['pipeline']:7.3f} s {len(texts) / t['pipeline']:7.1f} seg/s")
    print(f"  pipeline / raw throughput:                 {t['raw'] / t['pipeline']:.2f}x (target >= 0.90x)")
    print(f"  pipeline / raw on the same engine inputs:  {t['raw_masked'] / t['pipeline']:.2f}x")
    argos = argos_per_paragraph(package, paragraphs) if with_argos else "left out (--no-argos)"
    if isinstance(argos, str):
        print(f"  argostranslate: skipped, {argos}")
        return
    t_argos = timed(argos)  # slow: once
    print(f"  argostranslate.translate per paragraph    {t_argos:7.3f} s {len(texts) / t_argos:7.1f} seg/s")
    print(f"  pipeline / argostranslate throughput:      {t_argos / t['pipeline']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128, help="the pipeline's segments per engine call")
    parser.add_argument("--shapes", default="tiny,base", help="copy packages to build: tiny, base or both")
    parser.add_argument("--no-argos", action="store_true", help="leave out argostranslate (slow at the base shape)")
    args = parser.parse_args()
    book = load_book()
    with tempfile.TemporaryDirectory() as tmp:
        for shape in (s for s in (TINY, BASE) if s.name in args.shapes.split(",")):
            package = build_package(Path(tmp) / shape.name, "copy", sentencizer=True, shape=shape)
            bench(f"copy package, {shape}", package, book, args.repeat, args.batch_size, not args.no_argos, Path(tmp))
        real = engines.find_argos_package()
        if real is None:
            print(f"\nreal fr->en package: none installed under {engines.argos_packages_dir()} (make models), not measured")
        else:
            bench("installed package", real, book, args.repeat, args.batch_size, not args.no_argos, Path(tmp))


if __name__ == "__main__":
    main()
