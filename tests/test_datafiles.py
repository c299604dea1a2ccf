"""The maintainers' tab-separated files, read and written through ``csv``, and the
glossary's TBX export through translate-toolkit."""
import pytest
from translate.storage.tbx import tbxfile

from pipeline import glossary as gl
from pipeline import repairs, tsv

from .conftest import run_cli

COLUMNS = ("fr", "en", "kind", "variants", "note")


def test_a_bom_before_the_header_is_ignored(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_bytes("\ufefffr\ten\tkind\tvariants\tnote\nfusée\trocket\tterm\t\t\n".encode())
    assert [(e.fr, e.en) for e in gl.load(path).entries] == [("fusée", "rocket")]


def test_a_bom_before_comments_is_ignored_too(tmp_path):
    path = tmp_path / "repairs.tsv"
    path.write_bytes("\ufeff# notes\nkind\tmatch\treplacement\tnote\nphrase\tque le béton ey\tet\t\n".encode())
    assert [r.match for r in repairs.load(path).rows] == ["que le béton ey"]


def test_quotes_are_plain_text_in_a_cell(tmp_path):
    path = tmp_path / "repairs.tsv"
    path.write_text('kind\tmatch\treplacement\tnote\nsuspect\tun "test"\tune critique\t"tests" is wrong\n',
                    encoding="utf-8")
    row = repairs.load(path).rows[0]
    assert (row.match, row.note) == ('un "test"', '"tests" is wrong')


def test_a_wrong_header_names_file_and_line(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("# comment\n\nfr\ten\tgenre\n", encoding="utf-8")
    with pytest.raises(tsv.DataFileError, match=rf"{path}:3: header must be fr TAB en TAB kind TAB variants TAB note"):
        gl.load(path)


def write_glossary(tmp_path, rows):
    path = tmp_path / "terms.tsv"
    path.write_text("# my glossary\n# second comment line\nfr\ten\tkind\tvariants\tnote\n" + "".join(rows), encoding="utf-8")
    return path


def test_add_keeps_comments_and_sorts_rows_with_the_comment_above_them(tmp_path):
    path = write_glossary(tmp_path, ["zèbre\tzebra\tterm\t\t\n", "# a name from the 2024 articles\n",
                                     "Airbus\tAirbus\tname\t\t\n"])
    gl.add(path, "fusée", "rocket", note='le sens "engin"')
    assert path.read_text(encoding="utf-8").splitlines() == [
        "# my glossary", "# second comment line", "fr\ten\tkind\tvariants\tnote",
        "# a name from the 2024 articles", "Airbus\tAirbus\tname\t\t",
        'fusée\trocket\tterm\t\tle sens "engin"', "zèbre\tzebra\tterm\t\t"]
    assert [e.fr for e in gl.load(path).entries] == ["Airbus", "fusée", "zèbre"]


@pytest.mark.parametrize("args, field", [
    (["fusée\nspatiale", "rocket"], "fr"),
    (["fusée", "rocket\tship"], "en"),
    (["fusée", "rocket", "--note", "deux\nlignes"], "note"),
])
def test_add_refuses_a_line_break_or_tab_in_a_field(tmp_path, args, field):
    path = write_glossary(tmp_path, ["zèbre\tzebra\tterm\t\t\n"])
    before = path.read_bytes()
    done = run_cli("glossary", "--glossary", str(path), "add", *args)
    assert done.returncode == 2
    assert f"the {field} field contains a TAB or a line break" in done.stderr
    assert path.read_bytes() == before


def test_tbx_export_reads_back_with_variants_deprecated_and_notes(tmp_path):
    path = write_glossary(tmp_path, ["SearchGPT\tSearchGPT\tname\tRechercherGPT|Chercher GPT\tproduct name\n",
                                     "nuage\tcloud\tterm\t\t\n"])
    out = tmp_path / "export" / "terms.tbx"
    gl.export_tbx(gl.load(path), out)
    store = tbxfile.parsefile(str(out))
    units = {u.source: u for u in store.units}
    assert set(units) == {"SearchGPT", "nuage"}
    search = units["SearchGPT"]
    assert [(t.text, t.deprecated) for t in search.get_source_terms()] == [
        ("SearchGPT", False), ("RechercherGPT", True), ("Chercher GPT", True)]
    assert [t.text for t in search.get_target_terms()] == ["SearchGPT"]
    assert any(n.text == "product name" and n.category == "definition" for n in search.get_common_notes(source=True))
    assert [t.text for t in units["nuage"].get_target_terms()] == ["cloud"]
    assert "from terms.tsv" in out.read_text(encoding="utf-8")
