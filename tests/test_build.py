"""The whole pipeline on seeds/, as `make book` runs it, checked from its outputs."""
import json
import re
import shutil
import subprocess

import pytest
from lxml import html

from pipeline import build

from .conftest import ROOT, run_cli


def page_segments(tree, lang):
    return {s.get("id"): s for s in tree.xpath(f'//div[@lang="{lang}"]//span[contains(@class, "seg")]')}


def test_every_article_has_a_bilingual_page(built):
    out, report = built
    index = html.parse(str(out / "html" / "index.html"))
    links = index.xpath("//main//a/@href")
    assert len(links) == 5 == report["counts"]["articles"]
    total = 0
    for link in links:
        tree = html.parse(str(out / "html" / link))
        fr, en = page_segments(tree, "fr"), page_segments(tree, "en")
        assert fr and len(fr) == len(en)
        for seg_id, span in fr.items():
            twin = span.get("data-twin")
            assert twin in en and en[twin].get("data-twin") == seg_id
            assert en[twin].text_content().strip(), f"{seg_id} has no English"
        total += len(fr)
        assert "apertium" in tree.xpath("string(//footer)")
    assert total == report["counts"]["segments"]


def test_each_french_sentence_appears_once_with_one_twin(built):
    """The page holds exactly the cleaned source's sentences: none lost, none repeated
    (a sentence the source itself repeats appears as often as the source has it)."""
    from collections import Counter

    from pipeline.publish import meta
    from pipeline.segment import sentences

    out, _ = built
    edited = meta.load(ROOT / "book.toml")["articles"]
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        cleaned = run_cli("clean", str(seed)).stdout.splitlines()
        expected = Counter(s for line in cleaned for s in (sentences(line) if not line.startswith("• ") and len(line.split()) > 16 or line.endswith((".", "?", "!", "»")) else [line.removeprefix("• ")]))
        expected.update([title] if (title := edited.get(seed.stem, {}).get("title")) else [])  # book.toml titles
        tree = html.parse(str(out / "html" / f"{seed.stem}.html"))
        ids = tree.xpath('//span[contains(@class, "seg")]/@id')
        assert len(ids) == len(set(ids))
        on_page = Counter(s.text_content() for s in page_segments(tree, "fr").values())
        assert on_page == expected, seed.name


def test_source_markup_is_escaped(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Titre\nLe code <script>alert(1)</script> & la « balise <b> ».\n", encoding="utf-8")
    out = tmp_path / "out"
    build.build(build.Options(seeds=seeds, out=out, engine="apertium", approved=tmp_path / "none.tmx"))
    raw = (out / "html" / "a.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&lt;script&gt;alert(1)" in raw
    assert html.parse(str(out / "html" / "a.html")).xpath('count(//b)') == 0


def test_epub_passes_epubcheck(built):
    out, _ = built
    done = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", str(out / "bilingue.epub")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 fatals / 0 errors" in done.stdout


def test_epub_has_one_chapter_per_article_with_langs_and_colophon(built):
    import zipfile

    out, report = built
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        names = epub.namelist()
        chapters = [n for n in names if re.search(r"ch\d+\.xhtml$", n)]
        text = "".join(epub.read(n).decode() for n in chapters)
        opf = epub.read(next(n for n in names if n.endswith(".opf"))).decode()
    assert len(chapters) >= 5 + 2  # articles, glossary appendix, colophon
    assert text.count('lang="en"') >= report["counts"]["blocks"]
    assert report["model_id"] in text
    assert "<dc:language>fr</dc:language>" in opf and report["model_id"] in opf


def test_report_and_review(built):
    out, report = built
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["engine"] == "apertium" and saved["model_id"].startswith("apertium-fra-cat=")
    assert set(saved["seconds"]) >= {"ingest", "clean", "segment", "glossary", "translate", "verify", "html", "epub", "review"}
    assert saved["glossary"]["violations"] == [] and saved["glossary"]["compliance"] == 1.0
    assert isinstance(saved["translated"], int) and isinstance(saved["reused"], int)
    diffs = sorted((out / "review").glob("*.clean.diff"))
    assert len(diffs) == 5
    first = diffs[0].read_text(encoding="utf-8")
    assert "garbage_phrase" in first and "Ces dernières années, Microsoft [-que le béton ey-]{+et+} OpenAI" in first
    review = (out / "review" / "report.md").read_text(encoding="utf-8")
    assert "[boilerplate] À lire également" in review and "suspect_phrase" in review


def test_forced_rebuild_takes_every_translation_from_the_memory(built):
    out, _ = built
    again = build.build(build.Options(seeds=ROOT / "seeds", out=out, engine="apertium", approved=out / "none.tmx",
                                      force=True))
    assert again["translated"] == 0 and again["reused"] == again["counts"]["segments"]


def test_rebuild_redoes_nothing_unchanged_and_translates_only_an_edited_sentence(tmp_path):
    from pipeline.segment import sentences

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    source = sorted((ROOT / "seeds").glob("*.txt"))[0]
    (seeds / source.name).write_bytes(source.read_bytes())
    options = build.Options(seeds=seeds, out=tmp_path / "out", engine="apertium", approved=tmp_path / "none.tmx")
    cold = build.build(options)
    assert cold["translated"] == cold["counts"]["segments"] and "up_to_date" not in cold

    warm = build.build(options)
    assert warm["up_to_date"] and warm["inputs"] == cold["inputs"]

    text = source.read_text(encoding="utf-8")
    paragraph = max(text.splitlines(), key=len)
    first = sentences(paragraph)[0]
    words = first.split(" ")
    edited = " ".join(words[:4] + ["vraiment"] + words[4:])
    (seeds / source.name).write_text(text.replace(first, edited, 1), encoding="utf-8")
    after_edit = build.build(options)
    assert after_edit["translated"] == 1
    assert after_edit["reused"] == after_edit["counts"]["segments"] - 1 == cold["counts"]["segments"] - 1


def test_approved_translation_overrides_the_engine(built, tmp_path):
    out, report = built
    from pipeline.memory import write_tmx

    approved = tmp_path / "approved.tmx"
    write_tmx(approved, {"En résumé": "In short"})
    result = build.build(build.Options(seeds=ROOT / "seeds", out=tmp_path / "o", engine="apertium", approved=approved,
                                       memory=out / ".cache" / "tm.sqlite"))
    assert result["approved"] == 1
    assert "In short" in (tmp_path / "o" / "html" / "000_e80261cf1410efea.html").read_text(encoding="utf-8")


def test_strict_build_fails_on_a_violation_and_publishes_nothing(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Titre\nLe PDG parle.\n", encoding="utf-8")
    approved = tmp_path / "tm" / "approved.tmx"
    from pipeline.memory import write_tmx

    write_tmx(approved, {"Le PDG parle.": "The boss speaks."})  # a reviewer's text that breaks the glossary
    with pytest.raises(build.StrictFailure, match="PDG"):
        build.build(build.Options(seeds=seeds, out=tmp_path / "out", engine="apertium", approved=approved, strict=True))
    assert not (tmp_path / "out" / "html").exists()


def test_cli_help_speaks_to_translators():
    done = run_cli("build", "--help")
    text = " ".join(done.stdout.split())
    assert done.returncode == 0 and "--engine" in text and "glossary violation" in text


def test_tm_export_and_import_round_trip_and_builds_never_touch_approved(built, tmp_path):
    from pipeline.memory import read_tmx, write_tmx

    out, report = built
    memory = ["--memory", str(out / ".cache" / "tm.sqlite")]
    approved = tmp_path / "tm" / "approved.tmx"
    exported = tmp_path / "all.tmx"
    done = run_cli("tm", *memory, "--approved", str(approved), "export", "--tmx", str(exported))
    assert done.returncode == 0, done.stderr
    pairs = read_tmx(exported)
    assert len(pairs) >= report["counts"]["segments"] - 10  # a sentence the sources repeat is one unit
    source = next(iter(sorted(pairs)))
    write_tmx(tmp_path / "reviewed.tmx", {source: "A reviewer's sentence."})
    done = run_cli("tm", *memory, "--approved", str(approved), "import", str(tmp_path / "reviewed.tmx"))
    assert done.returncode == 0 and read_tmx(approved) == {source: "A reviewer's sentence."}
    again = tmp_path / "again.tmx"
    run_cli("tm", *memory, "--approved", str(approved), "export", "--tmx", str(again))
    assert read_tmx(again) == {**pairs, source: "A reviewer's sentence."}

    before = approved.read_bytes()
    result = build.build(build.Options(seeds=ROOT / "seeds", out=tmp_path / "o", engine="apertium", approved=approved,
                                       memory=out / ".cache" / "tm.sqlite"))
    assert result["approved"] >= 1 and approved.read_bytes() == before
