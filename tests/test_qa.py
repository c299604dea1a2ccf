"""Translation QA: every check fires on a bad translation and stays quiet on a good one
(sentences written for these tests, not taken from the seeds), accepted flags, the
alignment of real build outputs, and `bilingue qa`."""
import dataclasses
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline import build, qa
from pipeline import glossary as gl
from pipeline.memory import write_tmx
from pipeline.model import Article, Block, Book, Provenance, Segment
from pipeline.stages import StrictFailure
from pipeline.tsv import DataFileError

from .conftest import ROOT, run_cli

WHERE = Provenance("test.txt", 1)


@pytest.fixture(scope="module")
def lexicon():
    return qa.default_lexicon()


def messages(flags, check=None):
    return [f.message for f in flags if check is None or f.check == check]


def hits(fr, terms):
    return gl.find(fr, terms)


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("fr, en", [
    ("La coopérative vise 3,2 milliards d’euros de ventes.", "The cooperative is aiming for €3.2 billion in sales."),
    ("La coopérative vise 3,2 milliards d’euros de ventes.", "The cooperative is aiming for 3.2 billion euros in sales."),
    ("Le port a traité 1 250 conteneurs, soit 7 % de plus.", "The port handled 1,250 containers, 7% more."),
    ("Le port a traité 1 250 conteneurs, soit 7 % de plus.", "The port handled 1250 containers, 7 percent more."),
    ("Les travaux reprendront mi-2027, le 4 mai.", "Work will resume in mid-2027, on 4 May."),
    ("Au XIXe siècle, deux usines employaient 300 ouvriers.", "In the 19th century, two factories employed 300 workers."),
    ("Au 1er trimestre, trois usines ont fermé.", "In the 1st quarter, 3 factories closed."),
    ("La réunion commence à 9 h 15.", "The meeting starts at 9:15."),
    ("Un million de visiteurs en 2019.", "One million visitors in 2019."),
    ("Le budget atteint 450 M€.", "The budget reaches €450m."),
    ("Le modèle GPT-3.5 coûte 0,5 dollar.", "The GPT-3.5 model costs 0.5 dollars."),
])
def test_numbers_quiet_on_a_faithful_translation(fr, en):
    assert qa.check_numbers(fr, en) == []


@pytest.mark.parametrize("fr, en, expected", [
    ("La coopérative vise 3,2 milliards d’euros.", "The cooperative is aiming for 3.2 million euros.",
     r"«3,2 milliards» \(3200000000\) is not in the English; the English has “3.2 million”"),
    ("La coopérative vise 3,2 milliards d’euros.", "The cooperative is aiming for 3.2 milliards euros.",
     r"«3,2 milliards» .* not in the English"),
    ("Le port a traité 1 250 conteneurs.", "The port handled 1,520 containers.", r"«1 250» \(1250\) is not in the English"),
    ("La hausse atteint 7 %.", "The rise reaches 7.", r"«7 %» \(7%\) is not in the English; the English has “7”"),
    ("Les travaux ont commencé en 2019.", "Work began in 2018.", r"“2018” \(2018\) is in the English but not in the French"),
    ("Les travaux ont commencé.", "Work began in 2018 with 40 staff.", r"“40” .* in the English but not in the French"),
])
def test_numbers_flag_a_changed_lost_or_invented_number(fr, en, expected):
    flags = qa.check_numbers(fr, en)
    assert any(re.search(expected, m) for m in messages(flags)), messages(flags)
    assert all(f.severity == "error" for f in flags)


@pytest.mark.parametrize("en, expected", [
    ("The rise reaches 1,5 points.", "French decimal comma"),
    ("The port handled 1 250 containers.", "French thousands spacing"),
    ("The rise reaches 7 %.", "space before %"),
    ("Work will resume in mi-2027.", "“mi-”"),
    ("In the 1er quarter.", "French ordinal"),
])
def test_numbers_warn_about_french_formats_left_in_the_english(en, expected):
    fr = "La hausse atteint 1,5 point, 1 250 conteneurs, 7 %, mi-2027, 1er trimestre."
    flags = qa.check_numbers(fr, en)
    warnings = [f.message for f in flags if f.severity == "warning"]
    assert any(expected in m for m in warnings), messages(flags)


# --- names -----------------------------------------------------------------------------


def test_names_quiet_when_names_acronyms_and_places_come_through(terms, lexicon):
    fr = "Selon Mme Dupont, la SNCF et l’ONU ont rencontré Volkswagen à Bruxelles ; OpenAI était là."
    en = "According to Ms Dupont, SNCF and the UN met Volkswagen in Brussels; OpenAI was there."
    assert qa.check_names(fr, en, hits(fr, terms), lexicon) == []


def test_names_ignore_a_common_word_written_in_capitals(lexicon):
    assert qa.check_names("ALERTE : la Loire déborde.", "WARNING: the Loire is overflowing.", [], lexicon) == []


def test_names_flag_a_translated_name_and_a_lost_acronym(terms, lexicon):
    fr = "Le groupe Orano a saisi la CNIL, puis Microsoft a répondu."
    en = "The group Orange seized the commission, then Micro soft answered."
    found = messages(qa.check_names(fr, en, hits(fr, terms), lexicon))
    assert any("«Orano»" in m for m in found) and any("«CNIL»" in m for m in found)
    assert any("«Microsoft»" in m for m in found)  # a glossary name
    assert not any("«Le»" in m or "«Bruxelles»" in m for m in found)


# --- untranslated ------------------------------------------------------------------------


def test_untranslated_quiet_on_english_words_and_names(terms, lexicon):
    fr = "Selon Jean-Luc Ravier, la start-up de Lorient utilise un chatbot et le cloud de Google."
    en = "According to Jean-Luc Ravier, the Lorient start-up uses a chatbot and Google's cloud; the CEO co-founded it."
    assert qa.check_untranslated(fr, en, hits(fr, terms), lexicon) == []
    fr, en = "Le match a lieu au Parc des Princes.", "The match takes place at the Parc des Princes."
    assert qa.check_untranslated(fr, en, [], lexicon) == []


@pytest.mark.parametrize("en, word, language", [
    ("The board approved the fusión within a short plazo.", "plazo", "Spanish"),
    ("The firm remains prudente about its rentabilité.", "rentabilité", "French"),
    ("The union signed malgrat the objections.", "malgrat", "Catalan"),
    ("Sales grew kaj profits fell.", "kaj", "Esperanto"),
    ("Ainsi the plan failed.", "Ainsi", "French"),
])
def test_untranslated_names_each_foreign_word_and_its_language(terms, lexicon, en, word, language):
    fr = "Le conseil a approuvé la fusion dans un court délai, malgré les objections ; ainsi le plan échoue."
    found = messages(qa.check_untranslated(fr, en, hits(fr, terms), lexicon))
    assert any(f"“{word}”" in m and language in m for m in found), found


def test_untranslated_flags_a_french_compound_no_dictionary_lists(lexicon):
    fr = "Le groupe mise sur le cofinancement et l’hypercroissance, selon ses rivaux."
    en = "The group is betting on cofinancement and hypercroissance, according to its rivals."
    found = messages(qa.check_untranslated(fr, en, [], lexicon))
    assert found == ["“cofinancement” (French compound) left in the English",
                     "“hypercroissance” (French compound) left in the English"]


def test_untranslated_accepts_the_editors_english_words_and_whole_phrases_only(tmp_path):
    extra = tmp_path / "english-words.txt"
    extra.write_text("# words the lists lack\nde facto\nhyperscaler\n", encoding="utf-8")
    lexicon = qa.Lexicon(english_extra=extra)
    fr = "Une interdiction de fait, selon les hyperscalers."
    assert qa.check_untranslated(fr, "A de facto ban, according to the hyperscaler.", [], lexicon) == []
    found = messages(qa.check_untranslated(fr, "A ban de fact.", [], lexicon))
    assert len(found) == 1 and "“de”" in found[0]


def test_untranslated_reports_engine_marks(terms, lexicon):
    found = messages(qa.check_untranslated("Le plan.", "The #plane and *plano.", [], lexicon))
    assert len(found) == 2 and all("engine marked" in m for m in found)


# --- empty or copied, length, punctuation, glossary --------------------------------------


def test_empty_or_copied(lexicon):
    fr = "La récolte de pommes a été abondante cette année."
    assert qa.check_empty_or_copied(fr, "The apple harvest was plentiful this year.", lexicon) == []
    assert [f.severity for f in qa.check_empty_or_copied(fr, " ", lexicon)] == ["error"]
    assert [f.severity for f in qa.check_empty_or_copied(fr, fr, lexicon)] == ["warning"]
    assert qa.check_empty_or_copied("Renault Twingo 2024", "Renault Twingo 2024", lexicon) == []


def test_length_band_from_the_book_flags_truncation_and_invention():
    pairs = [("Le train part de la gare centrale à huit heures.", "The train leaves the central station at eight.")] * 20
    band = qa.length_band(pairs)
    fr = "La municipalité a voté le budget des écoles primaires et des crèches."
    assert qa.check_length(fr, "The council voted the budget of primary schools and nurseries.", band) == []
    assert "truncated" in messages(qa.check_length(fr, "The council voted.", band))[0]
    invented = "The council voted the budget of primary schools and nurseries, and then it went on to discuss many other things."
    assert "invented" in messages(qa.check_length(fr, invented, band))[0]


def test_punctuation():
    fr = "Pourquoi la mairie a-t-elle dit « non » (encore) ?"
    assert qa.check_punctuation(fr, "Why did the town hall say “no” (again)?") == []
    found = messages(qa.check_punctuation(fr, "Why did the town hall say « no » (again ."))
    assert any("question mark" in m for m in found)
    assert any("guillemets" in m for m in found)
    assert any("unbalanced (" in m for m in found)
    assert any("space before “?”" in m for m in messages(qa.check_punctuation(fr, "Why did it say “no” (again) ?")))


def test_punctuation_does_not_blame_the_english_for_a_quote_the_french_segment_leaves_open():
    assert qa.check_punctuation("Il a dit : « nous verrons.", "He said: “we will see.") == []


def test_glossary_verdicts_become_flags(terms):
    fr = "L’intelligence artificielle progresse."
    found = hits(fr, terms)
    assert qa.check_glossary("Artificial intelligence is progressing.", found) == []
    flags = qa.check_glossary("The artificial cleverness progresses.", found)
    assert [f.severity for f in flags] == ["error"] and "artificial intelligence" in flags[0].message


# --- a whole book, accepted flags, approved pairs ------------------------------------------


def small_book(pairs, terms):
    segments = []
    for n, (fr, en) in enumerate(pairs, start=1):
        segments.append(Segment(id=f"a1-b{n}-s1", fr=fr, where=WHERE, en=en, terms=hits(fr, terms)))
    blocks = [Block("paragraph", s.fr, WHERE, s.fr, segments=[s]) for s in segments]
    return Book("Test", [Article(Path("test.txt"), "test", blocks)])


GOOD = [("Le port de Brest a accueilli 120 navires en 2024.", "The port of Brest welcomed 120 ships in 2024."),
        ("La mairie ouvrira une nouvelle bibliothèque au printemps.", "The town hall will open a new library in spring.")]


def test_run_qa_fills_flags_and_the_summary(terms):
    book = small_book(GOOD + [("La hausse atteint 12 % cette année.", "The rise reaches 21% this year.")], terms)
    qa.run_qa(book, accepted={})
    assert [s.flags for s in book.segments[:2]] == [[], []]
    summary = book.stats["qa"]
    assert summary["checks"]["numbers"] == {"severity": "error", "count": 2, "accepted": 0, "segments": ["a1-b3-s1"]}
    assert summary["errors"] == 2
    assert summary["flags"][0]["fr"] == "La hausse atteint 12 % cette année." and summary["flags"][0]["hash"]
    json.dumps(summary)  # goes into report.json as it is


def test_an_accepted_flag_is_listed_as_accepted_not_hidden(terms, tmp_path):
    fr = "La hausse atteint 12 % cette année."
    accepted = tmp_path / "qa-accepted.tsv"
    accepted.write_text(f"hash\tcheck\treason\n{qa.source_hash(fr)}\tnumbers\tthe source misprints 21 %\n", encoding="utf-8")
    book = small_book([(fr, "The rise reaches 21% this year.")], terms)
    qa.run_qa(book, qa.load_accepted(accepted))
    summary = book.stats["qa"]
    assert summary["errors"] == 0
    assert summary["checks"]["numbers"]["count"] == 0 and summary["checks"]["numbers"]["accepted"] == 2
    assert all(f.accepted == "the source misprints 21 %" for f in book.segments[0].flags)
    assert "the source misprints 21 %" in qa.format_table(summary)
    assert "- a1-b1-s1 [numbers] «12 %» (12%) is not in the English: accepted, the source misprints 21 %" \
        in qa.markdown_section(summary)


@pytest.mark.parametrize("row, error", [
    ("12345\tnumbers\twhy", "12 hex digits"),
    ("0123456789ab\tspelling\twhy", "not one of"),
    ("0123456789ab\tnumbers\t", "reason"),
])
def test_a_bad_accepted_file_names_file_and_line(tmp_path, row, error):
    path = tmp_path / "qa-accepted.tsv"
    path.write_text(f"# comment\nhash\tcheck\treason\n{row}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"qa-accepted.tsv:3: .*{error}"):
        qa.load_accepted(path)


def test_the_shipped_accepted_file_loads():
    assert isinstance(qa.load_accepted(), dict)


def test_check_pairs_on_approved_translations(terms):
    results = qa.check_pairs({GOOD[0][0]: GOOD[0][1], "Le musée a reçu 3 000 visiteurs.": "The museum received 300 visitors."},
                             terms, accepted={})
    flagged = {r.fr: messages(r.flags) for r in results}
    assert flagged[GOOD[0][0]] == []
    assert any("«3 000»" in m for m in flagged["Le musée a reçu 3 000 visiteurs."])


# --- alignment of real outputs and `bilingue qa` ------------------------------------------

SOURCE = """Les ports bretons en 2024
Le port de Brest a accueilli 120 navires en 2024. La mairie ouvrira une nouvelle bibliothèque au printemps.
Une saison record
Les ferries ont transporté 2 500 passagers par jour pendant l’été.
"""


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("qa")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "ports.txt").write_text(SOURCE, encoding="utf-8")
    out = root / "out"
    build.build(build.Options(seeds=seeds, out=out, engine="apertium", approved=root / "none.tmx"))
    return root, out


def copy_outputs(out: Path, to: Path) -> Path:
    import shutil

    shutil.copytree(out, to, ignore=shutil.ignore_patterns(".cache"))
    return to


def test_alignment_quiet_on_a_real_build(small_build):
    _, out = small_build
    assert qa.check_alignment(out) == []


def test_alignment_flags_an_html_page_that_lost_or_moved_a_twin(small_build, tmp_path):
    _, out = small_build
    broken = copy_outputs(out, tmp_path / "out")
    page = broken / "html" / "ports.html"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<span class="seg" id="en-a1-b2-s2"[^>]*>.*?</span>(?=</p>)', "", text, count=1)
    page.write_text(text.replace('data-twin="en-a1-b2-s1"', 'data-twin="en-a1-b4-s1"'), encoding="utf-8")
    found = [p.message for p in qa.check_alignment(broken)]
    assert "French segment without an English twin" in found
    assert "fr-a1-b2-s1 points at en-a1-b4-s1, not en-a1-b2-s1" in found


def test_alignment_flags_english_out_of_order_and_a_review_page_missing_a_segment(small_build, tmp_path):
    _, out = small_build
    broken = copy_outputs(out, tmp_path / "out")
    page = broken / "html" / "ports.html"
    text = page.read_text(encoding="utf-8")
    review = broken / "review" / "ports.html"
    review.write_text(re.sub(r'<span class="seg" id="(fr|en)-a1-b4-s1".*?</span>', "", text), encoding="utf-8")
    swapped = text.replace('id="en-a1-b2-s1"', 'id="en-TMP"').replace('id="en-a1-b2-s2"', 'id="en-a1-b2-s1"')
    page.write_text(swapped.replace('id="en-TMP"', 'id="en-a1-b2-s2"'), encoding="utf-8")
    found = {(p.segment, p.message) for p in qa.check_alignment(broken)}
    assert ("a1-b2-s1", "the English segments are not in the French order") in found
    assert ("a1-b4-s1", "segment of the book missing from the review pages") in found


def test_alignment_flags_an_epub_whose_english_blocks_shifted(small_build, tmp_path):
    _, out = small_build
    broken = copy_outputs(out, tmp_path / "out")
    epub = broken / "bilingue.epub"
    with zipfile.ZipFile(out / "bilingue.epub") as source, zipfile.ZipFile(epub, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            blocks = re.findall(rb'<div class="en" lang="en">.*?</div>', data, re.S)
            if blocks:
                data = data.replace(blocks[-1], b"", 1)  # a chapter's last paragraph loses its English
            target.writestr(item, data)
    found = [p.message for p in qa.check_alignment(broken)]
    assert "segment of the book missing from the EPUB's en" in found, found


def test_bilingue_qa_passes_a_faithful_build_and_fails_an_approved_translation_that_changes_a_number(small_build):
    root, out = small_build
    done = run_cli("qa", "--out", str(out), "--approved", str(root / "none.tmx"))
    assert "alignment" in done.stdout and "numbers" in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    approved = root / "approved.tmx"
    write_tmx(approved, {"Les ferries ont transporté 2 500 passagers par jour pendant l’été.":
                         "The ferries carried 5,200 passengers a day over the summer."})
    done = run_cli("qa", "--out", str(out), "--approved", str(approved), "--format", "json")
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["checks"]["numbers"]["severity"] == "error"
    assert any(f["where"] == "approved translation" and "«2 500»" in f["message"] for f in summary["flags"])


def test_bilingue_qa_without_a_build_says_what_to_do(tmp_path):
    done = run_cli("qa", "--out", str(tmp_path / "nothing"))
    assert done.returncode == 2 and "bilingue build" in done.stderr


def test_an_approved_translation_that_changes_a_number_stops_a_strict_build(small_build, tmp_path):
    root, _ = small_build
    approved = tmp_path / "approved.tmx"
    write_tmx(approved, {"Les ferries ont transporté 2 500 passagers par jour pendant l’été.":
                         "The ferries carried 5,200 passengers a day over the summer."})
    options = build.Options(seeds=root / "seeds", out=tmp_path / "out", engine="apertium", approved=approved,
                            memory=tmp_path / "tm.sqlite", strict=True)
    with pytest.raises(StrictFailure, match=r"QA error.*\[numbers\]"):
        build.build(options)
    assert not (tmp_path / "out" / "html").exists()
    report = build.build(dataclasses.replace(options, strict=False))  # without --strict: published, flagged
    assert report["qa"]["checks"]["numbers"]["count"] >= 1 and report["qa"]["errors"] >= 1


def test_word_analyses_are_kept_for_the_next_build_and_dropped_when_an_analyser_changes(tmp_path):
    """The QA stage saves its lt-proc analyses in out/.cache/lexicon.pickle; a rebuild runs
    lt-proc only for new words. Analyses of other analyser files, or an unreadable file,
    are not used."""
    analyser = tmp_path / "fr-es.automorf.bin"
    shutil.copyfile(qa.APERTIUM / "apertium-fr-es" / "fr-es.automorf.bin", analyser)
    saved = tmp_path / "lexicon.pickle"

    def lexicon():
        return qa.Lexicon(analysers={"French": ("fr-es",)}, root=tmp_path)

    first = lexicon()
    assert first.analyses("maison", "French")
    first.save(saved)
    again = lexicon()
    again.load(saved)
    assert again.cache == first.cache and ("French", "maison") in again.cache

    with analyser.open("ab") as handle:  # another version of the analyser
        handle.write(b"\0")
    stale = lexicon()
    stale.load(saved)
    assert stale.cache == {}
    saved.write_bytes(b"not a pickle")
    stale.load(saved)
    assert stale.cache == {}
