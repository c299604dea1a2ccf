"""What the editor reviews before publishing: annotated diffs raw -> cleaned French,
the review report (findings, removals, glossary violations) and ``report.json``."""
from __future__ import annotations

import difflib
import json
from pathlib import Path

from .clean import render
from .model import Article, Book


def clean_diff(article: Article) -> str:
    """A unified diff of the raw source against the cleaned French (one block a line),
    each hunk's header naming the rules that changed the lines in it."""
    raw = article.raw.splitlines()
    cleaned = render(article)
    changes = [c for b in article.blocks for c in b.changes] + article.removed
    name = article.source.name
    out = [f"--- a/{name}\t(raw source)", f"+++ b/{name}\t(cleaned French)"]
    matcher = difflib.SequenceMatcher(None, raw, cleaned, autojunk=False)
    for group in matcher.get_grouped_opcodes(0):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        lines = set(range(i1 + 1, i2 + 1)) | ({i1} if i1 == i2 else set())
        rules = sorted({c.rule for c in changes if c.where.line in lines}
                       | ({"blank_lines"} if any(not raw[i].strip() for i in range(i1, i2)) else set()))
        out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@ rules: {', '.join(rules) or 'structure'}")
        for op, a1, a2, b1, b2 in group:
            if op == "equal":
                out += [" " + line for line in raw[a1:a2]]
                continue
            out += ["-" + line for line in raw[a1:a2]]
            out += ["+" + line for line in cleaned[b1:b2]]
    return "\n".join(out) + "\n"


def review_report(book: Book, violations: list[dict], engine_label: str) -> str:
    """A Markdown page for the editor: everything to look at, with its location."""
    lines = [f"# Review: {book.title}", "", f"Engine: {engine_label}", ""]
    for article in book.articles:
        lines += [f"## {article.title} ({article.source.name})", ""]
        if article.metadata:
            lines += [f"- metadata: {k} = {v}" for k, v in sorted(article.metadata.items())] + [""]
        removed = [c for c in article.removed if c.rule != "blank_lines"]
        if removed:
            lines += ["Removed from the body:", ""] + [f"- {c.where} [{c.rule}] {c.before}" for c in removed] + [""]
        if article.findings:
            lines += ["Suspicious (not changed, please check):", ""]
            lines += [f"- {f.where} [{f.kind}] «{f.text}»: {f.message}" for f in article.findings] + [""]
        count = sum(len(b.changes) for b in article.blocks)
        lines += [f"Repairs made: {count} (see {article.slug}.clean.diff)", ""]
    lines += ["## Glossary violations", ""]
    lines += [f"- {v['where']} {v['segment']}: «{v['term']}» requires “{v['required']}”\n  - FR: {v['fr']}\n  - EN: {v['en']}"
              for v in violations] or ["None: every glossary occurrence is honoured in the English."]
    return "\n".join(lines) + "\n"


def write_review(book: Book, out: Path, violations: list[dict], engine_label: str) -> None:
    review = out / "review"
    review.mkdir(parents=True, exist_ok=True)
    for article in book.articles:
        (review / f"{article.slug}.clean.diff").write_text(clean_diff(article), encoding="utf-8")
    (review / "report.md").write_text(review_report(book, violations, engine_label), encoding="utf-8")


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
