"""The glossary file, its matching, its protection through Apertium, and its tools."""
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import glossary as gl
from pipeline.engines import ApertiumEngine
from pipeline.ingest import parse_article
from pipeline.model import Book
from pipeline.translate import translate

from .conftest import ROOT, run_cli, run_pipeline

HEADER = "fr\ten\tkind\tvariants\tnote\n"


def write(tmp_path, rows):
    path = tmp_path / "terms.tsv"
    path.write_text("# test glossary\n" + HEADER + "".join(rows), encoding="utf-8")
    return path


def found(text, terms):
    return [(h.entry.fr, h.text) for h in gl.find(text, terms)]


def test_inflection_and_longest_match(terms):
    text = "Les partenariats avec la start-up ont rapporté 3 milliards de dollars."
    assert found(text, terms) == [("partenariat", "partenariats"), ("start-up", "start-up"),
                                  ("milliards de dollars", "milliards de dollars")]


def test_names_are_case_sensitive_and_terms_never_match_inside_names(terms):
    assert found("Elle a rejoint Inflection AI, pas l’IA de bing.", terms) == [
        ("Inflection AI", "Inflection AI"), ("IA", "IA")]
    assert found("La Microsofte et le CIA", terms) == []
    assert found("Google Cloud et le cloud", terms) == [("Google Cloud", "Google Cloud"), ("cloud", "cloud")]


def test_plural_terms_require_the_english_plural(terms):
    hits = gl.find("Les PDG et les startups se rencontrent.", terms)
    assert [h.required for h in hits] == ["CEOs", "startups"]
    assert [h.required for h in gl.find("Il a investi 10 milliards.", terms)] == ["billion"]


def test_number_comes_from_the_determiner_and_attributive_terms_stay_singular(terms):
    """spaCy tags the loanword in ``la startup`` plural; its determiner is singular. A term
    modifying another noun is an English noun adjunct: open source *models*."""
    required = {h.text: h.required for h in gl.find("Il parle de la startup et des modèles open source.", terms)}
    assert required == {"startup": "startup", "open source": "open source"}
    assert [h.required for h in gl.find("Nous aidons des startups.", terms)] == ["startups"]


def test_each_occurrence_needs_its_own_english(terms):
    """Two occurrences need two renderings; the AI inside the name Inflection AI is not
    the rendering of a separate IA."""
    fr = "L’IA d’Inflection AI et l’IA de la ville."
    hits = gl.find(fr, terms)
    assert [h.entry.fr for h in hits] == ["IA", "Inflection AI", "IA"]
    compliance = gl.Compliance()
    english = "The AI of Inflection AI and the IA of the city."
    compliance.record("s", fr, english, hits, gl.honoured(english, hits), "x.txt:1")
    assert [v.term for v in compliance.violations] == ["IA"]


def test_post_edit_replaces_what_the_engine_left_and_capitalises_at_sentence_start(terms):
    fr = "Intelligence artificielle : l’OpenAI non-profit reste à but non lucratif."
    hits = gl.find(fr, terms)
    renderings = {"Intelligence artificielle": "Intelligence artificielle", "à but non lucratif": "for no profit"}
    edited = gl.post_edit("Intelligence artificielle: the OpenAI non-profit stays for no profit.", hits, renderings, fr)
    assert edited == "Artificial intelligence: the OpenAI non-profit stays non-profit."


def test_protect_and_restore_round_trip():
    entry = gl.Entry("PDG", "CEO", "term")
    hits = [gl.Hit(entry, 3, 6, "PDG")]
    assert gl.protect("Le PDG parle.", hits) == "Le ZXQ0 parle."
    assert gl.restore("The ZXQ0 speaks.", hits) == "The CEO speaks."
    assert gl.restore("The speaks.", hits) is None
    assert gl.restore("ZXQ0 ZXQ0", hits) is None


def book_of(text, glossary=ROOT / "glossary" / "terms.tsv"):
    """A one-article book cleaned, segmented and matched against ``glossary``."""
    book = Book("essai", [parse_article(text, ROOT / "essai.txt")])
    return run_pipeline(["clean", "segment", "glossary"], book, glossary=glossary)


def translated(book, engine, tmp_path, protect=True, glossary=ROOT / "glossary" / "terms.tsv"):
    """``book`` through the translate and verify stages, with a fresh memory."""
    if not protect:
        book = translate(book, engine, protect=False)
        return run_pipeline(["verify"], book, glossary=glossary)
    return run_pipeline(["translate", "verify"], book, engine=engine, glossary=glossary, memory=tmp_path / "tm.sqlite",
                        approved=tmp_path / "none.tmx")


def test_apertium_honours_the_glossary_only_with_protection(tmp_path):
    text = "Titre\nLe PDG de la startup annonce 2 milliards de dollars pour l’intelligence artificielle.\n"
    engine = ApertiumEngine()
    unprotected = translated(book_of(text), engine, tmp_path, protect=False)
    assert unprotected.stats["glossary"]["violations"], "Apertium alone should miss PDG -> CEO"
    book = translated(book_of(text), engine, tmp_path)
    sentence = book.segments[1].en
    assert book.stats["glossary"]["violations"] == []
    assert "CEO" in sentence and "billion dollars" in sentence and "artificial intelligence" in sentence


def test_a_forced_violation_is_caught(terms):
    compliance = gl.Compliance()
    hits = gl.find("Le PDG parle.", terms)
    english = "The general director speaks."
    compliance.record("a1-b1-s1", "Le PDG parle.", english, hits, gl.honoured(english, hits), "x.txt:1")
    assert [(v.term, v.required) for v in compliance.violations] == [("PDG", "CEO")]
    assert compliance.rate == 0.0


def test_the_shipped_glossary_lints_clean():
    done = run_cli("glossary", "lint")
    assert done.returncode == 0, done.stdout
    assert "0 error(s)" in done.stdout
    assert "can match inside name" not in done.stdout


@pytest.mark.parametrize("row, message", [
    ("IA\tAI\n", "2 columns"),
    ("IA\tAI\tterm\t\tnote\textra\n", "6 columns"),
    ("IA \tAI\tterm\t\t\n", "trailing spaces"),
    ("IA\tAI\tword\t\t\n", "kind 'word'"),
    ("IA\tAI\tterm\t\t\nia\tAI\tterm\t\t\n", "duplicate of line 3"),
    ("IA\tAI\tterm\t\t\nIA\tKI\tterm\t\t\n", "conflicts with line 3"),
    ("Bing\tBingo\tname\t\t\n", "a name must be the same"),
])
def test_lint_catches_each_error_class(tmp_path, row, message):
    path = write(tmp_path, [row])
    problems = gl.lint(path)
    assert any(p.severity == "error" and message in p.message for p in problems), problems
    done = run_cli("glossary", "--glossary", str(path), "--seeds", str(tmp_path / "no-corpus"), "lint")
    assert done.returncode == 1 and f"{path}:" in done.stdout and ": error: " in done.stdout


def test_lint_warns_about_traps_and_unused_entries(tmp_path):
    path = write(tmp_path, ["inflection\tinflexion\tterm\t\t\n", "Inflection AI\tInflection AI\tname\t\t\n",
                            "fusée\trocket\tterm\t\t\n"])
    problems = gl.lint(path, ["Inflection AI recrute."])
    messages = [p.message for p in problems if p.severity == "warning"]
    assert any("'inflection' can match inside name 'Inflection AI'" in m for m in messages)
    assert any("'fusée' never occurs" in m for m in messages)


def test_malformed_glossary_stops_the_build_before_any_work(tmp_path):
    bad = write(tmp_path, ["IA\tAI\n"])
    out = tmp_path / "out"
    done = run_cli("build", "--glossary", str(bad), "--out", str(out), "--engine", "apertium")
    assert done.returncode == 2 and f"{bad}:3:" in done.stderr
    assert not out.exists()


def test_add_keeps_the_file_sorted_and_refuses_conflicts(tmp_path):
    path = write(tmp_path, ["zèbre\tzebra\tterm\t\t\n"])
    assert run_cli("glossary", "--glossary", str(path), "add", "fusée", "rocket").returncode == 0
    rows = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()[2:]]
    assert rows == ["fusée", "zèbre"]
    again = run_cli("glossary", "--glossary", str(path), "add", "Fusée", "spaceship")
    assert again.returncode == 2 and "already translated as 'rocket'" in again.stderr
    assert run_cli("glossary", "--glossary", str(path), "add", "fusée", "rocket").returncode == 2


def test_export_tbx(tmp_path, terms):
    out = tmp_path / "terms.tbx"
    assert run_cli("glossary", "export", "--tbx", str(out)).returncode == 0
    tree = etree.parse(str(out))
    entries = tree.findall(".//termEntry")
    assert len(entries) == len(terms.entries)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pdg = next(e for e in entries if e.find("langSet/tig/term").text == "PDG")
    assert {ls.get(xml_lang): ls.find("tig/term").text for ls in pdg.findall("langSet")} == {"fr": "PDG", "en": "CEO"}


def test_stats_reports_occurrences_and_compliance(built):
    out, _ = built
    done = run_cli("glossary", "stats", "--report", str(out / "report.json"))
    line = next(line for line in done.stdout.splitlines() if line.startswith("PDG "))
    assert line.split()[-1] == "100%" and int(line.split()[-2]) >= 5


def test_a_name_the_engine_translates_is_translated_again_protected(tmp_path):
    """Names go to the engine unmasked; Apertium turns the newspaper La Croix into
    "The Cross", so that segment is translated again with the name protected."""
    glossary_file = tmp_path / "terms.tsv"
    glossary_file.write_text("fr\ten\tkind\tvariants\tnote\nLa Croix\tLa Croix\tname\t\t\nPDG\tCEO\tterm\t\t\n",
                             encoding="utf-8")
    book = book_of("Titre\nLe PDG lit le journal La Croix.\nLe PDG lit un livre.\n", glossary_file)
    book = translated(book, ApertiumEngine(), tmp_path, glossary=glossary_file)
    assert book.stats["translate"]["reprotected"] == 1 and book.stats["translate"]["fallbacks"] == 0
    assert book.stats["glossary"]["violations"] == []
    assert "La Croix" in book.segments[1].en and "CEO" in book.segments[1].en


def test_a_term_matches_whole_never_on_its_first_words(terms):
    """Terms match on their own tokenisation: ``conseil d’`` is not ``conseil
    d’administration``, ``start`` is not ``start-up``."""
    assert found("Le conseil d’orientation et le conseil d’éthique se réunissent.", terms) == []
    assert found("Une start en ligne.", terms) == []
    assert found("Le conseil d’administration et les start-up.", terms) == [
        ("conseil d’administration", "conseil d’administration"), ("start-up", "start-up")]


def test_a_bracketed_term_needs_its_brackets_and_its_word(tmp_path):
    terms = gl.load(write(tmp_path, ["(IA)\t(AI)\tterm\t\t\n"]))
    assert found("Les outils (id), (ok) et (x y) restent.", terms) == []
    assert found("L’intelligence artificielle (IA) progresse.", terms) == [("(IA)", "(IA)")]


def test_a_name_variant_that_is_a_common_word_is_refused(tmp_path):
    path = write(tmp_path, ["OpenAI\tOpenAI\tname\tet|Open AI\t\n"])
    assert any(p.severity == "error" and "'et' is a common French word" in p.message for p in gl.lint(path))
    with pytest.raises(gl.GlossaryError):
        gl.load(path)


# French words around the glossary's terms: whole terms, their first words, their last words.
NEAR_TERMS = ["conseil", "d’orientation", "d’administration", "start", "up", "en", "ligne", "modèle", "de",
              "langage", "grand", "intelligence", "artificielle", "générale", "moteur", "recherche", "milliards",
              "dollars", "à", "but", "non", "lucratif", "code", "source", "ouvert", "open", "le", "la", "les", "et",
              "(", ")", "id", "ok", "nuage", "informatique", "siège", "social", "puissance", "calcul", "jeune",
              "pousse", "apprentissage", "automatique", "IA", "PDG", "cloud", "startup", "start-up", "partenariat"]


def words_of(text: str) -> list[str]:
    """Lower-case words and punctuation, plural s/x dropped: the form a hit must share with its term."""
    import re

    return [w.lower().rstrip("sx") or w for w in re.findall(r"\w+|[^\w\s]", text.replace("’", "'"))]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(NEAR_TERMS), min_size=1, max_size=14))
def test_no_term_is_required_where_its_french_is_not_there_whole(terms, words):
    text = " ".join(words)
    for hit in gl.find(text, terms):
        assert words_of(hit.text) == words_of(hit.entry.fr), (text, hit)
        before, after = text[hit.start - 1 : hit.start], text[hit.end : hit.end + 1]
        assert not before.isalnum() and not after.isalnum(), (text, hit)
