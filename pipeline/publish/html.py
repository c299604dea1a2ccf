"""The HTML edition: an index, one page per article and a glossary page.

Each article shows French and English side by side (stacked on narrow screens), every
sentence linked to its twin: hovering, tapping or focusing one highlights the other.
Keyboard readers reach the text with one Tab and move sentence by sentence with the
arrow keys. A control shows French, English or both, remembered across pages. Glossary
terms are marked at their first occurrence in a paragraph, as links to their entry at
the foot of the page. Built as lxml trees, so all text is escaped.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from lxml import etree
from lxml.builder import E

from ..glossary import Entry
from .epub import FILES
from .view import LANGS, SAFE_LINK, BookView, Run, Sentence, TermMark, Unit, runs

ASSETS = ("style.css", "bilingue.js")
BLOCK_TAGS = {"kicker": "p", "title": "h1", "heading": "h2", "paragraph": "p", "list_item": "li", "attribution": "p"}
INFO_LABELS = {"date": "Date", "updated": "Mis à jour / Updated", "author": "Auteur / Author",
               "source": "Source", "url": "Adresse / Address"}
HINT = ("Survolez ou touchez une phrase pour voir sa traduction. / Hover over or tap a sentence to see its translation.",
        " Clavier : Tab, puis ↑ ↓ de phrase en phrase, ← → vers la traduction, Tab vers les termes de la phrase. / "
        "Keyboard: Tab, then ↑ ↓ from sentence to sentence, ← → to the translation, Tab to the sentence's terms.")
EDITION_LABELS = {"bilingue": "bilingue / bilingual", "english": "English", "francais": "français"}


def term_id(entry: Entry) -> str:
    """A fragment id for a glossary entry: ``t-puissance-de-calcul``."""
    return "t-" + "-".join("".join(c if c.isalnum() else " " for c in entry.fr.casefold()).split())


def marked_text(text: str, marks: list[TermMark]) -> list:
    """``text`` with the first occurrence in its paragraph of each glossary term (names
    are not marked: they stay as they are) as a link to the entry."""
    out: list = []
    pos = 0
    for mark in marks:
        if not mark.first or mark.entry.is_name or mark.start < pos:
            continue
        out.append(text[pos:mark.start])
        out.append(E.a(text[mark.start:mark.end], {"class": "term", "href": f"#{term_id(mark.entry)}"}))
        pos = mark.end
    out.append(text[pos:])
    return [part for part in out if not isinstance(part, str) or part]


STYLE_TAGS = {"emph": "em", "strong": "strong", "code": "code"}


def styled(text: str, pieces: tuple[Run, ...], marks: list[TermMark], in_link: bool = False) -> list:
    """The source's formatting (emphasis, strong, code, links) around the marked terms; no
    term link inside a source link (links do not nest)."""
    out: list = []
    for run in pieces:
        if run.style is None:
            inside = [m if not run.start else replace(m, start=m.start - run.start, end=m.end - run.start)
                      for m in marks if run.start <= m.start and m.end <= run.end]
            piece = text[run.start:run.end]
            out += [piece] if in_link else marked_text(piece, inside)
            continue
        link = run.style.kind == "link"
        children = styled(text, run.inside, marks, in_link or link)
        if link and run.style.target.startswith(SAFE_LINK) and not in_link:
            out.append(E.a({"href": run.style.target, "class": "source-link"}, *children))
        else:
            out.append(E(STYLE_TAGS.get(run.style.kind, "span"), *children))
    return out


def sentence_span(sentence: Sentence, lang: str):
    other = "en" if lang == "fr" else "fr"
    text = sentence.text[lang]
    return E.span({"class": "seg", "id": f"{lang}-{sentence.id}", "data-twin": f"{other}-{sentence.id}",
                   "tabindex": "-1"}, *styled(text, runs(0, len(text), sentence.styles[lang]), sentence.marks[lang]))


def block_element(u: Unit, lang: str):
    element = etree.Element(BLOCK_TAGS[u.kind], {"class": u.kind})
    for i, sentence in enumerate(u.sentences):
        if i:
            element[-1].tail = " "
        element.append(sentence_span(sentence, lang))
    return element


def cell(u: Unit, lang: str):
    content = E.ul(*(block_element(item, lang) for item in u.items)) if u.kind == "list" else block_element(u, lang)
    return E.div({"lang": lang, "class": f"cell {lang}"}, content)


def edition_control():
    """Three buttons (French, both, English); the script keeps the choice in localStorage."""
    buttons = [E.button({"type": "button", "data-show": show, "aria-pressed": "true" if show == "both" else "false"},
                        text) for show, text in (("fr", "Français"), ("both", "FR + EN"), ("en", "English"))]
    return E.div({"class": "edition", "role": "group", "aria-label": "Langue affichée / Language shown"}, *buttons)


def page(title: str, colophon: str, content: list, pager=None) -> etree._ElementTree:
    top = E.nav({"class": "top", "aria-label": "Navigation"}, E.a("Sommaire / Contents", href="index.html"),
                E.a("Glossaire / Glossary", href="glossaire.html"))
    html = E.html(
        {"lang": "fr", "data-edition": "both"},
        E.head(E.meta(charset="utf-8"), E.meta(name="viewport", content="width=device-width, initial-scale=1"),
               E.title(title), E.link(rel="stylesheet", href="style.css"), E.script(src="bilingue.js")),
        E.body(E.a({"class": "skip", "href": "#main"}, "Aller au texte / Skip to text"),
               E.header({"class": "site"}, top, edition_control()),
               E.main({"id": "main"}, *content), *([pager] if pager is not None else []),
               E.footer(E.p(colophon))),
    )
    return etree.ElementTree(html)


def write(tree: etree._ElementTree, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<!DOCTYPE html>\n" + etree.tostring(tree, method="html", encoding="utf-8"))


def both(texts: dict[str, str]) -> list:
    """The same thing in both languages, each with its ``lang`` (hidden per edition by CSS)."""
    return [E.span({"lang": lang, "class": lang}, texts[lang]) for lang in LANGS]


def pager(view: BookView, index: int):
    """Previous and next article, in both languages."""
    links = []
    for step, rel, arrow in ((-1, "prev", "←"), (1, "next", "→")):
        n = index + step
        if 0 <= n < len(view.articles):
            target = view.articles[n]
            name = {lang: target.title.text(lang) for lang in LANGS}
            links.append(E.a({"rel": rel, "href": f"{target.slug}.html", "class": rel},
                             E.span({"class": "arrow", "aria-hidden": "true"}, arrow), *both(name)))
    return E.nav({"class": "pager", "aria-label": "Articles précédent et suivant / Previous and next articles"}, *links)


def article_page(view: BookView, index: int, colophon: str) -> etree._ElementTree:
    article = view.articles[index]
    # The kicker follows the title, as in the EPUB (where a chapter starts at its title):
    # every writer shows the segments in the view's one order.
    title_cells = [E.div({"lang": lang, "class": f"cell {lang}"}, block_element(article.title, lang),
                         *([block_element(article.kicker, lang)] if article.kicker else [])) for lang in LANGS]
    content = [E.div({"class": "row title-row"}, *title_cells)]
    if article.info:
        content.append(E.p({"class": "info"}, " · ".join(f"{INFO_LABELS[k]} : {v}" for k, v in article.info.items())))
    content.append(E.p({"class": "hint"}, HINT[0], E.span({"class": "keys"}, HINT[1])))
    content += [E.div({"class": "row"}, cell(u, "fr"), cell(u, "en")) for u in article.units]
    terms = [e for e in article.entries if not e.is_name]
    if terms:
        content.append(E.aside({"class": "terms", "aria-labelledby": "terms-title"},
                               E.h2({"id": "terms-title"}, "Termes du glossaire / Glossary terms"), entry_list(terms)))
    title = " / ".join(article.title.text(lang) for lang in LANGS)
    return page(title, colophon, [E.article(*content)], pager(view, index))


def entry_list(entries) -> etree._Element:
    items = []
    for entry in entries:
        items += [E.dt({"id": term_id(entry), "lang": "fr"}, entry.fr), E.dd({"lang": "en"}, entry.en)]
    return E.dl({"class": "entries"}, *items)


def index_page(view: BookView, colophon: str, editions: tuple[str, ...]) -> etree._ElementTree:
    m = view.metadata
    heading = [E.h1(*both(m["title"]))]
    if any(m["subtitle"].values()):
        heading.append(E.p({"class": "subtitle"}, *both(m["subtitle"])))
    about = [E.p({"class": "description"}, *both(m["description"]))] if any(m["description"].values()) else []
    credits = [E.p({"class": "info"}, " · ".join(x for x in dict.fromkeys((m["editor"], m["publisher"], m["date"])) if x))]
    items = []
    for article in view.articles:
        name = {lang: article.title.text(lang) for lang in LANGS}
        date = [E.span({"class": "info"}, article.info["date"])] if "date" in article.info else []
        items.append(E.li(E.a({"href": f"{article.slug}.html"}, *both(name)), *date))
    downloads = E.nav({"class": "downloads", "aria-label": "Livres numériques / E-books"},
                      E.h2("Lire hors ligne (EPUB) / Read offline (EPUB)"),
                      E.ul(*(E.li(E.a(EDITION_LABELS[e], href=f"../{FILES[e]}")) for e in editions)),
                      E.p(E.a("Glossaire / Glossary", href="glossaire.html")))
    tree = page(view.title(LANGS), colophon, [E.header({"class": "book"}, *heading, *about, *credits),
                                               E.ol({"class": "contents"}, *items)])
    tree.find(".//main").addnext(downloads)
    return tree


def glossary_page(view: BookView, colophon: str) -> etree._ElementTree:
    terms = [e for e in view.entries if not e.is_name]
    names = [e for e in view.entries if e.is_name]
    content = [E.h1("Glossaire / Glossary"),
               E.p("Les termes que la traduction doit employer. / The terms the translation must use."),
               entry_list(terms)]
    if names:
        content += [E.h2("Noms conservés tels quels / Names kept as they are"),
                    E.p(", ".join(e.fr for e in names) + ".")]
    return page("Glossaire / Glossary", colophon, content)


def publish_html(view: BookView, out: Path, colophon: str, editions: tuple[str, ...] = tuple(FILES)) -> list[Path]:
    """Write the site under ``out``: ``index.html``, ``glossaire.html``, one page per
    article and the stylesheet and script; return the pages."""
    out.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(Path(__file__).with_name(asset), out / asset)
    write(index_page(view, colophon, editions), out / "index.html")
    write(glossary_page(view, colophon), out / "glossaire.html")
    for n, article in enumerate(view.articles):  # each page written as soon as it is made: one in memory at a time
        write(article_page(view, n, colophon), out / f"{article.slug}.html")
    return [out / name for name in ("index.html", "glossaire.html", *(f"{a.slug}.html" for a in view.articles))]
