"""The stages bilingue ships, each registered by name over the plain function of its
module (``bilingue stages`` lists them in the order they run)."""
from __future__ import annotations

from . import clean, engines, ingest, names, postedit, qa, review, segment, translate
from . import glossary as gl
from .model import Book
from .publish import meta
from .publish.epub import publish_editions
from .publish.html import publish_html
from .publish.view import project
from .stages import Context, StrictFailure, stage


@stage("ingest", per_article=True)
def read_sources(book: Book, ctx: Context) -> Book:
    """Read every source under --seeds into articles of typed blocks; book.toml gives titles."""
    book.articles = ingest.ingest(ctx.options.seeds).articles
    for number, article in enumerate(book.articles, start=1):
        article.number = number
    return meta.apply(book, ctx.metadata)


@stage("clean", per_article=True)
def repair(book: Book, ctx: Context) -> Book:
    """Repair OCR and machine-translation artifacts, recording each change with its rule."""
    return clean.clean(book, ctx.glossary, ctx.repairs, folder=ctx.options.repairs.parent)


@stage("segment", per_article=True)
def split_sentences(book: Book, ctx: Context) -> Book:
    """Split paragraphs into sentence segments (spans of the cleaned French)."""
    return segment.segment(book)


@stage("glossary", per_article=True)
def match_glossary(book: Book, ctx: Context) -> Book:
    """Find the glossary's terms and names in each segment, and the names the glossary
    does not list (Segment.terms)."""
    from . import nlp

    names.prime(b.clean for a in book.articles for b in a.blocks)
    for block in (b for a in book.articles for b in a.blocks):
        doc = nlp.parse(block.clean)
        for seg in block.segments:
            seg.terms = names.with_names(seg.fr, ctx.glossary, doc.char_span(seg.start, seg.end, alignment_mode="expand"))
    return book


@stage("translate")
def translate_segments(book: Book, ctx: Context) -> Book:
    """Translate each segment: approved translation, else memory, else the engine."""
    engine = ctx.engine
    book.engine = engines.label(engine)
    book.stats["engine"] = {"name": engine.name, "model_id": engine.model_id, "config_id": engine.config_id}
    return translate.translate(book, ctx.engine, ctx.memory, ctx.approved, batch_size=ctx.options.batch_size)


@stage("postedit")
def clean_up_english(book: Book, ctx: Context) -> Book:
    """Named clean-up rules on the English and glossary/postedit.tsv, each change recorded."""
    return postedit.postedit(book)


@stage("verify")
def verify_glossary(book: Book, ctx: Context) -> Book:
    """Check every glossary occurrence in the English; record verdicts and English spans.
    An engine's English that holds a glossary name its French lacks stops the build."""
    compliance = gl.Compliance()
    for seg in book.segments:
        seg.honoured = gl.honoured(seg.en, seg.terms)
        seg.en_terms = gl.english_spans(seg.en, seg.terms, seg.honoured)
        terms_english = [(start, end) for start, end, entry in seg.en_terms if not entry.is_name]
        machine = seg.origin in ("engine", "memory")  # the memory holds earlier engine output
        moved = gl.names_not_in_source(seg.en, seg.fr, ctx.glossary, terms_english) if machine else []
        if moved:
            raise MovedWords(f"{seg.where} {seg.id}: the English «{seg.en}» holds {', '.join(moved)}, which its French "
                             f"«{seg.fr}» does not: the engine moved words between segments. Nothing was published; "
                             f"report this with the segment (the engine or its configuration must change).")
        compliance.record(seg.id, seg.fr, seg.en, seg.terms, seg.honoured, str(seg.where))
    book.stats["glossary"] = compliance.summary()
    return book


class MovedWords(StrictFailure):
    """An engine put words of one segment into another: the book is not published."""


@stage("qa")
def check_translations(book: Book, ctx: Context) -> Book:
    """Check each translation: numbers, names, untranslated words, length, punctuation, glossary."""
    lexicon, saved = qa.default_lexicon(), ctx.options.out / ".cache" / "lexicon.pickle"
    lexicon.load(saved)
    book = qa.run_qa(book, qa.load_accepted(ctx.options.qa_accepted), lexicon)
    lexicon.save(saved)
    return book


@stage("gate")
def refuse_on_errors(book: Book, ctx: Context) -> Book:
    """With --strict, stop before anything is written on a glossary violation or a QA error."""
    if not ctx.options.strict:
        return book
    violations = book.stats.get("glossary", {}).get("violations", [])
    if violations:
        first = violations[0]
        raise StrictFailure(f"{len(violations)} glossary violation(s); nothing published. First: "
                            f"{first['where']} «{first['term']}» requires “{first['required']}”")
    refuse_on_qa_errors(book.stats.get("qa", {}))
    return book


def refuse_on_qa_errors(summary: dict) -> None:
    if summary.get("errors"):
        first = next(f for f in summary["flags"] if f["severity"] == "error" and not f["accepted"])
        raise StrictFailure(f"{summary['errors']} QA error(s); nothing published. First: {first['where']} "
                            f"{first['segment']} [{first['check']}] {first['message']}")


def colophon(book: Book, ctx: Context) -> str:
    return (f"Traduction automatique / machine translation: {book.engine}. Glossaire / glossary: "
            f"{len(ctx.glossary.entries)} entrées / entries. Fabriqué avec / made with bilingue.")


@stage("html")
def write_html(book: Book, ctx: Context) -> Book:
    """Write the bilingual HTML site: an index, one page per article, the glossary."""
    publish_html(project(book), ctx.staging / "html", colophon(book, ctx), ctx.options.editions)
    return book


@stage("epub")
def write_epub(book: Book, ctx: Context) -> Book:
    """Write the EPUB 3 editions (bilingual, English, French) through pandoc."""
    publish_editions(project(book), ctx.staging, ctx.options.editions)
    return book


@stage("review")
def write_review(book: Book, ctx: Context) -> Book:
    """Write the editor's review: annotated diffs of the repairs and report.md."""
    review.write_review(book, ctx.staging, previous=ctx.options.out / "review")
    return book


@stage("alignment")
def check_alignment(book: Book, ctx: Context) -> Book:
    """Check that every French segment has exactly one English twin, in order, in every output."""
    summary = qa.add_alignment(book.stats.setdefault("qa", qa.summarise([])), qa.check_alignment(ctx.staging))
    if ctx.options.strict:
        refuse_on_qa_errors(summary)
    return book


@stage("report")
def write_report(book: Book, ctx: Context) -> Book:
    """Write report.json: counts, engine, glossary compliance, seconds per stage."""
    review.write_report(ctx.staging / "report.json", review.build_report(book))
    return book
