"""Stage 4: French segments -> English, glossary-protected, through the memory and an engine.

For each segment: approved translation (TMX) if any; else the memory, keyed by source,
engine, model and the glossary entries that apply; else the engine, in batches, with
every glossary match replaced by a placeholder and the required English put back.
Every result is verified against the glossary.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from tqdm import tqdm

from . import glossary as gl
from . import nlp
from .engines import Engine
from .memory import Memory, memory_key
from .model import Book, Segment

def for_engine(text: str) -> str:
    """French typography engines do not know: no-break spaces become plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def english_typography(text: str) -> str:
    """French guillemets and spacing in the engine output become English quotes.

    >>> english_typography("he called it « bromance » .")
    'he called it “bromance”.'
    """
    text = re.sub(r"«\s*", "“", text)
    text = re.sub(r"\s*»", "”", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


@dataclass
class Work:
    segment: Segment
    hits: list[gl.Hit]
    key: str


@dataclass
class TranslationReport:
    translated: int = 0
    reused: int = 0
    approved: int = 0
    fallbacks: int = 0
    compliance: gl.Compliance = field(default_factory=gl.Compliance)
    unknown_words: list[str] = field(default_factory=list)


def translate(book: Book, engine: Engine, glossary: gl.Glossary, memory: Memory | None = None,
              approved: dict[str, str] | None = None, protect: bool = True, batch_size: int = 128) -> TranslationReport:
    """Fill ``Segment.en`` for every segment of the book; each finished batch of
    ``batch_size`` segments is committed to the memory before the next one starts."""
    report = TranslationReport()
    approved = approved or {}
    pending: list[Work] = []
    all_work: list[Work] = []
    for segment, analysis in analysed_segments(book):
        hits = gl.find(segment.fr, glossary, analysis) if segment.fr else []
        segment.terms = hits
        applied = glossary.fingerprint([h.entry for h in hits]) + f"|protect={protect}"
        work = Work(segment, hits, memory_key(segment.fr, engine.name, engine.model_id, applied))
        all_work.append(work)
        if segment.fr in approved:
            segment.en, segment.origin = approved[segment.fr], "approved"
            report.approved += 1
        elif memory is not None and (cached := memory.get(work.key)) is not None:
            segment.en, segment.origin = cached, "memory"
            report.reused += 1
        else:
            pending.append(work)

    # Similar lengths in one engine call waste less padding; each result goes back to its own segment.
    pending.sort(key=lambda w: len(w.segment.fr))
    with tqdm(total=len(pending), unit="seg", desc=f"translate ({engine.name})", disable=not sys.stderr.isatty()) as bar:
        for start in range(0, len(pending), batch_size):
            batch = pending[start : start + batch_size]
            english = translate_protected(batch, engine, report) if protect else engine.translate_batch([for_engine(w.segment.fr) for w in batch])
            for work, en in zip(batch, english):
                work.segment.en, work.segment.origin = english_typography(en), "engine"
            if memory is not None:
                memory.put_many([(w.key, w.segment.fr, w.segment.en, engine.name, engine.model_id) for w in batch])
            report.translated += len(batch)
            bar.update(len(batch))

    for work in all_work:
        seg = work.segment
        report.compliance.record(seg.id, seg.fr, seg.en, work.hits, str(seg.where))
    report.unknown_words = sorted(set(getattr(engine, "unknown", [])))
    return report


def analysed_segments(book: Book):
    """Each segment with its span in its block's spaCy analysis, the one the segment stage
    made: the text is parsed once, and a sentence keeps its paragraph as context."""
    for block in (b for a in book.articles for b in a.blocks):
        doc, cursor = nlp.parse(block.clean), 0
        for seg in block.segments:
            start = block.clean.index(seg.fr, cursor)
            cursor = start + len(seg.fr)
            yield seg, doc.char_span(start, cursor, alignment_mode="expand")


def translate_protected(batch: list[Work], engine: Engine, report: TranslationReport) -> list[str]:
    """Translate with placeholders; segments whose placeholders did not survive are
    translated again unprotected and post-edited to the required terms."""
    masked = [for_engine(gl.protect(w.segment.fr, w.hits)) for w in batch]
    results = [gl.restore(out, w.hits) for out, w in zip(engine.translate_batch(masked), batch)]
    broken = [i for i, r in enumerate(results) if r is None]
    if broken:
        report.fallbacks += len(broken)
        plain = engine.translate_batch([for_engine(batch[i].segment.fr) for i in broken])
        terms = sorted({h.text for i in broken for h in batch[i].hits})
        renderings = dict(zip(terms, engine.translate_batch(terms)))
        for i, out in zip(broken, plain):
            results[i] = gl.post_edit(out, batch[i].hits, renderings, batch[i].segment.fr)
    return results
