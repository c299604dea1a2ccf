"""Issue 15: English words must not move from one segment to another."""
import subprocess
from pathlib import Path

import pytest
from lxml import html

from pipeline.builtin_stages import MovedWords
from pipeline.engines import ApertiumEngine, Translation
from pipeline.model import Article, Block, Book, Provenance, Segment

from .conftest import run_cli, run_pipeline

# The segments the old segment stage cut the issue's two paragraphs into.
FRAGMENTS = ["Titre", "Les associations de consommateurs saluent une sanction", "« exemplaire »,",
             "mais regrettent que les procédures durent souvent plusieurs années", ".",
             "Du côté des investisseurs, l’action d’", "Orange a reculé de 1,5 % à la Bourse de Paris après l’annonce."]


class NewlineBatchingApertium:
    """Apertium as bilingue drove it before null-flush: one text, a segment a line. Its
    transfer reorders words across the lines (a line break is only a blank to it): the
    real fault the build's guard must catch."""

    name = "apertium-newline"
    model_id = config_id = "apertium fr-es|spa-eng, one segment a line"
    unknown: list[str] = []

    def translate_detailed(self, texts):
        spanish = subprocess.run(["apertium", "-u", "fr-es"], input="\n".join(texts) + "\n", capture_output=True,
                                 text=True, check=True).stdout
        english = subprocess.run(["apertium", "-u", "spa-eng"], input=spanish, capture_output=True, text=True,
                                 check=True).stdout
        return [Translation(line, "fr-es|spa-eng") for line in english.rstrip("\n").split("\n")]

    def translate_batch(self, texts):
        return [t.en for t in self.translate_detailed(texts)]

    def close(self):
        pass


def fragments_book() -> Book:
    blocks = [Block("paragraph", text, Provenance("issue15.txt", n), clean=text,
                    segments=[Segment(f"a1-b{n}-s1", text, Provenance("issue15.txt", n), 0, len(text))])
              for n, text in enumerate(FRAGMENTS, start=1)]
    return Book("issue 15", [Article(Path("issue15.txt"), "issue15", blocks, number=1)])


@pytest.fixture
def glossary(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("fr\ten\tkind\tvariants\tnote\nOrange\tOrange\tname\t\t\n", encoding="utf-8")
    return path


def translate(book, engine, tmp_path, glossary):
    return run_pipeline(["glossary", "translate", "verify"], book, engine=engine, glossary=glossary,
                        memory=tmp_path / "tm.sqlite", approved=tmp_path / "none.tmx")


def test_a_name_that_moved_to_another_segment_stops_the_build(tmp_path, glossary):
    with pytest.raises(MovedWords, match=r"issue15.txt:2 a1-b2-s1: the English .* holds Orange, which its French"):
        translate(fragments_book(), NewlineBatchingApertium(), tmp_path, glossary)


def test_each_segment_is_translated_as_if_alone(tmp_path, glossary):
    book = translate(fragments_book(), ApertiumEngine(), tmp_path, glossary)
    alone = ApertiumEngine()
    try:
        expected = [alone.translate_batch([text])[0] for text in FRAGMENTS]
    finally:
        alone.close()
    from pipeline.translate import english_typography

    assert [s.en for s in book.segments] == [english_typography(e) for e in expected]
    assert book.segments[0].en == "Title" and "Orange" not in book.segments[1].en


def test_the_issue_table_comes_out_with_each_word_in_its_own_sentence(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "t.txt").write_text(
        "Titre\n\nLes associations de consommateurs saluent une sanction « exemplaire », mais regrettent que les "
        "procédures durent souvent plusieurs années.\n\nDu côté des investisseurs, l’action d’Orange a reculé de "
        "1,5 % à la Bourse de Paris après l’annonce.\n", encoding="utf-8")
    done = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--engine", "apertium")
    assert done.returncode == 0, done.stderr
    page = html.parse(str(tmp_path / "out" / "html" / "t.html"))
    pairs = [(fr.text_content(), page.xpath("string(//*[@id=$x])", x=fr.get("data-twin")))
             for fr in page.xpath('//div[@lang="fr"]//span[contains(@class, "seg")]')]
    assert len(pairs) == 3, pairs  # the title and two whole sentences
    (title_fr, title_en), (first_fr, first_en), (second_fr, second_en) = pairs
    assert title_en == "Title"
    # Apertium puts the adjective first (and its quotes on the noun): still all in this sentence.
    assert "exemplary" in first_en and "sanction" in first_en
    assert "Orange" not in first_en and "title" not in first_en.lower()
    assert "Orange" in second_en and "sanction" not in second_en and "1" in second_en
