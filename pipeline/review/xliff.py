"""One XLIFF 1.2 file per article (translate-toolkit), for an editor's CAT tool (OmegaT,
Poedit, Okapi…): each segment's French and English, its state, and notes with its origin,
the repair rules behind its French, its glossary verdicts and its QA flags.

Approved translations go out as ``state="final" approved="yes"``; the machine's as
``state="needs-review-translation"`` with the machine's English kept in an ``alt-trans``,
so ``memory.read_xliff`` can tell an edited target from an untouched one.
"""
from __future__ import annotations

from pathlib import Path

from translate.storage.xliff import xlifffile

from ..memory import MACHINE_ORIGIN
from ..model import Article, Segment
from .report import verdicts
from .words import BlockRepairs, block_repairs, rule_ids


def segment_notes(segment: Segment, repairs: BlockRepairs) -> list[str]:
    start = repairs.block.clean.find(segment.fr)
    rules = rule_ids(repairs.changes_at(start, start + len(segment.fr))) if start >= 0 else []
    notes = [f"origin: {' '.join(p for p in (segment.origin, segment.route) if p) or 'none'}"]
    if rules:
        notes.append(f"French repairs: {', '.join(rules)}")
    notes += [f"glossary: «{hit.entry.fr}» -> {hit.required}: {'honoured' if ok else 'MISSING'}"
              for hit, ok in zip(segment.terms, verdicts(segment))]
    notes += [f"flag {f.check} ({f.severity}): {f.message}" + (f" [accepted: {f.accepted}]" if f.accepted else "")
              for f in segment.flags]
    notes += [f"English post-edit {c.rule}: {c.before} -> {c.after}" for c in segment.en_changes]
    return notes


def article_xliff(article: Article) -> bytes:
    store = xlifffile(sourcelanguage="fr", targetlanguage="en")
    for block in article.blocks:
        repairs = block_repairs(block)
        for segment in block.segments:
            if not segment.fr:
                continue
            unit = store.addsourceunit(segment.fr, filename=article.source.name, createifmissing=True)
            unit.setid(segment.id)
            unit.target = segment.en
            unit.addlocation(str(segment.where))
            for note in segment_notes(segment, repairs):
                unit.addnote(note, origin="developer")
            target = unit.getlanguageNode(lang=None, index=1)
            if target is None:  # no English to review
                continue
            if segment.origin == "approved":
                target.set("state", "final")
                unit.markapproved(True)
            else:
                unit.markapproved(False)  # translate-toolkit approves any unit given a target
                target.set("state", "needs-review-translation")
                target.set("state-qualifier", "mt-suggestion")
                unit.addalttrans(segment.en, origin=MACHINE_ORIGIN)
    return bytes(store)


def write_xliff(article: Article, folder: Path) -> Path:
    path = folder / f"{article.slug}.xlf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(article_xliff(article))
    return path
