"""The published book: metadata from book.toml, the EPUB editions, the HTML edition and
reproducible builds, on a small book written here (not the seeds)."""
import re
import subprocess
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from pipeline import build, glossary
from pipeline.model import Article, Block, Book, Provenance, Segment
from pipeline.publish import meta
from pipeline.publish.html import publish_html
from pipeline.publish.view import project
from pipeline.tsv import DataFileError

from .conftest import ROOT, run_cli

ARTICLES = {
    "eolien.txt": """Énergie
Les éoliennes en mer changent le paysage
Le gouvernement a annoncé un nouveau partenariat avec trois régions côtières. Le partenariat doit durer dix ans.
Les chantiers
Trois étapes sont prévues :
• une étude des fonds marins
• la pose des fondations
• le raccordement au réseau
Les ingénieurs disent que la puissance de calcul des modèles météo aide à placer les turbines.
– Claire Martin, ingénieure
""",
    "lyon.txt": """La ville de Lyon a ouvert une bibliothèque numérique. Les lecteurs peuvent emprunter des livres en ligne.
Un succès rapide
Plus de dix mille personnes se sont inscrites en un mois. Le partenariat avec les écoles continue.
""",
}
BOOK = """[book]
identifier = "essai/carnets"
date = 2025-03-14
title = { fr = "Carnets d’essai", en = "Test notebooks" }
subtitle = { fr = "Deux articles", en = "Two articles" }
description = { fr = "Un petit livre pour les tests.", en = "A small book for the tests." }
editor = "Jeanne Éditrice"
publisher = "Éditions d’essai"
rights = "Tous droits réservés."

[cover]
background = "#ffffff"
foreground = "#000000"

[articles.lyon]
title = "Lyon ouvre une bibliothèque numérique"
source = "Le Journal d’essai"
author = "Jeanne Dupont"
"""
EDITIONS = ("bilingue", "english", "francais")


def write_book(folder: Path) -> tuple[Path, Path]:
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (seeds / name).write_text(text, encoding="utf-8")
    (folder / "book.toml").write_text(BOOK, encoding="utf-8")
    return seeds, folder / "book.toml"


def build_book(folder: Path, out: Path) -> dict:
    seeds, book = write_book(folder) if not (folder / "seeds").exists() else (folder / "seeds", folder / "book.toml")
    return build.build(build.Options(seeds=seeds, out=out, engine="apertium", book=book,
                                     approved=folder / "none.tmx"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    out = folder / "out"
    build_book(folder, out)
    return folder, out


def epub_files(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as epub:
        return {n: epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith((".opf", ".xhtml", ".ncx"))}


# --- book.toml -------------------------------------------------------------------------

def bad_book(tmp_path, old: str, new: str) -> Path:
    path = tmp_path / "book.toml"
    assert old in BOOK
    path.write_text(BOOK.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ("date = 2025-03-14", "date = \"hier\"", r"book\.toml:3: book\.date: expected a date, got 'hier'; write date = "),
    ("editor =", "editeur =", r"book\.toml:7: book\.editeur: unknown key; use one of: identifier, date"),
    (", en = \"Test notebooks\"", "", r"book\.toml:4: book\.title\.en: missing; add en = "),
    ("foreground = \"#000000\"", "foreground = \"black\"", r"cover\.foreground: expected a colour like \"#1d2b3a\""),
    ("foreground = \"#000000\"", "foreground = \"#eeeeee\"", r"cover\.foreground: contrast with the background is 1\.1\d:1"),
    ("identifier = \"essai/carnets\"", "", r"book\.identifier: missing; add identifier = "),
    ("[articles.lyon]", "[articles.lyon", r"book\.toml: .*line 15.*fix the TOML syntax"),
    ("author = \"Jeanne Dupont\"", "auteur = \"Jeanne Dupont\"", r"articles\.lyon\.auteur: unknown key; use one of: title"),
])
def test_bad_book_toml_names_file_line_key_and_fix(tmp_path, old, new, expected):
    with pytest.raises(DataFileError, match=expected):
        meta.load(bad_book(tmp_path, old, new))


def test_book_toml_is_read_as_data(tmp_path):
    metadata = meta.load(bad_book(tmp_path, "date = 2025-03-14", "date = \"2025-03\""))
    assert metadata["title"] == {"fr": "Carnets d’essai", "en": "Test notebooks"}
    assert metadata["date"] == "2025-03" and meta.full_date(metadata["date"]) == "2025-03-01"
    assert metadata["articles"]["lyon"]["author"] == "Jeanne Dupont"
    assert metadata["articles"]["lyon"]["title_line"] == 16


def test_cli_exits_2_on_a_bad_book_toml(tmp_path):
    seeds, _ = write_book(tmp_path)
    bad = bad_book(tmp_path, "date = 2025-03-14", "date = 14")
    done = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--engine", "apertium",
                   "--book", str(bad))
    assert done.returncode == 2
    assert f"{bad}:3: book.date: expected a date, got 14" in done.stderr


def test_a_title_for_an_article_that_has_one_is_refused(tmp_path):
    seeds, _ = write_book(tmp_path)
    path = bad_book(tmp_path, "[articles.lyon]", "[articles.eolien]\ntitle = \"Autre titre\"\n\n[articles.lyon]")
    from pipeline import ingest

    with pytest.raises(DataFileError, match=r"articles\.eolien\.title: the source already has a title"):
        meta.apply(ingest.ingest(seeds), meta.load(path))


# --- EPUB ------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_passes_epubcheck_without_warnings(small, edition):
    _, out = small
    done = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", str(out / f"{edition}.epub")],
                          capture_output=True, text=True)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in done.stdout, done.stdout + done.stderr


def test_epub_identity_comes_from_book_toml(small):
    _, out = small
    opf = next(text for name, text in epub_files(out / "bilingue.epub").items() if name.endswith(".opf"))
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "bilingue:essai/carnets/bilingue")
    assert f">urn:uuid:{expected}</dc:identifier>" in opf
    assert re.findall(r"<dc:language>(\w+)</dc:language>", opf) == ["fr", "en"]
    assert "<dc:title" in opf and "Carnets d’essai / Test notebooks</dc:title>" in opf
    for value in ("Éditions d’essai</dc:publisher>", "Tous droits réservés.</dc:rights>", "Jeanne Éditrice</dc:creator>",
                  "<dc:date id=\"epub-date\">2025-03-14", 'properties="cover-image"',
                  '<meta property="dcterms:modified">2025-03-14T00:00:00Z</meta>', "apertium"):
        assert value in opf, value
    english = next(t for n, t in epub_files(out / "english.epub").items() if n.endswith(".opf"))
    assert re.findall(r"<dc:language>(\w+)</dc:language>", english) == ["en"]
    assert str(uuid.uuid5(uuid.NAMESPACE_URL, "bilingue:essai/carnets/english")) in english


def test_bilingual_contents_list_titles_and_english_headings(small):
    _, out = small
    files = epub_files(out / "bilingue.epub")
    nav = etree.fromstring(files["EPUB/nav.xhtml"].encode())
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    entries = ["".join(a.itertext()) for a in nav.xpath("//h:nav[@id='toc']//h:a", namespaces=ns)]
    chapters = [e for e in entries if "Les éoliennes" in e or "Lyon ouvre" in e]
    assert len(chapters) == 2 and all(" / " in e for e in chapters), entries
    assert any(e.startswith("Les chantiers / ") and len(e) > len("Les chantiers / ") for e in entries), entries
    assert any(e.startswith("Glossaire / Glossary") for e in entries) and "Colophon" in entries
    assert sum(e.startswith("Un succès rapide") for e in entries) == 1  # no heading listed twice


def chapter_with(files: dict[str, str], text: str):
    name = next(n for n, t in files.items() if text in t and "/text/ch" in n)
    return etree.fromstring(files[name].encode())


def test_lists_stay_lists_with_each_item_in_both_languages(small):
    _, out = small
    root = chapter_with(epub_files(out / "bilingue.epub"), "raccordement")
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    lists = root.xpath("//h:ul", namespaces=ns)
    assert len(lists) == 1
    items = lists[0].xpath("h:li", namespaces=ns)
    assert len(items) == 3
    for item in items:
        assert [d.get("lang") for d in item.xpath("h:div", namespaces=ns)] == ["fr", "en"]
        assert item.xpath("string(h:div[@lang='en'])", namespaces=ns).strip()


def test_english_is_set_apart_and_single_language_editions_hold_one_language(small):
    _, out = small
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        css = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    assert re.search(r"div\.en \{[^}]*font-style: italic[^}]*border-left", css)
    english = "".join(t for n, t in epub_files(out / "english.epub").items() if "/text/ch" in n)
    french = "".join(t for n, t in epub_files(out / "francais.epub").items() if "/text/ch" in n)
    assert "raccordement au réseau" not in english and "raccordement au réseau" in french
    assert "Lyon ouvre une bibliothèque numérique" in french
    assert "Jeanne Dupont" in english and "Le Journal d’essai" in french  # article source and author
    assert "lyon.txt" not in english + french


# --- reproducible --------------------------------------------------------------------

def test_two_builds_at_different_times_into_different_folders_are_byte_identical(small, tmp_path):
    folder, first = small
    time.sleep(2)  # zip entry times have a two-second resolution
    second = tmp_path / "elsewhere" / "out"
    build_book(folder, second)
    published = (first / ".current").resolve()  # the version the documented paths lead into
    names = sorted(p.relative_to(published) for p in [*published.glob("*.epub"), *(published / "html").rglob("*")])
    assert len([n for n in names if n.suffix == ".epub"]) == 3 and len(names) >= 3 + 4
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    with zipfile.ZipFile(first / "bilingue.epub") as epub:
        assert {info.date_time for info in epub.infolist()} == {(2025, 3, 14, 0, 0, 0)}


# --- HTML ----------------------------------------------------------------------------

def test_index_links_every_edition_the_glossary_and_each_article_with_its_title(small):
    _, out = small
    index = html.parse(str(out / "html" / "index.html"))
    hrefs = index.xpath("//a/@href")
    assert {"../bilingue.epub", "../english.epub", "../francais.epub", "glossaire.html", "eolien.html",
            "lyon.html"} <= set(hrefs)
    lyon = index.xpath("//main//a[@href='lyon.html']")[0]
    assert lyon.xpath("string(span[@lang='fr'])") == "Lyon ouvre une bibliothèque numérique"
    assert lyon.xpath("string(span[@lang='en'])").strip()
    glossary_page = html.parse(str(out / "html" / "glossaire.html"))
    assert glossary_page.xpath("//dt[@lang='fr'][.='partenariat']/following-sibling::dd[1]/text()") == ["partnership"]


def test_article_page_has_landmarks_pager_and_no_internal_file_names(small):
    _, out = small
    tree = html.parse(str(out / "html" / "eolien.html"))
    assert tree.xpath("count(//nav)") >= 2 and tree.xpath("count(//main)") == 1
    assert tree.xpath("//nav[@class='pager']//a/@href") == ["lyon.html"]
    assert html.parse(str(out / "html" / "lyon.html")).xpath("//nav[@class='pager']//a/@href") == ["eolien.html"]
    assert tree.xpath("//div[@class='edition']/button/@data-show") == ["fr", "both", "en"]
    text = (out / "html" / "eolien.html").read_text(encoding="utf-8")
    assert "eolien.txt" not in text and "Source: " not in text
    assert tree.xpath("count(//*[@title])") == 0  # entries are links to the page's glossary, not tooltips
    assert tree.xpath("count(//*[@tabindex='0'])") == 0  # sentences are not each a Tab stop


def test_terms_are_marked_once_per_paragraph_and_link_to_their_entry(small):
    _, out = small
    tree = html.parse(str(out / "html" / "eolien.html"))
    paragraph = tree.xpath("//div[@lang='fr']/p[contains(., 'nouveau partenariat')]")[0]
    assert paragraph.text_content().count("partenariat") == 2
    assert [a.text for a in paragraph.xpath(".//a[@class='term']")] == ["partenariat"]
    href = paragraph.xpath(".//a[@class='term']/@href")[0]
    assert tree.xpath(f"//dt[@id='{href[1:]}']/text()") == ["partenariat"]
    assert "10^9" not in (out / "html" / "eolien.html").read_text(encoding="utf-8")  # editor notes stay out


def test_english_terms_come_from_what_the_translate_stage_recorded(tmp_path):
    terms = glossary.load(ROOT / "glossary" / "terms.tsv")
    entry = next(e for e in terms.entries if e.fr == "partenariat")
    fr = "Le partenariat avance et le partenariat grandit."
    en = "The alliance progresses and the partnership grows."  # only the second one honours the entry
    start = en.index("partnership")
    where = Provenance("x.txt", 1)
    segment = Segment(id="a1-b2-s1", fr=fr, where=where, en=en, terms=glossary.find(fr, terms),
                      en_terms=[(start, start + len("partnership"), entry)])
    title = Block(kind="title", raw="Titre", where=where, clean="Titre",
                  segments=[Segment(id="a1-b1-s1", fr="Titre", where=where, en="Title")])
    block = Block(kind="paragraph", raw=fr, where=where, clean=fr, segments=[segment])
    (tmp_path / "book.toml").write_text(BOOK, encoding="utf-8")
    book = Book(title="t", articles=[Article(source=Path("x.txt"), slug="x", blocks=[title, block])],
                metadata=meta.load(tmp_path / "book.toml"), engine="test")
    publish_html(project(book), tmp_path / "html", "colophon")
    tree = html.parse(str(tmp_path / "html" / "x.html"))
    english = tree.xpath("//span[@id='en-a1-b2-s1']")[0]
    assert english.text_content() == en
    assert english.text == "The alliance progresses and the " and [a.text for a in english] == ["partnership"]
    assert [a.text for a in tree.xpath("//span[@id='fr-a1-b2-s1']/a[@class='term']")] == ["partenariat"]


def test_an_untitled_article_is_headed_by_its_first_heading_shown_once():
    where = Provenance("x.txt", 1)

    def block(kind, fr, n):
        return Block(kind=kind, raw=fr, where=where, clean=fr,
                     segments=[Segment(id=f"a1-b{n}-s1", fr=fr, where=where, en=f"EN {fr}")])

    article = Article(source=Path("x.txt"), slug="x", blocks=[
        block("paragraph", "Un premier paragraphe sans titre au-dessus.", 1),
        block("heading", "Une intertitre", 2), block("paragraph", "La suite du texte.", 3)])
    view = project(Book(title="t", articles=[article], metadata={}))
    assert view.articles[0].title.text("fr") == "Une intertitre"
    assert view.articles[0].title.text("en") == "EN Une intertitre"
    assert [u.kind for u in view.articles[0].units] == ["paragraph", "paragraph"]
