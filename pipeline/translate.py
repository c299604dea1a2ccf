"""Stage 4: French segments -> English, glossary-protected, through the memory and an engine.

For each segment: approved translation (TMX) if any; else the memory, keyed by source,
engine, model and the glossary entries that apply; else the engine, in batches, with the
glossary terms replaced by placeholders and the required English put back (names too
when the engine did not keep them; see ``translate_protected``). Every result is
verified against the glossary.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace

from tqdm import tqdm

from . import glossary as gl
from .engines import Engine, Translation
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
    reprotected: int = 0  # segments translated again because a name did not come through
    fallbacks: int = 0
    unknown_words: list[str] = field(default_factory=list)


def translate(book: Book, engine: Engine, memory: Memory | None = None, approved: dict[str, str] | None = None,
              protect: bool = True, batch_size: int = 128) -> Book:
    """Fill ``Segment.en`` for every segment of the book, protecting the glossary hits the
    glossary stage put on ``Segment.terms``; each finished batch of ``batch_size``
    segments is committed to the memory before the next one starts. The counts go to
    ``book.stats["translate"]``."""
    report = TranslationReport()
    approved = approved or {}
    pending: list[Work] = []
    for segment in book.segments:
        applied = "|".join(sorted(f"{h.entry.fr}={h.entry.en}:{h.entry.kind}" for h in segment.terms))
        applied += f"|protect={protect}"
        work = Work(segment, segment.terms, memory_key(segment.fr, engine.config_id, applied))
        if segment.fr in approved:
            segment.en, segment.origin = approved[segment.fr], "approved"
            report.approved += 1
        elif memory is not None and (cached := memory.recall(work.key)) is not None:
            segment.en, engine_route = cached
            segment.origin, segment.route = "memory", engine_route.partition(" ")[2]
            report.reused += 1
        else:
            pending.append(work)

    # Similar lengths in one engine call waste less padding; each result goes back to its own segment.
    pending.sort(key=lambda w: len(w.segment.fr))
    with tqdm(total=len(pending), unit="seg", desc=f"translate ({engine.name})", disable=not sys.stderr.isatty()) as bar:
        for start in range(0, len(pending), batch_size):
            batch = pending[start : start + batch_size]
            english = (translate_protected(batch, engine, report) if protect
                       else engine.translate_detailed([for_engine(w.segment.fr) for w in batch]))
            for work, done in zip(batch, english):
                seg = work.segment
                seg.en, seg.origin, seg.route = english_typography(done.en), "engine", done.routes
            if memory is not None:
                memory.put_many([(w.key, w.segment.fr, w.segment.en, f"{engine.name} {w.segment.route}", engine.model_id)
                                 for w in batch])
            report.translated += len(batch)
            bar.update(len(batch))
    report.unknown_words = sorted(set(getattr(engine, "unknown", [])))
    book.stats["translate"] = dict(report.__dict__)
    return book


def translate_masked(works: list[Work], engine: Engine, masked_hits) -> list[Translation | None]:
    """Translate with ``masked_hits(work)`` replaced by placeholders and their required
    English put back; None where a placeholder did not survive."""
    chosen = [masked_hits(w) for w in works]
    english = engine.translate_detailed([for_engine(gl.protect(w.segment.fr, hits)) for w, hits in zip(works, chosen)])
    restored = [(gl.restore(out.en, hits), out) for out, hits in zip(english, chosen)]
    return [None if en is None else replace(out, en=en) for en, out in restored]


def terms_only(hits: list[gl.Hit]) -> list[gl.Hit]:
    """The hits masked in the first pass: everything but names."""
    return [h for h in hits if not h.entry.is_name]


def names_kept(work: Work, english: str) -> bool:
    return all(ok for hit, ok in zip(work.hits, gl.honoured(english, work.hits)) if hit.entry.is_name)


def translate_protected(batch: list[Work], engine: Engine, report: TranslationReport) -> list[Translation]:
    """Glossary-safe translation of a batch, in up to three passes.

    1. Terms are replaced by placeholders; names are left to the engine, which copies them
       nearly always, and sees them in context: a placeholder costs tokens (bench/translate.py).
    2. Segments whose names did not come through are translated again with every glossary
       occurrence replaced by a placeholder.
    3. Segments whose placeholders did not survive are translated unprotected and
       post-edited to the required English.
    """
    results = translate_masked(batch, engine, lambda w: terms_only(w.hits))
    lost_names = [i for i, r in enumerate(results) if r is not None and not names_kept(batch[i], r.en)]
    if lost_names:
        report.reprotected += len(lost_names)
        again = translate_masked([batch[i] for i in lost_names], engine, lambda w: w.hits)
        for i, r in zip(lost_names, again):
            results[i] = r
    broken = [i for i, r in enumerate(results) if r is None]
    if broken:
        report.fallbacks += len(broken)
        plain = engine.translate_detailed([for_engine(batch[i].segment.fr) for i in broken])
        terms = sorted({h.text for i in broken for h in batch[i].hits})
        renderings = dict(zip(terms, engine.translate_batch(terms)))
        for i, out in zip(broken, plain):
            results[i] = replace(out, en=gl.post_edit(out.en, batch[i].hits, renderings, batch[i].segment.fr))
    return results
