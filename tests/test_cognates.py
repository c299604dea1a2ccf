"""English cognates for French words no Apertium route knows (glossary/cognates.tsv), checked
against Debian's English word lists; real Apertium, French that is not in the seeds."""
import functools

import pytest

from pipeline import cognates, engines, tsv
from pipeline.cognates import Cognates, Rule

HEADER = "french\tenglish\texample\n"


@functools.cache
def engine() -> engines.ApertiumEngine:
    return engines.ApertiumEngine(cognates=cognates.load())


def rule_line(french: str) -> int:
    """The line of the shipped file's first rule for a French ending."""
    return next(r.line for r in cognates.load().rules if r.french == french)


def test_every_shipped_rule_gives_an_english_word_from_its_own_example():
    shipped = cognates.load()
    examples = [row[2].split(" -> ") for _, row in tsv.read_rows(cognates.DEFAULT_FILE, cognates.COLUMNS, 3)[0]]
    assert len(examples) == len(shipped.rules) > 20
    for french, english in examples:
        assert english in shipped.english_words, english
        assert shipped.english(french).english == english, french


@pytest.mark.parametrize("row, message", [
    ("ique\tique\talgorithmique -> algorithmic", "does not turn 'algorithmique' into 'algorithmic'"),
    ("ique\tic\talgorithmique = algorithmic", "write it as 'french -> english'"),
    ("ique\tic", "2 columns; expected 3"),
])
def test_a_rule_whose_example_fails_is_refused_with_its_line(tmp_path, row, message):
    path = tmp_path / "cognates.tsv"
    path.write_text("# rules\n" + HEADER + "if\tive\tprescriptif -> prescriptive\n" + row + "\n", encoding="utf-8")
    with pytest.raises(tsv.DataFileError, match=f"cognates.tsv:4: .*{message}"):
        cognates.load(path)


def test_a_rule_is_used_only_when_english_has_the_word():
    rules = Cognates([Rule("", "", 1), Rule("el", "al", 2)], {"conceptual"})
    assert rules.english("conceptuel").english == "conceptual"
    assert rules.english("pluriannuel") is None and rules.english("inéluctable") is None


def test_short_words_must_be_common_english_words_not_rare_ones(tmp_path):
    """The huge word lists hold short foreign words (les, des): they count from 6 letters."""
    common, rare = tmp_path / "common", tmp_path / "rare"
    common.write_text("the\n", encoding="utf-8")
    rare.write_text("les\nEbullition\n", encoding="utf-8")
    rules = Cognates([Rule("", "", 1)], cognates.EnglishWords((common,), (rare,)))
    assert rules.english("les") is None and rules.english("ébullition").english == "ebullition"


def test_words_no_route_knows_get_their_cognate_recorded_with_the_rule():
    critics, liquidator, agencies = engine().translate_detailed([
        "Les critiques technicistes dénoncent le consumérisme.", "Le liquidateur a vendu les actifs.",
        "Les agences réévaluent les risques systémiques."])
    assert "technicists" in critics.en and critics.unknown == ()
    assert engines.Borrowing("technicistes", "technicists", f"cognates.tsv:{rule_line('istes')}") in critics.borrowed
    assert "liquidator" in liquidator.en and liquidator.unknown == ()
    assert "reevaluate" in agencies.en and "réévaluent" not in agencies.en
    assert f"cognates.tsv:{rule_line('uent')}" in agencies.routes


def test_a_pivot_word_is_traced_to_its_french_word_in_the_other_gender():
    """fr-es writes "acumulativo", which spa-eng does not know; es-fr gives it back as
    "cumulatif", while the French says "cumulative"."""
    result = engine().translate_detailed(["Les conseils modérateurs adoptent une approche cumulative."])[0]
    assert "cumulative" in result.en and "acumulativ" not in result.en and result.unknown == ()
    assert [b.word for b in result.borrowed if b.route.startswith("cognates.tsv")] == ["modérateurs", "acumulativo"]


@pytest.mark.parametrize("french, word", [
    ("La gouvernance reste floue.", "gouvernance"),
    # a participle's English look-alike is a false friend too often (scotché is not "scotched")
    ("Le public est resté scotché devant l'écran.", "scotché"),
])
def test_a_word_with_no_english_cognate_stays_and_is_reported(french, word):
    result = engine().translate_detailed([french])[0]
    assert word in result.en and result.unknown == (word,)


def test_the_rules_file_is_part_of_the_engine_configuration(tmp_path):
    path = tmp_path / "cognates.tsv"
    path.write_text(HEADER + "if\tive\tprescriptif -> prescriptive\n", encoding="utf-8")
    other = engines.ApertiumEngine(cognates=cognates.load(path))
    assert f"cognates={cognates.load().digest}" in engine().config_id
    assert other.config_id != engine().config_id
