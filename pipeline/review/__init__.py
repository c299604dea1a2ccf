"""What the editor reviews, under ``<out>/review/``, written by every build:

- ``index.html`` and ``<article>.html``: raw French, cleaned French with each repair in
  place, English with its origin, glossary verdicts, QA flags and post-edits; filters for
  repaired blocks, flagged segments and English changed since the previous build;
- ``<article>.clean.diff``: word diff raw -> cleaned French, one hunk per change, rules on
  each hunk header; ``<article>.en.diff``: the English changed since the previous build;
- ``<article>.changes.txt``: every change and finding, as ``bilingue clean --explain``;
- ``report.md``: findings, removals and glossary violations;
- ``xliff/<article>.xlf``: XLIFF 1.2 for a CAT tool (``bilingue tm import`` reads it back);
- ``english.json``: each segment's English, what the next build compares with.
"""
from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from ..model import Book
from .diffs import clean_diff, english_diff, english_lines, explain
from .marks import visible
from .page import article_page, index_page
from .report import review_report
from .xliff import write_xliff

ENGLISH = "english.json"
FORMAT = 1


def previous_english(review: Path | None) -> dict[str, list[list[str]]] | None:
    """Article slug -> [source key, English] of the build whose review is in ``review``;
    None when there is none (or it cannot be read: then nothing counts as changed)."""
    if review is None:
        return None
    try:
        data = json.loads((review / ENGLISH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    articles = data.get("articles") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(articles, dict) or not all(map(is_english_record, articles.values())):
        return None
    return articles


def is_english_record(lines) -> bool:
    """A list of [source key, English] pairs of strings."""
    return isinstance(lines, list) and all(
        isinstance(line, list) and len(line) == 2 and all(isinstance(x, str) for x in line) for line in lines)


def write_review(book: Book, out_dir: Path, previous: Path | None = None) -> Path:
    """Write the review of ``book`` into ``out_dir/review``; ``previous`` is the previous
    build's review folder (read before anything is written), to show what changed."""
    before = previous_english(previous)
    review = out_dir / "review"
    review.mkdir(parents=True, exist_ok=True)
    for article in book.articles:
        earlier = before.get(article.slug) if before is not None else None
        (review / f"{article.slug}.clean.diff").write_text(clean_diff(article), encoding="utf-8")
        (review / f"{article.slug}.en.diff").write_text(english_diff(article, earlier), encoding="utf-8")
        (review / f"{article.slug}.changes.txt").write_text("\n".join(explain(article)) + "\n", encoding="utf-8")
        write_html(article_page(article, book, earlier), review / f"{article.slug}.html")
        write_xliff(article, review / "xliff")
    write_html(index_page(book, before), review / "index.html")
    (review / "report.md").write_text(review_report(book), encoding="utf-8")
    english = {"format": FORMAT, "articles": {a.slug: english_lines(a) for a in book.articles}}
    (review / ENGLISH).write_text(json.dumps(english, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return review


def write_html(tree: etree._ElementTree, path: Path) -> None:
    """Serialise a page; an invisible character that a page part did not mark (in a title,
    a flag's message…) is marked here, so none can hide or reorder text in the browser."""
    for element in tree.iter():
        element.text, element.tail = mark_all(element.text), mark_all(element.tail)
        for name, value in element.attrib.items():
            element.set(name, visible(value, spaces=False))
    path.write_bytes(b"<!DOCTYPE html>\n" + etree.tostring(tree, method="html", encoding="utf-8"))


def mark_all(text: str | None) -> str | None:
    return visible(text, spaces=False) if text else text


def build_report(book: Book) -> dict:
    """report.json: what the stages measured, the engine and the counts of the book."""
    stats = book.stats
    translated = stats.get("translate", {})
    engine = stats.get("engine", {})
    return {
        "inputs": stats.get("inputs", ""),
        "engine": engine.get("name", ""),
        "model_id": engine.get("model_id", ""),
        "engine_config": engine.get("config_id", ""),
        "stages": stats.get("stages", []),
        "counts": {
            "articles": len(book.articles),
            "blocks": sum(len(a.blocks) for a in book.articles),
            "segments": len(book.segments),
            "repairs": sum(len(b.changes) for a in book.articles for b in a.blocks),
            "removed_blocks": sum(1 for a in book.articles for c in a.removed if c.rule != "blank_lines"),
            "findings": sum(len(a.findings) for a in book.articles),
        },
        "articles_reused": stats.get("articles_reused", 0),
        "translated": translated.get("translated", 0),
        "reused": translated.get("reused", 0),
        "approved": translated.get("approved", 0),
        "names_reprotected": translated.get("reprotected", 0),
        "placeholder_fallbacks": translated.get("fallbacks", 0),
        "glossary": stats.get("glossary", {}),
        "engine_unknown_words": translated.get("unknown_words", []),
        "qa": stats.get("qa", {}),
        "seconds": stats.get("seconds", {}),
    }


def write_report(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
