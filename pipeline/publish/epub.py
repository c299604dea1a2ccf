"""The EPUB 3 editions: bilingual (each French block followed by its English, set in
italic behind a rule, so the two read apart on an e-ink screen), English only and
French only. Each has a generated cover, a title page with the book's metadata, a table
of contents (``Titre / Title`` in the bilingual edition), one chapter per article with
its date and source, lists kept as lists, a glossary and a colophon.

The book view is turned into pandoc's own document tree (JSON) and pandoc writes the
EPUB; its file times come from ``SOURCE_DATE_EPOCH`` (the book's date unless set), and
the identifier is derived from book.toml, so the same inputs give the same bytes.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import pypandoc

from . import cover, meta
from .view import EDITIONS, SAFE_LINK, ArticleView, BookView, Run, Unit, label, runs

PANDOC_API = [1, 23, 1, 1]  # pandoc-types version of the pandoc in the pinned pypandoc-binary
STYLESHEET = Path(__file__).with_name("epub.css")
FILES = {"bilingue": "bilingue.epub", "english": "english.epub", "francais": "francais.epub"}


# --- pandoc's document tree ---------------------------------------------------------

def inlines(text: str) -> list:
    words = text.split()
    out: list = []
    for i, word in enumerate(words):
        if i:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def attr(id: str = "", classes: tuple[str, ...] = (), **values: str) -> list:
    return [id, list(classes), [[key.replace("__", ":"), value] for key, value in values.items()]]


def span(content: list, *classes: str, **values: str) -> dict:
    return {"t": "Span", "c": [attr("", classes, **values), content]}


def div(blocks: list, *classes: str, id: str = "", **values: str) -> dict:
    return {"t": "Div", "c": [attr(id, classes, **values), blocks]}


def para(content: list) -> dict:
    return {"t": "Para", "c": content}


def plain(content: list) -> dict:
    return {"t": "Plain", "c": content}


def header(level: int, content: list, id: str = "", classes: tuple[str, ...] = (), **values: str) -> dict:
    return {"t": "Header", "c": [level, attr(id, classes, **values), content]}


def meta_inlines(content: list) -> dict:
    return {"t": "MetaInlines", "c": content}


def meta_text(text: str) -> dict:
    return {"t": "MetaString", "c": text}


# --- the book in one edition --------------------------------------------------------

def twin_inlines(texts: dict[str, list], langs: tuple[str, ...]) -> list:
    """One line in the edition's languages: ``French / English`` (the English its own span);
    ``texts`` holds each language's text, or its inlines."""
    texts = {lang: inlines(t) if isinstance(t, str) else t for lang, t in texts.items()}
    if len(langs) == 1:
        return texts[langs[0]]
    return [span(texts["fr"], lang="fr"), {"t": "Space"}, span([{"t": "Str", "c": "/"}], "sep"),
            {"t": "Space"}, span(texts["en"], "en", lang="en")]


def unit_blocks(u: Unit, langs: tuple[str, ...]) -> list:
    if u.kind == "list":
        return [{"t": "BulletList", "c": [language_blocks(item, langs, plain) for item in u.items]}]
    if u.kind == "heading":
        return [header(2, twin_inlines({lang: unit_inlines(u, lang) for lang in langs}, langs))]
    blocks = language_blocks(u, langs, para)
    return [div(blocks, u.kind)] if u.kind in ("kicker", "attribution") else blocks


def styled_inlines(text: str, pieces: tuple[Run, ...]) -> list:
    """pandoc inlines for ``text`` with the source's emphasis, strong, code and links."""
    out: list = []
    for run in pieces:
        piece = text[run.start:run.end]
        if run.style is None:
            edge = [{"t": "Space"}] if piece[:1].isspace() and piece.strip() else []
            out += edge + inlines(piece) + ([{"t": "Space"}] if piece[-1:].isspace() else [])
        elif run.style.kind == "code":
            out.append({"t": "Code", "c": [attr(), piece]})
        elif run.style.kind == "link" and run.style.target.startswith(SAFE_LINK):
            out.append({"t": "Link", "c": [attr(), styled_inlines(text, run.inside), [run.style.target, ""]]})
        else:
            kind = {"emph": "Emph", "strong": "Strong"}.get(run.style.kind, "Span")
            content = styled_inlines(text, run.inside)
            out.append({"t": kind, "c": [attr(), content] if kind == "Span" else content})
    return out


def unit_inlines(u: Unit, lang: str) -> list:
    """The unit's sentences in one language, each with its source formatting, in a span
    whose id names the segment (``fr-a1-b2-s1``), as in the HTML: QA checks the twins."""
    out: list = []
    for i, s in enumerate(u.sentences):
        if i:
            out.append({"t": "Space"})
        content = styled_inlines(s.text[lang], runs(0, len(s.text[lang]), s.styles[lang]))
        out.append({"t": "Span", "c": [attr(f"{lang}-{s.id}", ("seg",)), content]})
    return out


def language_blocks(u: Unit, langs: tuple[str, ...], kind) -> list:
    """The unit's text in each language; in the bilingual edition each one in a block
    that carries its ``lang`` (the English styled apart)."""
    if len(langs) == 1:
        return [kind(unit_inlines(u, langs[0]))]
    return [div([kind(unit_inlines(u, lang))], *(("en",) if lang == "en" else ()), lang=lang) for lang in langs]


def article_blocks(article: ArticleView, langs: tuple[str, ...]) -> list:
    title = {lang: unit_inlines(article.title, lang) for lang in langs}
    blocks = [header(1, twin_inlines(title, langs), id=article.id)]
    if article.kicker:
        blocks += unit_blocks(article.kicker, langs)
    if article.info:
        blocks.append(div([para(inlines(info_line(article.info, langs)))], "info"))
    for u in article.units:
        blocks += unit_blocks(u, langs)
    return blocks


INFO_LABELS = {"date": ("Date", "Date"), "updated": ("Mis à jour", "Updated"), "author": ("Auteur", "Author"),
               "source": ("Source", "Source"), "url": ("Adresse", "Address")}


def info_line(info: dict[str, str], langs: tuple[str, ...]) -> str:
    colon = " : " if langs[0] == "fr" else ": "  # French typography spaces the colon
    return " · ".join(f"{label(*INFO_LABELS[key], langs)}{colon}{value}" for key, value in info.items())


def glossary_blocks(view: BookView, langs: tuple[str, ...]) -> list:
    terms = [e for e in view.entries if not e.is_name]
    names = [e for e in view.entries if e.is_name]
    if not view.entries:
        return []
    blocks = [header(1, inlines(label("Glossaire", "Glossary", langs)), id="glossary")]
    if terms:
        blocks.append(para(inlines(label("Termes imposés à la traduction, du français vers l’anglais.",
                                         "Terms the translation must use, from French to English.", langs))))
        items = [[[span(inlines(e.fr), lang="fr")], [plain([span(inlines(e.en), lang="en")])]] for e in terms]
        blocks.append({"t": "DefinitionList", "c": [[term, [definition]] for term, definition in items]})
    if names:
        blocks.append(header(2, inlines(label("Noms conservés tels quels", "Names kept as they are", langs))))
        blocks.append(para(inlines(", ".join(e.fr for e in names) + ".")))
    return blocks


def colophon_blocks(view: BookView, langs: tuple[str, ...], edition: str) -> list:
    m = view.metadata
    lines = [
        label(f"Traduction automatique : {view.engine}.", f"Machine translation: {view.engine}.", langs),
        label(f"Identifiant : {meta.edition_identifier(m, edition)}.", f"Identifier: {meta.edition_identifier(m, edition)}.",
              langs),
        label(f"Date : {m['date']}.", f"Date: {m['date']}.", langs),
        label("Fabriqué avec bilingue.", "Made with bilingue.", langs),
    ]
    if m["rights"]:
        lines.insert(2, m["rights"])
    return [header(1, inlines("Colophon"), id="colophon", epub__type="colophon"), *(para(inlines(x)) for x in lines)]


def document_meta(view: BookView, edition: str, cover_path: Path) -> dict:
    langs = EDITIONS[edition]
    m = view.metadata
    metadata = {
        "title": meta_inlines(twin_inlines(m["title"], langs)),
        "lang": meta_text(langs[0]),
        "date": meta_text(meta.full_date(m["date"])),
        "identifier": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"text": meta_text(meta.edition_identifier(m, edition))}}]},
        "cover-image": meta_text(str(cover_path)),
        "toc-title": meta_text(label("Sommaire", "Contents", langs)),
        "contributor": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"role": meta_text("trl"),
                                                                       "text": meta_text(view.engine)}}]},
    }
    if any(m["subtitle"].values()):
        metadata["subtitle"] = meta_inlines(twin_inlines(m["subtitle"], langs))
    if any(m["description"].values()):
        metadata["abstract"] = {"t": "MetaBlocks", "c": [para(inlines(" ".join(m["description"][lang] for lang in langs)))]}
        metadata["description"] = meta_text(" ".join(m["description"][lang] for lang in langs))
        metadata["abstract-title"] = meta_text(label("Présentation", "About this book", langs))
    for key in ("publisher", "rights"):
        if m[key]:
            metadata[key] = meta_text(m[key])
    if m["editor"]:
        metadata["creator"] = {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"role": meta_text("edt"),
                                                                              "text": meta_text(m["editor"])}}]}
    return metadata


def write_document(view: BookView, edition: str, cover_path: Path, handle: IO[str]) -> None:
    """The book as a pandoc JSON document, written article by article: a word is a node of
    pandoc's AST, so a whole book's tree would take many times the book's size in memory."""
    langs = EDITIONS[edition]
    handle.write(f'{{"pandoc-api-version":{json.dumps(PANDOC_API)},"meta":')
    json.dump(document_meta(view, edition, cover_path), handle, ensure_ascii=False)
    handle.write(',"blocks":[')
    parts = itertools.chain((article_blocks(article, langs) for article in view.articles),
                            [glossary_blocks(view, langs) + colophon_blocks(view, langs, edition)])
    separator = ""
    for blocks in parts:
        for block in blocks:
            handle.write(separator)
            json.dump(block, handle, ensure_ascii=False)
            separator = ","
    handle.write("]}")


def source_date_epoch(metadata: dict) -> str:
    return os.environ.get("SOURCE_DATE_EPOCH") or str(meta.epoch(metadata))


def publish_epub(view: BookView, out: Path, edition: str = "bilingue") -> Path:
    """Write one edition of the book to ``out``."""
    langs = EDITIONS[edition]
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cover_path, source = Path(tmp) / "cover.svg", Path(tmp) / "book.json"
        cover_path.write_text(cover.svg(view.metadata, langs), encoding="utf-8")
        with source.open("w", encoding="utf-8") as handle:
            write_document(view, edition, cover_path, handle)
        done = subprocess.run(
            [pypandoc.get_pandoc_path(), "--from=json", "--to=epub3", f"--output={out}", "--toc", "--toc-depth=2",
             "--split-level=1", f"--css={STYLESHEET}", str(source)],
            env={**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(view.metadata)}, capture_output=True,
        )
    if done.returncode:
        raise RuntimeError(f"pandoc could not write {out}: {done.stderr.decode(errors='replace').strip()}")
    if len(langs) > 1:
        declare_languages(out, langs)
    return out


def declare_languages(epub: Path, langs: tuple[str, ...]) -> None:
    """Pandoc declares one ``dc:language``; a bilingual book declares both. The archive is
    rewritten with the same entry order, times and compression."""
    with zipfile.ZipFile(epub) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    first = f"<dc:language>{langs[0]}</dc:language>"
    every = "\n    ".join(f"<dc:language>{lang}</dc:language>" for lang in langs)
    with zipfile.ZipFile(epub, "w") as archive:
        for info, data in entries:
            if info.filename.endswith(".opf"):
                data = data.decode("utf-8").replace(first, every, 1).encode("utf-8")
            archive.writestr(info, data, compress_type=info.compress_type)


def publish_editions(view: BookView, out: Path, editions: tuple[str, ...] = tuple(EDITIONS)) -> list[Path]:
    """Write the chosen editions under ``out`` (``bilingue.epub``, ``english.epub``, ``francais.epub``),
    side by side: each is a pandoc process of its own."""
    with ThreadPoolExecutor(max_workers=max(1, min(len(editions), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda edition: publish_epub(view, out / FILES[edition], edition), editions))
