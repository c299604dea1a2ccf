"""The ``bilingue`` command line."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import build as builder
from . import glossary as gl
from .engines import ENGINES, EngineError
from .ingest import IngestError
from .memory import MemoryUnavailable
from .models import PackageError
from .nlp import ResourceError
from .outputs import OutputError, PublishError
from .tsv import DataFileError

DEFAULT_REPORT = Path("output") / "report.json"


def cmd_build(args) -> int:
    options = builder.Options(seeds=args.seeds, out=args.out, engine=args.engine, glossary=args.glossary,
                              strict=args.strict, beam_size=args.beam_size, batch_size=args.batch_size,
                              force=args.force, book=args.book, approved=args.approved,
                              editions=tuple(builder.FILES) if args.edition == "all" else (args.edition,))
    report = builder.build(options)
    if report.get("up_to_date"):
        print(f"{args.out} is up to date: nothing it depends on changed since the last build (--force rebuilds)")
        return 0
    counts = report["counts"]
    epubs = " ".join(f"{args.out}/{builder.FILES[e]}" for e in options.editions)
    print(f"Built {args.out}/html/index.html and {epubs} with {report['engine']} ({report['model_id']}): "
          f"{counts['articles']} articles, {counts['segments']} segments "
          f"({report['translated']} translated, {report['reused']} from memory, {report['approved']} approved), "
          f"glossary compliance {report['glossary']['compliance']:.1%}, {counts['findings']} findings to review "
          f"in {args.out}/review/report.md")
    violations = report["glossary"]["violations"]
    if violations:
        print(f"warning: {len(violations)} glossary violation(s); see {args.out}/review/report.md", file=sys.stderr)
    return 0


def load_cleaning(args):
    from . import clean, ingest, repairs

    glossary = gl.load(args.glossary)
    known = repairs.load(builder.ROOT / "glossary" / "repairs.tsv")
    path = Path(args.file)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    article = ingest.parse_article(ingest.read_source(path), path)
    return clean.clean_article(article, clean.Context(known, glossary))


def cmd_clean(args) -> int:
    from . import clean

    if args.rules:
        for n, rule in enumerate(clean.RULES, start=1):
            print(f"{n:2}. {rule.id:18} {rule.description}")
        return 0
    if not args.file:
        raise IngestError("bilingue clean: give a source FILE (or --rules)")
    article = load_cleaning(args)
    for line in clean.render(article):
        print(line)
    if args.explain:
        out = sys.stderr
        for key, value in sorted(article.metadata.items()):
            print(f"metadata: {key} = {value}", file=out)
        for change in article.removed:
            print(f"{change.where} [{change.rule}] removed: {change.before}", file=out)
        for block in article.blocks:
            for c in block.changes:
                print(f"{c.where} [{c.rule}] {c.before!r} -> {c.after!r}", file=out)
        for f in article.findings:
            print(f"{f.where} [flag:{f.kind}] {f.text!r}: {f.message}", file=out)
    return 0


def corpus_texts(seeds: Path, glossary: Path) -> list[str]:
    """The cleaned French of every block under ``seeds``, as the build's first stages make it."""
    from .model import Book
    from .stages import Context, Pipeline

    context = Context(builder.Options(seeds=seeds, glossary=glossary))
    book = Pipeline.named(["ingest", "clean"], context).run(Book("corpus", []))
    return [b.clean for a in book.articles for b in a.blocks]


def cmd_stages(args) -> int:
    from .stages import REGISTRY, Context, Pipeline

    pipeline = Pipeline.from_config(Context(builder.Options(book=args.book)))
    for n, name in enumerate(pipeline.names, start=1):
        print(f"{n:2}. {name:10} {REGISTRY[name].description}")
    idle = [name for name in REGISTRY if name not in pipeline.names]
    if idle:
        print(f"registered, not in {args.book.name}'s [pipeline] stages: {', '.join(idle)}")
    return 0


def cmd_glossary(args) -> int:
    if args.action == "lint":
        problems = gl.lint(args.glossary, corpus_texts(args.seeds, args.glossary) if args.seeds.is_dir() else None)
        for p in problems:
            print(f"{args.glossary}:{p.line}: {p.severity}: {p.message}")
        errors = sum(p.severity == "error" for p in problems)
        print(f"{errors} error(s), {len(problems) - errors} warning(s)")
        return 1 if errors else 0
    if args.action == "add":
        entry = gl.add(args.glossary, args.fr, args.en, args.kind, args.note or "", args.variants or "")
        print(f"added: {entry.fr} -> {entry.en} ({entry.kind})")
        return 0
    if args.action == "export":
        gl.export_tbx(gl.load(args.glossary), args.tbx)
        print(f"wrote {args.tbx}")
        return 0
    return glossary_stats(args)


def glossary_stats(args) -> int:
    glossary = gl.load(args.glossary)
    per_term = {}
    if args.report.exists():
        per_term = json.loads(args.report.read_text(encoding="utf-8"))["glossary"].get("per_term", {})
    else:
        print(f"(no {args.report}: run `make book` for compliance figures)")
        hits = [h.entry.fr for text in corpus_texts(args.seeds, args.glossary) for h in gl.find(text, glossary)]
        per_term = {fr: {"occurrences": hits.count(fr)} for fr in set(hits)}
    print(f"{'entry':32} {'kind':5} {'occurrences':>11} {'compliance':>10}")
    for e in glossary.entries:
        stats = per_term.get(e.fr, {"occurrences": 0})
        n = stats["occurrences"]
        rate = f"{stats['honoured'] / n:.0%}" if n and "honoured" in stats else "-"
        print(f"{e.fr[:32]:32} {e.kind:5} {n:>11} {rate:>10}")
    return 0


def cmd_tm(args) -> int:
    from .memory import Memory, read_reviewed, read_tmx, write_tmx

    if args.action == "export":
        pairs = {}
        if args.memory.exists():
            memory = Memory(args.memory)
            pairs = {source: target for source, target, _, _ in memory.entries()}
            memory.close()
        pairs.update(read_tmx(args.approved))
        write_tmx(args.tmx, pairs)
        print(f"wrote {len(pairs)} translation units to {args.tmx}")
    else:
        imported = read_reviewed(args.file)
        approved = read_tmx(args.approved)
        approved.update(imported)
        write_tmx(args.approved, approved)
        print(f"imported {len(imported)} approved translations into {args.approved}")
    return 0


def cmd_review(args) -> int:
    """Bring the build up to date (its review is part of it), then copy the XLIFF files
    for a CAT tool into --xliff DIR."""
    import shutil

    if args.xliff and args.xliff.resolve().is_relative_to(args.out.resolve()):
        raise DataFileError(f"{args.xliff}: inside {args.out}, which every build rewrites; choose a folder outside it")
    report = builder.build(builder.Options(seeds=args.seeds, out=args.out, engine=args.engine, glossary=args.glossary,
                                           approved=args.approved))
    review = args.out / "review"
    state = "up to date" if report.get("up_to_date") else "rebuilt"
    print(f"Review ({state}): {review}/index.html, word diffs {review}/*.clean.diff and *.en.diff, {review}/report.md")
    if args.xliff:
        args.xliff.mkdir(parents=True, exist_ok=True)
        files = sorted((review / "xliff").glob("*.xlf"))
        for path in files:
            shutil.copyfile(path, args.xliff / path.name)
        print(f"wrote {len(files)} XLIFF files to {args.xliff}: edit them in a CAT tool, mark what you reviewed as "
              f"approved (or signed-off/final), then run `bilingue tm import FILE.xlf`")
    return 0


def cmd_models(args) -> int:
    from .models import install

    path = install(args.model)
    print(f"installed Argos package in {path}")
    return 0


def cmd_qa(args) -> int:
    """QA of the last build's outputs and of the approved translations; exit 1 on errors."""
    from . import qa
    from .memory import read_tmx

    if not (args.out / "html").is_dir():
        raise DataFileError(f"{args.out}/html: no build there; run `bilingue build --out {args.out}` first")
    summary = qa.published_report(args.out, gl.load(args.glossary), read_tmx(args.approved), qa.load_accepted(args.accepted))
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.format == "json" else qa.format_table(summary))
    return 1 if summary["errors"] else 0


def add_qa_parser(sub, glossary_default: Path) -> None:
    from .qa import ACCEPTED_FILE

    q = sub.add_parser("qa", help="translation QA of the last build: numbers, names, untranslated words, alignment…",
                       description="Check every published segment and approved translation (numbers, names, "
                                   "untranslated words, empty or copied, length, punctuation, glossary) and the "
                                   "alignment of the HTML, EPUB and review. Exit 1 when an error-severity check fires.")
    q.add_argument("--out", type=Path, default=Path("output"), help="the build's output folder (default: output)")
    q.add_argument("--format", choices=("table", "json"), default="table")
    q.add_argument("--glossary", type=Path, default=glossary_default)
    q.add_argument("--approved", type=Path, default=builder.ROOT / "tm" / "approved.tmx", help="approved translations (TMX)")
    q.add_argument("--accepted", type=Path, default=ACCEPTED_FILE, help="accepted flags (default: glossary/qa-accepted.tsv)")
    q.set_defaults(run=cmd_qa)


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def add_build_arguments(b: argparse.ArgumentParser) -> None:
    """The options of ``bilingue build`` (``watch`` takes them too)."""
    glossary_default = builder.ROOT / "glossary" / "terms.tsv"
    approved_default = builder.ROOT / "tm" / "approved.tmx"
    b.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of French .txt articles (default: seeds)")
    b.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    b.add_argument("--engine", choices=("auto", *ENGINES), default="auto",
                   help="auto: Argos if an fr->en package is installed, else Apertium")
    b.add_argument("--beam-size", type=positive, default=4, help="Argos beam size (default: 4, as argostranslate)")
    b.add_argument("--batch-size", type=positive, default=128,
                   help="segments per engine call; each finished batch is saved in the memory (default: 128)")
    b.add_argument("--glossary", type=Path, default=glossary_default, help="glossary file (default: glossary/terms.tsv)")
    b.add_argument("--approved", type=Path, default=approved_default,
                   help="reviewed translations that override the engine (default: tm/approved.tmx of the project)")
    b.add_argument("--book", type=Path, default=builder.ROOT / "book.toml",
                   help="the book's titles, publisher, rights, identifier, date and [pipeline] stages (default: book.toml)")
    b.add_argument("--edition", choices=("all", *builder.FILES), default="all",
                   help="EPUB edition to write: bilingue, english, francais or all (default: all)")
    b.add_argument("--strict", action="store_true", help="fail (exit 1, nothing published) on any glossary violation")
    b.add_argument("--force", action="store_true",
                   help="rebuild even when no source, data file, option or model changed since the last build")


def parser() -> argparse.ArgumentParser:
    glossary_default = builder.ROOT / "glossary" / "terms.tsv"
    approved_default = builder.ROOT / "tm" / "approved.tmx"
    p = argparse.ArgumentParser(prog="bilingue", description=(
        "Repair damaged French articles, enforce the glossary, translate them to English offline "
        "and publish an aligned bilingual HTML site and EPUB."))
    p.add_argument("-v", "--verbose", action="store_true", help="show each stage as it runs")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="run the whole pipeline: seeds/ -> output/",
                       description="Clean, translate and publish every seeds/*.txt article. "
                                   "Writes output/html/, output/bilingue.epub, output/english.epub, "
                                   "output/francais.epub, output/review/ and output/report.json.")
    add_build_arguments(b)
    b.set_defaults(run=cmd_build)

    w = sub.add_parser("watch", help="build, then build again whenever a source or data file changes",
                       description="Build as `bilingue build` does, then watch the sources, the glossary folder, "
                                   "book.toml and the approved translations, and build again after each change, "
                                   "with spaCy's French pipeline loaded once (an edited sentence rebuilds in a "
                                   "fraction of a cold build). Ctrl-C stops.")
    add_build_arguments(w)
    w.add_argument("--interval", type=float, default=0.5, help="seconds between two looks at the files (default: 0.5)")
    w.set_defaults(run=cmd_watch)

    c = sub.add_parser("clean", help="print the cleaned French of one source file, one block a line",
                       description="Print the repaired French of FILE, one block (title, heading, paragraph, "
                                   "list item) a line. --explain lists every change with its rule id on stderr.")
    c.add_argument("file", nargs="?", help="a French source .txt file")
    c.add_argument("--explain", action="store_true", help="also list each change and flag with its rule id")
    c.add_argument("--rules", action="store_true", help="list the repair rules in the order they run")
    c.add_argument("--glossary", type=Path, default=glossary_default)
    c.set_defaults(run=cmd_clean)

    g = sub.add_parser("glossary", help="lint, extend, measure or export the glossary")
    g.add_argument("--glossary", type=Path, default=glossary_default)
    g.add_argument("--seeds", type=Path, default=Path("seeds"), help="corpus used to find unused entries")
    gs = g.add_subparsers(dest="action", required=True)
    gs.add_parser("lint", help="check the file: format, duplicates, conflicts, traps, unused entries (exit 1 on errors)")
    ga = gs.add_parser("add", help="add an entry, keeping the file sorted; refuses conflicts")
    ga.add_argument("fr")
    ga.add_argument("en")
    ga.add_argument("--kind", choices=gl.KINDS, default="term")
    ga.add_argument("--note")
    ga.add_argument("--variants", help="known corruptions of a name, separated by |")
    st = gs.add_parser("stats", help="occurrences in the corpus and compliance per entry")
    st.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    ge = gs.add_parser("export", help="export as TBX for CAT tools (OmegaT, …)")
    ge.add_argument("--tbx", type=Path, required=True, help="file to write")
    g.set_defaults(run=cmd_glossary)

    t = sub.add_parser("tm", help="export or import translation memory (TMX; import also reads XLIFF)")
    t.add_argument("--memory", type=Path, default=Path("output") / ".cache" / "tm.sqlite")
    t.add_argument("--approved", type=Path, default=approved_default)
    ts = t.add_subparsers(dest="action", required=True)
    te = ts.add_parser("export", help="write the memory and approved translations as TMX")
    te.add_argument("--tmx", type=Path, required=True)
    ti = ts.add_parser("import", help="add a reviewed TMX or XLIFF file (its approved units) to the approved translations")
    ti.add_argument("file", type=Path)
    t.set_defaults(run=cmd_tm)

    sp = sub.add_parser("stages", help="list the pipeline's stages in the order they run",
                        description="List the stages `bilingue build` runs, from book.toml's [pipeline] stages "
                                    "(the built-in list when it has none), and the registered stages not in use.")
    sp.add_argument("--book", type=Path, default=builder.ROOT / "book.toml", help="book configuration (default: book.toml)")
    sp.set_defaults(run=cmd_stages)

    r = sub.add_parser("review", help="bring the build and its review pages up to date; export XLIFF for a CAT tool",
                       description="Build as `bilingue build` does (nothing is redone when nothing changed) and show "
                                   "where the review is: output/review/index.html (French before and after repair, "
                                   "English with origin and flags), word diffs and report.md. --xliff DIR also writes "
                                   "one XLIFF 1.2 file per article there; import the approved units back with "
                                   "`bilingue tm import FILE.xlf`.")
    r.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of French .txt articles (default: seeds)")
    r.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output)")
    r.add_argument("--engine", choices=("auto", *ENGINES), default="auto")
    r.add_argument("--glossary", type=Path, default=glossary_default)
    r.add_argument("--approved", type=Path, default=approved_default, help="reviewed translations (default: tm/approved.tmx)")
    r.add_argument("--xliff", type=Path, metavar="DIR", help="write one XLIFF 1.2 file per article into DIR")
    r.set_defaults(run=cmd_review)

    m = sub.add_parser("models", help="install an Argos fr->en package (from a .argosmodel file, or online)")
    m.add_argument("model", nargs="?", type=Path, help="path to translate-fr_en-*.argosmodel (default: download with argospm)")
    m.set_defaults(run=cmd_models)

    add_qa_parser(sub, glossary_default)
    return p


def cmd_watch(args) -> int:
    from . import watch

    inputs = [args.seeds, args.glossary.parent, args.book, args.approved]
    return watch.watch(inputs, lambda: guarded(cmd_build, args), interval=args.interval)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="bilingue: %(message)s")
    return guarded(args.run, args)


def guarded(run, args) -> int:
    """``run(args)``, each known fault given as one line with its exit status."""
    try:
        return run(args)
    except (IngestError, DataFileError, ResourceError, OutputError, PackageError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (EngineError, builder.StrictFailure, PublishError, MemoryUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: every finished batch is kept in the translation memory; "
              "run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
