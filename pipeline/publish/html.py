"""The bilingual HTML site: an index and one page per article, French and English side
by side, every sentence linked to its twin. Built as an lxml tree, so all text is escaped."""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml.builder import E

from .. import glossary as gl
from ..model import Article, Block, Book, Segment

CSS = """
body{font-family:Georgia,serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#222}
header,footer{color:#555;font-size:.9rem}
.row{display:grid;grid-template-columns:1fr 1fr;gap:2rem;margin:.6rem 0}
.seg{border-radius:3px;outline:none}
.seg:hover,.seg:focus,.seg.twin{background:#ffef9e}
.term{border-bottom:1px dotted #2a6;cursor:help}
.kicker{text-transform:uppercase;letter-spacing:.08em;color:#a33;font-size:.85rem}
.attribution{font-style:italic}
.label{font-size:.8rem;color:#777}
"""
# Hovering or focusing one sentence highlights its twin in the other language.
SCRIPT = """
document.addEventListener('DOMContentLoaded',function(){
  function twin(e,on){var s=e.target.closest('.seg');if(!s)return;
    var t=document.getElementById(s.dataset.twin);if(t)t.classList.toggle('twin',on);}
  ['mouseover','focusin'].forEach(function(n){document.addEventListener(n,function(e){twin(e,true)})});
  ['mouseout','focusout'].forEach(function(n){document.addEventListener(n,function(e){twin(e,false)})});
});
"""
BLOCK_TAGS = {"kicker": "p", "title": "h1", "heading": "h2", "paragraph": "p", "list_item": "li", "attribution": "p"}


def term_spans(text: str, spans: list[tuple[int, int, str]]) -> list:
    """Text with glossary occurrences wrapped in ``<span class="term" title=entry>``."""
    out: list = []
    pos = 0
    for start, end, title in sorted(spans):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(E.span(text[start:end], {"class": "term", "title": title}))
        pos = end
    out.append(text[pos:])
    return [part for part in out if not isinstance(part, str) or part]


def english_spans(english: str, hits: list[gl.Hit]) -> list[tuple[int, int, str]]:
    spans = []
    for hit in hits:
        forms = {hit.entry.en, gl.pluralise(hit.entry.en)}
        flags = 0 if hit.entry.is_name else re.IGNORECASE
        for form in forms:
            m = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", english, flags)
            if m:
                spans.append((m.start(), m.end(), entry_title(hit.entry)))
                break
    return spans


def entry_title(entry: gl.Entry) -> str:
    note = f" — {entry.note}" if entry.note else ""
    return f"{entry.fr} → {entry.en} ({entry.kind}){note}"


def segment_span(segment: Segment, lang: str):
    other = "en" if lang == "fr" else "fr"
    hits = segment.terms
    if lang == "fr":
        text, spans = segment.fr, [(h.start, h.end, entry_title(h.entry)) for h in hits]
    else:
        text, spans = segment.en, english_spans(segment.en, hits)
    span = E.span({"class": "seg", "id": f"{lang}-{segment.id}", "tabindex": "0", "data-twin": f"{other}-{segment.id}"},
                  *term_spans(text, spans))
    return span


def block_cell(block: Block, lang: str):
    tag = BLOCK_TAGS[block.kind]
    element = etree.Element(tag, {"class": block.kind})
    for i, segment in enumerate(block.segments):
        if i:
            element[-1].tail = " "
        element.append(segment_span(segment, lang))
    if block.kind == "list_item":
        element = E.ul(element)
    return E.div({"lang": lang, "class": "cell"}, element)


def page(title: str, colophon: str, *content) -> etree._ElementTree:
    html = E.html(
        {"lang": "fr"},
        E.head(E.meta(charset="utf-8"), E.meta(name="viewport", content="width=device-width, initial-scale=1"),
               E.title(title), E.style(CSS), E.script(SCRIPT)),
        E.body(*content, E.footer(E.p(colophon))),
    )
    return etree.ElementTree(html)


def write(tree: etree._ElementTree, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<!DOCTYPE html>\n" + etree.tostring(tree, method="html", encoding="utf-8"))


def article_page(article: Article, colophon: str) -> etree._ElementTree:
    rows = [E.div({"class": "row"}, block_cell(b, "fr"), block_cell(b, "en")) for b in article.blocks]
    meta = [E.p({"class": "label"}, f"{k}: {v}") for k, v in sorted(article.metadata.items())]
    header = E.header(E.p(E.a("← Sommaire / Contents", href="index.html")),
                      E.p({"class": "label"}, f"Source: {article.source.name}"), *meta)
    return page(article.title, colophon, header, E.main(*rows))


def publish_html(book: Book, out: Path, colophon: str) -> list[Path]:
    """Write ``index.html`` and one page per article under ``out``; return the paths."""
    written = []
    items = []
    for article in book.articles:
        path = out / f"{article.slug}.html"
        write(article_page(article, colophon), path)
        written.append(path)
        title_en = next((s.en for b in article.blocks if b.kind == "title" for s in b.segments), "")
        items.append(E.li(E.a(E.span({"lang": "fr"}, article.title), href=path.name),
                          E.br(), E.span({"lang": "en", "class": "label"}, title_en)))
    index = page(book.title, colophon, E.header(E.h1(book.title), E.p(colophon)), E.main(E.ol(*items)))
    write(index, out / "index.html")
    return [out / "index.html", *written]
