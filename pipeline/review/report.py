"""``report.md``: what the editor must look at, with its location, as Markdown in which no
source text can become markup (titles, findings and file names are escaped)."""
from __future__ import annotations

import re

from .. import glossary as gl
from .. import qa
from ..model import Book, Segment
from .marks import visible

MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#|~])")  # what can start emphasis, code, a link or a table


def md(text: str) -> str:
    """Source text as literal Markdown: HTML special characters become entities, Markdown
    punctuation is escaped, line breaks and invisible characters become visible marks.

    >>> md("<script>alert(1)</script> *gras* [lien](x)")
    '&lt;script&gt;alert(1)&lt;/script&gt; \\\\*gras\\\\* \\\\[lien\\\\](x)'
    """
    text = visible(text.replace("\r\n", "\n").replace("\n", " ").replace("\r", " "))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def verdicts(segment: Segment) -> list[bool]:
    """Honoured or not, per glossary hit; computed from the English when the translate
    stage did not record it."""
    if len(segment.honoured) == len(segment.terms):
        return list(segment.honoured)
    return gl.honoured(segment.en, segment.terms)


def violations(book: Book) -> list[tuple[Segment, gl.Hit]]:
    return [(s, hit) for s in book.segments for hit, ok in zip(s.terms, verdicts(s)) if not ok]


def review_report(book: Book) -> str:
    lines = [f"# Review: {md(book.title)}", "", f"Engine: {md(book.engine or 'unknown')}", "",
             "Aligned review pages: index.html (French before and after repair, English with its origin and flags).", ""]
    for article in book.articles:
        lines += [f"## {md(article.title)} ({md(article.source.name)})", ""]
        if article.metadata:
            lines += [f"- metadata: {md(k)} = {md(v)}" for k, v in sorted(article.metadata.items())] + [""]
        removed = [c for c in article.removed if c.rule != "blank_lines"]
        if removed:
            lines += ["Removed from the body:", ""] + [f"- {md(str(c.where))} [{c.rule}] {md(c.before)}" for c in removed] + [""]
        if article.findings:
            lines += ["Suspicious (not changed, please check):", ""]
            lines += [f"- {md(str(f.where))} [{f.kind}] «{md(f.text)}»: {md(f.message)}" for f in article.findings] + [""]
        count = sum(len(b.changes) for b in article.blocks)
        lines += [f"Repairs made: {count} (see {md(article.slug)}.clean.diff, {md(article.slug)}.changes.txt)", ""]
    lines += ["## Glossary violations", ""]
    lines += [f"- {md(str(s.where))} {s.id}: «{md(hit.entry.fr)}» requires “{md(hit.required)}”\n"
              f"  - FR: {md(s.fr)}\n  - EN: {md(s.en)}" for s, hit in violations(book)] \
        or ["None: every glossary occurrence is honoured in the English."]
    if "qa" in book.stats:
        lines += [""] + qa.markdown_section(book.stats["qa"], md)
    return "\n".join(lines) + "\n"
