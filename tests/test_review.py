"""The editor's review: word diffs in the source's layout, the aligned review pages, the
English since the previous build, and corrections that come back through XLIFF."""
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import html
from translate.storage.xliff import xlifffile

from pipeline import clean, ingest
from pipeline.memory import read_tmx, read_xliff
from pipeline.model import Book
from pipeline.review.diffs import clean_diff
from pipeline.review.report import review_report

from .conftest import run_cli, run_pipeline

SOLAR = """Énergie
Le Pari Solaire Des Villes Européennes

 date 2024-05 Les chercheurs de l'université ont publié un rapport sur l'énergie solaire : les résultats sont encourageants.

Le laboratoire a reçu trois millions en 2023 Depuis janvier, l'équipe travaille  avec des partenaires.


Selon la directrice, "la transition est possible" ; elle reste prudente.

Voir aussi
• Un autre article sur le vent
• Le nucléaire en débat
"""
WIND = """Le vent du large
Les éoliennes en mer produisent davantage quand la houle se lève.
Le port accueille les navires de maintenance chaque matin.
"""
PIECE = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")
QUOTED = "Selon la directrice, «\u202fla transition est possible\u202f»\u202f; elle reste prudente."  # one segment


def cleaned(text: str, name: str = "solaire.txt"):
    return clean.clean_article(ingest.parse_article(text, Path(name)), clean.default_context())


def hunks(diff: str) -> list[tuple[str, str]]:
    """(header, body) of each hunk of a diff whose hunks have one body line."""
    lines = diff.splitlines()
    return [(line, lines[n + 1]) for n, line in enumerate(lines) if line.startswith("@@ ")]


def header_lines(header: str) -> tuple[int, str]:
    m = re.match(r"@@ -(\d+),\d+ \+\d+,\d+ @@ (.*)", header)
    return int(m.group(1)), m.group(2)


def test_clean_diff_keeps_the_source_layout_and_shows_every_change():
    diff = clean_diff(cleaned(SOLAR))
    found = hunks(diff)
    assert [header_lines(h)[0] for h, _ in found] == [2, 4, 6, 9, 11, 12, 13]  # no hunk for a blank line
    for header, body in found:
        removed = "".join(m[0] for m in PIECE.findall(body))
        added = "".join(m[1] for m in PIECE.findall(body))
        assert removed != added and (removed + added).strip(), header
        assert not any(c in body for c in "\u202f\u00a0"), "an invisible character was left unmarked"
    rules = dict(header_lines(h) for h, _ in found)
    assert rules[2] == "sentence_case" and rules[11] == "boilerplate"
    assert set(rules[4].split(", ")) == {"metadata", "apostrophe", "french_spacing"}
    assert set(rules[9].split(", ")) == {"straight_quotes", "french_spacing"}
    assert "en [-2023-]{+2023.+} Depuis" in diff  # the restored full stop, on the word it follows
    assert "solaire[-·-]{+⍽+}: les" in diff and re.search(r"travaille ?\[-·-\] ?avec", diff)
    assert "⍽  narrow no-break space (U+202F)" in diff.split("--- a/")[0]  # the legend comes first


def test_a_long_line_gets_one_hunk_per_change_with_its_own_rules():
    filler = " ".join(["la ville installe des panneaux sur les toits"] * 8)
    text = f"Titre\nIl voit l'avenir ainsi : {filler} et le reste suit en 2023 Depuis ce jour les voisins aussi.\n"
    found = hunks(clean_diff(cleaned(text, "long.txt")))
    assert [header_lines(h)[1] for h, _ in found] == ["apostrophe, french_spacing", "glued_sentence"]
    assert all(len(body) < 200 for _, body in found) and found[1][1].startswith("⋯")


def test_file_names_and_titles_cannot_inject_lines_or_markup():
    article = cleaned("<script>alert(1)</script> *Titre* [lien](x)\nUn texte court.\n", "a\n+++ evil.txt")
    diff = clean_diff(article)
    assert sum(line.startswith("+++ ") for line in diff.splitlines()) == 1
    assert '+++ b/"a\\n+++ evil.txt"' in diff
    report = review_report(Book(title="Livre <b>", articles=[article]))
    assert "<script>" not in report and "<b>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\*Titre\\* \\[lien\\](x)" in report


# --- a real build of two articles, as an editor would run it -------------------------------


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """`bilingue review --xliff DIR` on two articles, with no approved translations yet."""
    root = tmp_path_factory.mktemp("editor")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "solaire.txt").write_text(SOLAR.replace("partenaires.", "partenaires\u202e locaux\u200b."), encoding="utf-8")
    (seeds / "vent.txt").write_text(WIND, encoding="utf-8")
    done = run_cli("review", "--seeds", str(seeds), "--out", str(root / "out"), "--engine", "apertium", *approved(root),
                   "--xliff", str(root / "xliff"), cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def approved(root: Path) -> list[str]:
    """The editor's approved translations in the test's folder, never the project's."""
    return ["--approved", str(root / "tm" / "approved.tmx")]


def review_page(out: Path, slug: str):
    return html.parse(str(out / "review" / f"{slug}.html"))


def test_review_page_shows_repairs_origins_and_invisible_characters(first_build):
    out = first_build / "out"
    tree = review_page(out, "solaire")
    fixes = tree.xpath('//span[@class="fix"]')
    glued = [f for f in fixes if f.get("data-rules") == "glued_sentence"]
    assert len(glued) == 1 and glued[0].get("tabindex") == "0"
    assert glued[0].xpath("string(del)") == "2023" and glued[0].xpath("string(ins)") == "2023."
    assert "Restore the full stop lost between two sentences" in glued[0].get("data-why")
    assert tree.xpath('//tr[contains(@class, "removed-block")]//span[@data-rules="boilerplate"]')
    marks = {m.get("title") for m in tree.xpath('//span[@class="inv"]')}
    assert {"narrow no-break space (U+202F)", "zero width space (U+200B)"} <= marks
    # Ingest removes a bidi control and reports it: the review shows the finding.
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in tree.xpath("string(//body)")
    raw = (out / "review" / "solaire.html").read_bytes()
    assert "\u202e".encode() not in raw and "\u200b".encode() not in raw
    segments = tree.xpath('//li[contains(@class, "seg")]')
    assert segments and all(s.xpath('.//span[contains(@class, "origin-engine")]') for s in segments)
    assert [i.get("data-filter") for i in tree.xpath("//input")] == ["repaired", "flagged", "changed"]
    assert not tree.xpath("//*[@src]") and not tree.xpath('//a[starts-with(@href, "http")]')
    assert not tree.xpath("//li[@data-changed]")  # a first build has nothing to compare with
    index = html.parse(str(out / "review" / "index.html"))
    assert sorted(index.xpath("//main//a/@href")) == ["solaire.html", "vent.html"]
    assert "No previous build" in (out / "review" / "solaire.en.diff").read_text(encoding="utf-8")
    assert "[glued_sentence] '2023' -> '2023.'" in (out / "review" / "solaire.changes.txt").read_text(encoding="utf-8")


def test_xliff_carries_state_and_notes(first_build):
    with (first_build / "xliff" / "solaire.xlf").open("rb") as f:
        store = xlifffile(f)
    unit = next(u for u in store.units if u.source == QUOTED)
    notes = unit.getnotes()
    assert "origin: engine" in notes and "French repairs: straight_quotes, french_spacing" in notes
    assert unit.getlanguageNode(lang=None, index=1).get("state") == "needs-review-translation"
    assert unit.target and not unit.isapproved()
    assert read_xliff(first_build / "xliff" / "solaire.xlf") == {}  # nothing approved yet


def edit_unit(path: Path, source: str, target: str, **marks) -> None:
    """What an editor does in a CAT tool: a new target, and the unit marked as reviewed."""
    with path.open("rb") as f:
        store = xlifffile(f)
    unit = next(u for u in store.units if u.source == source)
    if target:
        unit.target = target
    node = unit.getlanguageNode(lang=None, index=1)
    if "state" in marks:
        node.set("state", marks["state"])
    if marks.get("approved"):
        unit.markapproved(True)
    path.write_bytes(bytes(store))


def english_of_pages(out: Path) -> dict[str, str]:
    return {f"{page.name}:{s.get('id')}": s.text_content()
            for page in sorted((out / "html").glob("*.html"))
            for s in html.parse(str(page)).xpath('//div[@lang="en"]//span[contains(@class, "seg")]')}


def french_of_pages(out: Path) -> list[str]:
    return [s.text_content() for page in sorted((out / "html").glob("*.html"))
            for s in html.parse(str(page)).xpath('//div[@lang="fr"]//span[contains(@class, "seg")]')]


def epub_chapters(out: Path) -> dict[str, str]:
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        return {name: html.fromstring(epub.read(name)).text_content() for name in epub.namelist()
                if name.endswith(".xhtml")}


def test_xliff_round_trip_changes_exactly_the_edited_segment(first_build, tmp_path):
    root = tmp_path / "editor"
    shutil.copytree(first_build, root, symlinks=True)  # as `cp -a`: the links into the current version stay links
    out, xliff = root / "out", root / "xliff" / "solaire.xlf"
    pages, chapters = english_of_pages(out), epub_chapters(out)
    french = french_of_pages(out)
    correction = "According to the director, the transition is possible; she remains cautious."
    edit_unit(xliff, QUOTED, correction, approved=True)

    done = run_cli("tm", *approved(root), "import", str(xliff), cwd=root)
    assert done.returncode == 0, done.stderr
    assert read_tmx(root / "tm" / "approved.tmx") == {QUOTED: correction}
    done = run_cli("review", "--seeds", str(root / "seeds"), "--out", str(out), "--engine", "apertium", *approved(root),
                   cwd=root)
    assert done.returncode == 0 and "rebuilt" in done.stdout, done.stderr

    after = english_of_pages(out)
    changed = [key for key in pages if pages[key] != after[key]]
    assert len(changed) == 1 and after[changed[0]] == correction and after.keys() == pages.keys()
    assert french_of_pages(out) == french
    machine = pages[changed[0]]
    new_chapters = epub_chapters(out)
    differing = [name for name in chapters if chapters[name] != new_chapters[name]]
    assert new_chapters.keys() == chapters.keys() and len(differing) == 1
    assert chapters[differing[0]].count(machine) == 1
    assert chapters[differing[0]].replace(machine, correction) == new_chapters[differing[0]]

    tree = review_page(out, "solaire")
    flagged = tree.xpath("//li[@data-changed]")
    assert len(flagged) == 1 and flagged[0].xpath('.//span[contains(@class, "origin-approved")]')
    assert flagged[0].xpath('string(.//span[@lang="en"])') == correction
    assert not review_page(out, "vent").xpath("//li[@data-changed]")
    en_diff = hunks((out / "review" / "solaire.en.diff").read_text(encoding="utf-8"))
    assert len(en_diff) == 1 and "approved" in en_diff[0][0] and "{+the+} transition" in en_diff[0][1]

    approved_bytes = (root / "tm" / "approved.tmx").read_bytes()
    done = run_cli("build", "--seeds", str(root / "seeds"), "--out", str(out), "--engine", "apertium", *approved(root),
                   "--force",
                   cwd=root)
    assert done.returncode == 0 and (root / "tm" / "approved.tmx").read_bytes() == approved_bytes
    assert english_of_pages(out) == after  # the approved English is never overwritten
    assert not review_page(out, "solaire").xpath("//li[@data-changed]")  # nothing changed since the last build


def test_xliff_import_takes_only_what_the_editor_approved(first_build, tmp_path):
    path = tmp_path / "vent.xlf"
    shutil.copyfile(first_build / "xliff" / "vent.xlf", path)
    with path.open("rb") as f:
        sources = [u.source for u in xlifffile(f).units]
    assert len(sources) == 3
    edit_unit(path, sources[0], "", state="translated")  # a tool marked it translated; the English is untouched
    edit_unit(path, sources[1], "Offshore wind turbines produce more when the swell rises.")  # edited, state left
    edit_unit(path, sources[2], "", state="final")  # reviewed as it was
    approved = read_xliff(path)
    assert set(approved) == {sources[1], sources[2]}
    assert approved[sources[1]] == "Offshore wind turbines produce more when the swell rises."


@pytest.mark.parametrize("content, message", [
    ("<xliff version='1.2'><file", "not a readable XLIFF"),
    ("<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file original='a' source-language='en' "
     "target-language='fr' datatype='plaintext'><body><trans-unit id='1' approved='yes'><source>a</source>"
     "<target>b</target></trans-unit></body></file></xliff>", "expected French to English"),
    ("<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file original='a' source-language='fr' "
     "target-language='en' datatype='plaintext'><body><trans-unit id='1'><source>a</source><target "
     "state='needs-review-translation'>b</target></trans-unit></body></file></xliff>", "no approved translations"),
])
def test_tm_import_refuses_a_bad_xliff_with_the_file_and_what_to_do(tmp_path, content, message):
    path = tmp_path / "retour.xlf"
    path.write_text(content, encoding="utf-8")
    done = run_cli("tm", "--approved", str(tmp_path / "approved.tmx"), "import", str(path), cwd=tmp_path)
    assert done.returncode == 2 and str(path) in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "approved.tmx").exists()


def test_a_malformed_tmx_is_a_data_error(tmp_path):
    path = tmp_path / "retour.tmx"
    path.write_text("<tmx version='1.4'><body><tu>", encoding="utf-8")
    done = run_cli("tm", "--approved", str(tmp_path / "approved.tmx"), "import", str(path), cwd=tmp_path)
    assert done.returncode == 2 and "line 1: not valid XML" in done.stderr and "Traceback" not in done.stderr


def test_verdicts_flags_and_post_edits_are_shown_and_filterable(tmp_path):
    """The book as the stages leave it (real Apertium English), with a QA flag and a
    post-edit recorded on segments as the QA stages record them."""
    from pipeline import engines
    from pipeline.memory import write_tmx
    from pipeline.model import Change, Flag
    from pipeline.review import write_review

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "pdg.txt").write_text("La réunion annuelle\nLe PDG parle aux salariés.\nLa séance se termine tôt.\n"
                                   "Les salariés rentrent chez eux.\n", encoding="utf-8")
    write_tmx(tmp_path / "approved.tmx", {"Le PDG parle aux salariés.": "The boss talks to the staff."})
    book = run_pipeline(["ingest", "clean", "segment", "glossary", "translate", "verify"], seeds=seeds,
                        engine=engines.select("apertium"), approved=tmp_path / "approved.tmx",
                        memory=tmp_path / "tm.sqlite")
    _, boss, late, home = book.segments
    late.flags.append(Flag("length_ratio", "warning", "the English is much shorter than the French"))
    home.flags.append(Flag("untranslated", "info", "a word left in French", accepted="a name"))
    last_word = late.en.split()[-1]
    late.en_changes.append(Change("en_term", "xyz", last_word, late.where))
    write_review(book, tmp_path / "out")

    tree = review_page(tmp_path / "out", "pdg")
    assert sorted(li.get("id") for li in tree.xpath("//li[@data-flagged]")) == sorted([boss.id, late.id])
    item = tree.xpath(f'//li[@id="{boss.id}"]')[0]
    assert "✗ glossary «PDG» requires “CEO”" in item.text_content() and item.xpath('.//*[contains(@class, "origin-approved")]')
    item = tree.xpath(f'//li[@id="{late.id}"]')[0]
    assert "length_ratio (warning): the English is much shorter" in item.text_content()
    assert item.xpath('string(.//span[@class="postedit"])') == last_word
    assert tree.xpath(f'//li[@id="{home.id}"]//li[@class="flag-accepted"]')
    assert "only flagged segments (2)" in tree.xpath("string(//form)")
    report = (tmp_path / "out" / "review" / "report.md").read_text(encoding="utf-8")
    assert "«PDG» requires “CEO”" in report.split("## Glossary violations")[1]
    notes = read_notes(tmp_path / "out" / "review" / "xliff" / "pdg.xlf")
    assert "glossary: «PDG» -> CEO: MISSING" in notes[boss.fr] and "flag length_ratio (warning)" in notes[late.fr]


def read_notes(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return {u.source: u.getnotes() for u in xlifffile(f).units}


def test_new_french_is_marked_new_and_a_damaged_record_is_no_previous_build(first_build, tmp_path):
    root = tmp_path / "editor"
    shutil.copytree(first_build, root, symlinks=True)  # as `cp -a`: the links into the current version stay links
    out = root / "out"
    wind = root / "seeds" / "vent.txt"
    wind.write_text(wind.read_text(encoding="utf-8") + "Les pêcheurs observent les oiseaux marins.\n", encoding="utf-8")
    done = run_cli("review", "--seeds", str(root / "seeds"), "--out", str(out), "--engine", "apertium", *approved(root),
                   cwd=root)
    assert done.returncode == 0, done.stderr
    marked = review_page(out, "vent").xpath("//li[@data-changed]")
    assert [li.get("data-changed") for li in marked] == ["new"]
    assert "Les pêcheurs" not in marked[0].text_content()  # the English, not the French, is listed
    hunks_en = hunks((out / "review" / "vent.en.diff").read_text(encoding="utf-8"))
    assert len(hunks_en) == 1 and "new French" in hunks_en[0][0] and hunks_en[0][1].startswith("{+")
    assert not review_page(out, "solaire").xpath("//li[@data-changed]")

    (out / "review" / "english.json").write_text('{"format": 1, "articles": {"vent": [["x"]]}}', encoding="utf-8")
    done = run_cli("build", "--seeds", str(root / "seeds"), "--out", str(out), "--engine", "apertium", *approved(root),
                   "--force",
                   cwd=root)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "No previous build" in (out / "review" / "vent.en.diff").read_text(encoding="utf-8")


def test_review_refuses_to_write_xliff_inside_the_output(tmp_path):
    done = run_cli("review", "--out", str(tmp_path / "out"), "--xliff", str(tmp_path / "out" / "x"), cwd=tmp_path)
    assert done.returncode == 2 and "choose a folder outside it" in done.stderr
    assert not (tmp_path / "out").exists()
