"""The pipeline of named stages: configuration, registration, caches that cannot go stale,
and sources in the formats pandoc reads."""
import json
import zipfile

import pypandoc
import pytest
from lxml import html

from pipeline import build
from pipeline.engines import ENGINES, Translation
from pipeline.stages import DEFAULT_STAGES, REGISTRY
from pipeline.tsv import DataFileError

from .conftest import ROOT, run_cli


def options(tmp_path, seeds, **more):
    return build.Options(seeds=seeds, out=tmp_path / "out", engine="apertium", approved=tmp_path / "none.tmx", **more)


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("Le marché des puces\nLa société prépare une riposte. Le PDG parle demain.\n",
                                  encoding="utf-8")
    return folder


def config(tmp_path, stages, code=()):
    """A book.toml: the project's, with a [pipeline] table of ``stages`` (and ``code``)."""
    path = tmp_path / "book.toml"
    pipeline = "[pipeline]\n" + f"code = {list(code)!r}\n".replace("'", '"')
    pipeline += "stages = [" + ", ".join(f'"{s}"' for s in stages) + "]\n"
    path.write_text((ROOT / "book.toml").read_text(encoding="utf-8") + "\n" + pipeline, encoding="utf-8")
    return path


TOY_STAGE = '''
from pipeline.stages import stage


@stage("shout")
def shout(book, ctx):
    """A toy stage: every English segment in capitals."""
    for seg in book.segments:
        seg.en = seg.en.upper()
    return book
'''


def english_on_page(out, slug="a"):
    tree = html.parse(str(out / "html" / f"{slug}.html"))
    return [s.text_content() for s in tree.xpath('//div[@lang="en"]//span[contains(@class, "seg")]')]


def test_a_stage_is_one_registration_and_one_line_of_configuration(tmp_path, seeds):
    (tmp_path / "toy.py").write_text(TOY_STAGE, encoding="utf-8")
    stages = list(DEFAULT_STAGES)
    stages.insert(stages.index("verify"), "shout")
    path = config(tmp_path, stages, code=["toy.py"])
    done = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--engine", "apertium",
                   "--book", str(path))
    assert done.returncode == 0, done.stderr
    english = english_on_page(tmp_path / "out")
    assert english and all(e == e.upper() and any(c.isalpha() for c in e) for e in english)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["stages"] == stages and "shout" in report["seconds"]
    listed = run_cli("stages", "--book", str(path)).stdout
    assert "shout      A toy stage: every English segment in capitals." in listed


class Echo:
    """A toy engine for the registration test: its "English" is the French, and every
    output says so (name and model)."""

    name, model_id, config_id = "echo", "identity", "echo identity"
    unknown: list[str] = []

    def translate_detailed(self, texts):
        return [Translation(t, "echo") for t in texts]

    def translate_batch(self, texts):
        return list(texts)

    def close(self):
        pass


def test_an_engine_is_one_registration(tmp_path, seeds, monkeypatch):
    monkeypatch.setitem(ENGINES, "echo", lambda beam_size: Echo())
    report = build.build(build.Options(seeds=seeds, out=tmp_path / "out", engine="echo", approved=tmp_path / "none.tmx"))
    assert report["engine"] == "echo" and report["model_id"] == "identity"
    assert english_on_page(tmp_path / "out")[1] == "La société prépare une riposte."
    assert "echo (identity)" in (tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8")


def test_a_stage_can_be_switched_off(tmp_path, seeds):
    without_epub = [s for s in DEFAULT_STAGES if s != "epub"]
    build.build(options(tmp_path, seeds, book=config(tmp_path, without_epub)))
    assert (tmp_path / "out" / "html" / "index.html").exists()
    assert not (tmp_path / "out" / "bilingue.epub").exists()


def test_an_unknown_stage_is_a_clear_error(tmp_path, seeds):
    path = config(tmp_path, ["ingest", "clen"])
    with pytest.raises(DataFileError, match=r"book.toml: \[pipeline\] stages: unknown stage\(s\) clen"):
        build.build(options(tmp_path, seeds, book=path))
    done = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "o"), "--book", str(path))
    assert done.returncode == 2 and "clen" in done.stderr and "Traceback" not in done.stderr


def test_registered_stages_are_listed_in_order():
    done = run_cli("stages")
    names = [line.split()[1] for line in done.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert names == list(DEFAULT_STAGES)
    assert all(REGISTRY[n].description for n in names)


def test_every_option_that_shapes_the_output_invalidates_the_build(tmp_path, seeds):
    """Each change below must make the next build run again; where the English itself
    depends on the change (the glossary here; the engine's configuration in test_argos),
    the memory must not serve the old English either."""
    base = options(tmp_path, seeds)
    cold = build.build(base)
    assert cold["translated"] == cold["counts"]["segments"]
    assert build.build(base).get("up_to_date")

    glossary = tmp_path / "terms.tsv"
    glossary.write_text("fr\ten\tkind\tvariants\tnote\nPDG\tchief executive\tterm\t\t\n", encoding="utf-8")
    changed = build.build(options(tmp_path, seeds, glossary=glossary))
    assert not changed.get("up_to_date")
    assert changed["translated"] >= 1  # the segment holding PDG: its glossary entry changed
    assert any("chief executive" in e for e in english_on_page(tmp_path / "out"))

    without_epub = [s for s in DEFAULT_STAGES if s != "epub"]
    for shaping in ({"strict": True}, {"editions": ("english",)}, {"book": config(tmp_path, without_epub)}):
        again = build.build(options(tmp_path, seeds, **shaping))
        assert not again.get("up_to_date"), shaping
        assert again["translated"] == 0  # the English does not depend on these: the memory serves it
    build.build(base)
    assert build.build(options(tmp_path, seeds, batch_size=7)).get("up_to_date")  # batching shapes nothing


def test_an_edited_article_is_the_only_one_processed_again(tmp_path, seeds):
    (seeds / "b.txt").write_text("Autre titre\nUn autre article parle de la Bourse de Paris.\n", encoding="utf-8")
    first = build.build(options(tmp_path, seeds))
    assert first["articles_reused"] == 0
    (seeds / "b.txt").write_text("Autre titre\nUn autre article parle de la Bourse de Lyon.\n", encoding="utf-8")
    second = build.build(options(tmp_path, seeds))
    assert second["articles_reused"] == 1 and second["translated"] == 1
    assert "Lyon" in " ".join(english_on_page(tmp_path / "out", "b"))


def test_a_mixed_format_seeds_folder_builds_with_structure_and_marks(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    markdown = ("# Le marché des puces\n\nLa société *Nvidia* a publié un résultat record, selon "
                "[Reuters](https://example.org/r).\n\n## Les concurrents\n\n- AMD prépare une riposte.\n"
                "- Intel reste prudent.\n")
    (seeds / "1-article.md").write_text(markdown, encoding="utf-8")
    pypandoc.convert_text(markdown, "docx", format="md", outputfile=str(seeds / "2-article.docx"))
    pypandoc.convert_text(markdown, "epub3", format="md", outputfile=str(seeds / "3-article.epub"),
                          extra_args=["--metadata", "title=Essai"])
    (seeds / "4-texte.txt").write_text("Un titre simple\nUne phrase en texte brut.\n", encoding="utf-8")
    report = build.build(options(tmp_path, seeds))
    assert report["counts"]["articles"] == 4
    for slug in ("1-article", "2-article", "3-article"):
        tree = html.parse(str(tmp_path / "out" / "html" / f"{slug}.html"))
        assert tree.xpath("string(//h1)") == "Le marché des puces"
        assert tree.xpath("string(//h2)") == "Les concurrents"
        assert [li.text_content() for li in tree.xpath('//div[@lang="fr"]//li')] == [
            "AMD prépare une riposte.", "Intel reste prudent."]
        french = tree.xpath('//div[@lang="fr"]')
        assert any(a.get("href") == "https://example.org/r" and a.text_content() == "Reuters"
                   for div in french for a in div.iter("a")), slug
        assert any(e.text_content() == "Nvidia" for div in french for e in div.iter("em")), slug
    with zipfile.ZipFile(tmp_path / "out" / "bilingue.epub") as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "https://example.org/r" in text
    assert json.loads((tmp_path / "out" / "report.json").read_text())["counts"]["segments"] >= 4 * 3


def test_an_unreadable_document_names_the_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    done = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "o"), "--engine", "apertium")
    assert done.returncode == 2 and "broken.docx" in done.stderr and "Traceback" not in done.stderr


def test_the_seeds_book_is_unchanged_by_the_stage_pipeline(built):
    """The seeds' book as the stages build it: every article, block and segment there."""
    out, report = built
    assert report["stages"] == list(DEFAULT_STAGES)
    assert report["counts"]["articles"] == len(list((ROOT / "seeds").glob("*.txt")))
