from pathlib import Path

import pytest

from pipeline.ingest import IngestError, ingest, parse_article, read_source

from .conftest import ROOT, run_cli


def kinds(text):
    return [(b.kind, b.raw) for b in parse_article(text, Path("x.txt")).blocks]


def test_kicker_title_heading_list_and_attribution_are_detected():
    text = ("Économie Numérique\nLe grand virage des banques en ligne\nLes banques ont investi des milliards.\n\n"
            "Une concurrence rude\n  • Première lecture conseillée\n– Jeanne Martin, analyste\n")
    assert kinds(text) == [
        ("kicker", "Économie Numérique"),
        ("title", "Le grand virage des banques en ligne"),
        ("paragraph", "Les banques ont investi des milliards."),
        ("heading", "Une concurrence rude"),
        ("list_item", "Première lecture conseillée"),
        ("attribution", "– Jeanne Martin, analyste"),
    ]


def test_an_article_without_title_starts_with_its_paragraph():
    blocks = parse_article("Un long paragraphe qui commence tout de suite, sans titre.\nSous-titre\n", Path("x.txt")).blocks
    assert [b.kind for b in blocks] == ["paragraph", "heading"]


def test_provenance_keeps_the_source_line():
    article = parse_article("Titre\n\n\nPremier paragraphe.\n", Path("a.txt"))
    assert [(b.where.file, b.where.line) for b in article.blocks] == [("a.txt", 1), ("a.txt", 4)]


def test_non_utf8_is_refused_with_file_and_byte_offset(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Titre\nCaf".encode() + b"\xe9 cr\xe8me.\n")
    with pytest.raises(IngestError, match=r"bad.txt: line 2, byte offset 9"):
        read_source(bad)


def test_build_with_non_utf8_exits_2_and_writes_nothing(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_bytes(b"Titre\nUn caf\xe9.\n")
    out = tmp_path / "out"
    done = run_cli("build", "--seeds", str(seeds), "--out", str(out), "--engine", "apertium")
    assert done.returncode == 2
    assert "a.txt: line 2, byte offset 12" in done.stderr
    assert not out.exists()


def test_every_seed_is_read():
    book = ingest(ROOT / "seeds")
    assert len(book.articles) == 5
    assert all(a.blocks for a in book.articles)
