"""The bilingual EPUB 3: one chapter per article, each French block followed by its
English twin (each with its ``lang``), a table of contents, a glossary appendix and a
colophon naming the engine and model. Written by pandoc (pypandoc-binary)."""
from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import pypandoc
from lxml import etree
from lxml.builder import E

from ..model import Article, Block, Book


def bilingual(block: Block) -> list:
    fr = " ".join(s.fr for s in block.segments)
    en = " ".join(s.en for s in block.segments)
    if block.kind == "heading":
        return [E.h2(fr), E.div({"lang": "en"}, E.p(E.strong(en)))]
    if block.kind == "list_item":
        return [E.div({"lang": "fr"}, E.ul(E.li(fr))), E.div({"lang": "en"}, E.ul(E.li(en)))]
    if block.kind in ("kicker", "attribution"):
        return [E.div({"lang": "fr"}, E.p(E.em(fr))), E.div({"lang": "en"}, E.p(E.em(en)))]
    return [E.div({"lang": "fr"}, E.p(fr)), E.div({"lang": "en"}, E.p(en))]


def chapter(n: int, article: Article) -> list:
    title = article.first("title")
    heading = title.clean if title else article.title
    title_en = " ".join(s.en for s in title.segments) if title else ""
    parts: list = [E.h1({"id": f"article-{n}"}, heading)]
    if title_en:
        parts.append(E.div({"lang": "en"}, E.p(E.em(title_en))))
    for block in article.blocks:
        if block is not title:
            parts += bilingual(block)
    return parts


def glossary_appendix(book: Book) -> list:
    used = {h.entry for s in book.segments for h in s.terms}
    if not used:
        return []
    rows = [E.tr(E.td({"lang": "fr"}, e.fr), E.td({"lang": "en"}, e.en), E.td(e.kind))
            for e in sorted(used, key=lambda e: e.fr.casefold())]
    table = E.table(E.thead(E.tr(E.th("Français"), E.th("English"), E.th("Type"))), E.tbody(*rows))
    return [E.h1({"id": "glossaire"}, "Glossaire / Glossary"), table]


def publish_epub(book: Book, out: Path, colophon: str, date: str | None = None) -> Path:
    date = date or datetime.date.today().isoformat()
    body = []
    for n, article in enumerate(book.articles, start=1):
        body += chapter(n, article)
    body += glossary_appendix(book)
    body += [E.h1({"id": "colophon"}, "Colophon"), E.p(colophon), E.p(f"Date: {date}")]
    document = E.html({"lang": "fr"}, E.head(E.meta(charset="utf-8"), E.title(book.title)), E.body(*body))
    html = etree.tostring(document, method="html", encoding="unicode")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # The book's language is French; pandoc keeps a single dc:language, so English is
        # declared where it occurs, on each English block.
        metadata = Path(tmp) / "metadata.xml"
        metadata.write_text(
            f"<dc:description>{escape(colophon)}</dc:description>\n",
            encoding="utf-8",
        )
        pypandoc.convert_text(
            html, "epub3", format="html", outputfile=str(out),
            extra_args=["--toc", "--split-level=1", f"--epub-metadata={metadata}",
                        "--metadata", f"title={book.title}", "--metadata", "lang=fr",
                        "--metadata", f"date={date}"],
        )
    return out


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
