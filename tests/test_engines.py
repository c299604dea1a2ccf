"""Every engine translates each segment as if it were alone; Apertium's marks never reach
the English; a hanging engine cannot hang the build. Apertium (Debian) runs for real, on
French generated from the word lists and sentence patterns below (not from the seeds)."""
import functools
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import engines
from pipeline.engines import ApertiumEngine, EngineError, Translation

ROUTES = (engines.DEFAULT_ROUTE, *engines.OTHER_ROUTES)

# Nouns, adjectives the same in both genders, verbs in the 3rd person singular, names:
# enough for noun + adjective pairs, subject-verb-object orders and quotes, which
# Apertium's transfer rules reorder when nothing stops them.
# Some words only the other routes know, so that borrowing is exercised too.
NOUNS = ("le gouvernement", "la sanction", "le partenariat", "la critique", "l'entreprise", "le marché", "la réforme",
         "le tribunal", "la grève", "l'action", "le syndicat", "la hausse", "le projet", "la ville", "le rapport",
         "la panne", "les récoltes", "l'amiante", "les emballages")
ADJECTIVES = ("exemplaire", "rapide", "fragile", "économique", "politique", "historique", "difficile", "unique",
              "solide", "terrible", "irréaliste", "torrentielle")
VERBS = ("annonce", "critique", "refuse", "prépare", "soutient", "menace", "salue", "dénonce", "présente", "attend")
NAMES = ("Orange", "Renault", "Claire Martin", "Airbus", "Nexalis", "Bruxelles", "Karim Benali")
NUMBERS = ("1,5 %", "12", "200 000", "3,2 milliards d'euros", "45 ans", "4 milliards")
OPENERS = ("En critique", "Titre", "Selon", "Du côté des investisseurs,", "Mais", "Après l'annonce,")


@st.composite
def noun_phrase(draw) -> str:
    noun = draw(st.sampled_from(NOUNS))
    adjective = draw(st.sampled_from(ADJECTIVES))
    return draw(st.sampled_from((noun, f"{noun} {adjective}", f"{noun} « {adjective} »")))


@st.composite
def sentence(draw) -> str:
    subject = draw(st.one_of(noun_phrase(), st.sampled_from(NAMES)))
    verb = draw(st.sampled_from(VERBS))
    tail = draw(st.one_of(noun_phrase(), st.sampled_from(NUMBERS).map(lambda n: f"une hausse de {n}")))
    opener = draw(st.sampled_from(("", *OPENERS)))
    text = f"{opener} {subject} {verb} {tail}".strip()
    return text[0].upper() + text[1:] + draw(st.sampled_from((".", ",", " ?", "")))


@st.composite
def segment(draw) -> str:
    """A whole sentence, or a piece of one (what a bad segmentation gives an engine)."""
    words = draw(sentence()).split()
    start = draw(st.integers(0, len(words) - 1))
    end = draw(st.integers(start + 1, len(words)))
    return " ".join(words[start:end]) if draw(st.booleans()) else " ".join(words)


@functools.cache
def apertium(route: str = engines.DEFAULT_ROUTE) -> ApertiumEngine:
    """The default engine (other routes lend words), or another route on its own."""
    return ApertiumEngine() if route == engines.DEFAULT_ROUTE else ApertiumEngine(route, borrow_from=())


@functools.cache
def solo(route: str) -> ApertiumEngine:
    """A second engine with processes of its own, given one segment at a time."""
    return ApertiumEngine() if route == engines.DEFAULT_ROUTE else ApertiumEngine(route, borrow_from=())


@functools.cache
def alone(text: str, route: str = engines.DEFAULT_ROUTE) -> str:
    return solo(route).translate_batch([text])[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(segment(), min_size=2, max_size=4))
def test_each_segment_of_a_batch_is_translated_as_if_alone(batch):
    assert apertium().translate_batch(batch) == [alone(text) for text in batch]


@pytest.mark.parametrize("route", ROUTES[1:])
def test_other_routes_translate_each_segment_as_if_alone(route):
    batch = ["Le partenariat", "En critique", "Les associations saluent une sanction", "« exemplaire »,",
             "l'action d'", "Orange a reculé de 1,5 %."]
    assert apertium(route).translate_batch(batch) == [alone(text, route) for text in batch]


def test_the_issue_table_keeps_every_word_in_its_own_segment():
    batch = ["Titre", "Les associations de consommateurs saluent une sanction", "« exemplaire »,",
             "mais regrettent que les procédures durent souvent plusieurs années", ".",
             "Du côté des investisseurs, l’action d’", "Orange a reculé de 1,5 % à la Bourse de Paris après l’annonce."]
    english = apertium().translate_batch(batch)
    fresh = []  # each segment through Apertium processes that never saw another one
    for text in batch:
        engine = ApertiumEngine()
        fresh += engine.translate_batch([text])
        engine.close()
    assert english == fresh
    assert english[0] == "Title"
    assert "sanction" in english[1] and "Orange" not in english[1] and "title" not in english[1].lower()
    assert english[2].startswith("«") and not {"Title", "sanction", "Orange"} & set(english[2].split())
    assert english[4] == "."
    assert "Orange" in english[6] and "sanction" not in english[6]


def test_en_critique_is_the_same_after_le_partenariat():
    assert apertium().translate_batch(["Le partenariat", "En critique"])[1] == alone("En critique")


def test_the_same_french_gives_the_same_english_in_any_order_and_batch():
    texts = ["La réforme économique menace le marché.", "En critique",
             "Claire Martin salue la sanction « exemplaire »."]
    forward = apertium().translate_batch(texts)
    assert apertium().translate_batch(texts[::-1]) == forward[::-1]
    assert apertium().translate_batch(texts + texts) == forward + forward


INVENTED = st.text(alphabet="bcdfgklmnprstvzaeiou", min_size=5, max_size=10)


@st.composite
def sentence_with_unknown_words(draw) -> str:
    word, name = draw(INVENTED), draw(INVENTED).capitalize()
    return draw(st.sampled_from((
        f"Le {word} de {name} refuse la réforme.", f"{name} a {word} l'entreprise d'OpenAI.",
        f"Selon la SEC, le marché {word} s'y est rendu.", f"Ils se le sont dit : « {word} ».",
        f"L'IA de {name} et le {word}-{word} lui-même.",
    )))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence_with_unknown_words(), min_size=1, max_size=4))
def test_apertium_marks_never_reach_the_english(batch):
    for french, english in zip(batch, apertium().translate_batch(batch)):
        assert not any(mark in english for mark in "*#@<>"), (french, english)


def test_literal_marks_of_the_text_survive():
    english = apertium().translate_batch(["Le mouvement #MeToo cite @Nexalis et la note*."])[0]
    assert "#MeToo" in english and "@Nexalis" in english and "*" in english


@pytest.mark.parametrize("chunk, text, untranslated", [
    ("La empresa de @*OpenAI lo #<prn> dice.[]", "La empresa de OpenAI lo  dice.[]", ["OpenAI"]),
    ("Según el **Insee, #dar\\\\*b \\@moi", "Según el Insee, dar\\\\b \\@moi", ["Insee", "b"]),
    ("5 \\< 6 #socio", "5 \\< 6 socio", []),
])
def test_marks_are_removed_from_apertium_output_and_untranslated_words_kept(chunk, text, untranslated):
    """Chunks as Apertium's stages write them (escapes included)."""
    assert engines.unmark(chunk) == (text, untranslated)


def test_a_nul_or_line_break_in_a_segment_does_not_split_it():
    english = apertium().translate_batch(["Le marché\0 salue la réforme.", "La ville\nannonce.", "Titre"])
    assert english == [alone("Le marché salue la réforme."), alone("La ville annonce."), "Title"]


def test_untranslated_words_are_recorded_per_segment():
    results = apertium().translate_detailed(["Le chat zorglubesque dort.", "", "Bonjour Vexaliste."])
    assert [r.unknown for r in results] == [("zorglubesque",), (), ("Vexaliste",)]
    assert all(r.route == engines.DEFAULT_ROUTE for r in results)
    assert results[1] == Translation("", engines.DEFAULT_ROUTE)


def test_words_the_main_route_leaves_untranslated_are_borrowed_from_another_route():
    unchanged, city, constructor, names = apertium().translate_detailed([
        "Les tarifs restent inchangés.", "La municipalité de Quimper a subi une cyberattaque.",
        "Le constructeur a dévoilé un modèle.", "Le maire de Lyon et Claire Vexaliste."])
    # a French word fra-cat does not know
    assert unchanged.en == "The prices remain unchanged." and unchanged.unknown == ()
    assert unchanged.borrowed == (engines.Borrowing("inchangés", "unchanged", "fr-eo|eo-en"),)
    assert unchanged.routes == "fra-cat|cat-spa|spa-eng+fr-eo|eo-en" and names.routes == engines.DEFAULT_ROUTE
    # pivot words: Catalan that cat-spa does not know (desvelat), Spanish that spa-eng does
    # not know (municipalidad); each is traced back to its French word through the route's
    # modes reversed (cat-fra; spa-cat|cat-fra), which another route then translates
    assert constructor.borrowed == (engines.Borrowing("desvelat", "disclosed", "fr-eo|eo-en"),)
    assert "municipality" in city.en and "municipalidad" not in city.en
    # a name the pivot changed (Catalan "Kemper") comes back as the French writes it, and a
    # pivot word nothing translates gives way to its French word, reported as unknown
    assert city.en == "The municipality of Quimper has suffered a cyberattaque.", city.en
    assert engines.Borrowing("Kemper", "Quimper", "name") in city.borrowed
    assert engines.Borrowing("ciberataque", "cyberattaque", "source") in city.borrowed
    assert city.unknown == ("cyberattaque",)
    assert names.en == "The mayor of Lyon and Claire Vexaliste." and names.borrowed == ()
    assert {"Lyon", "Vexaliste"} <= set(names.unknown)


def test_a_route_leads_back_to_french_through_its_modes_reversed():
    assert str(engines.Route.parse("fr-es|spa-eng").back(1)) == "es-fr"
    assert "back=cat-fra,spa-cat|cat-fra" in apertium().config_id


def test_without_lenders_untranslated_words_stay_and_are_recorded():
    alone_route = ApertiumEngine(borrow_from=())
    result = alone_route.translate_detailed(["Les tarifs restent inchangés."])[0]
    assert "inchangés" in result.en and result.unknown == ("inchangés",) and result.borrowed == ()
    assert "borrow=" not in alone_route.config_id
    assert "borrow=fr-es|spa-eng,fra-cat|cat-eng,fr-eo|eo-en " in apertium().config_id


def test_the_default_route_falls_back_to_fr_es_without_apertium_spa_cat(tmp_path, caplog):
    """Modes as Debian installs them, less those of apertium-spa-cat."""
    (tmp_path / "modes").mkdir()
    for mode in ("fr-es", "spa-eng", "es-fr", "fra-cat", "cat-eng", "cat-fra", "fr-eo", "eo-en"):
        (tmp_path / "modes" / f"{mode}.mode").symlink_to(engines.APERTIUM_DATA / "modes" / f"{mode}.mode")
    with caplog.at_level("INFO", logger="bilingue"):
        engine = ApertiumEngine(datadir=tmp_path)
    assert str(engine.route) == engines.FALLBACK_ROUTE and "apt-get install apertium-spa-cat" in caplog.text
    assert "borrow=fra-cat|cat-eng,fr-eo|eo-en back=es-fr" in engine.config_id
    assert ApertiumEngine().route == engines.Route.parse(engines.DEFAULT_ROUTE)


def test_config_id_names_route_and_every_package_with_its_version():
    main, other = apertium().config_id, apertium("fr-es|spa-eng").config_id
    assert f"route={engines.DEFAULT_ROUTE}" in main and "null-flush" in main and f"code={engines.ENGINE_CODE}" in main
    for package in ("apertium-fra-cat=", "apertium-spa-cat=", "apertium-eng-spa=", "apertium=", "lttoolbox=",
                    "apertium-lex-tools="):
        assert package in main
    assert "apertium-fr-es=" in other and "apertium-fra-cat" not in other
    assert "unknown" not in main and all(part in main.split() for part in apertium().model_id.split("+"))
    assert {"apertium-fr-es", "apertium-eo-en"} <= {part.split("=")[0] for part in apertium().model_id.split("+")}


def test_a_missing_route_says_what_to_install(tmp_path):
    (tmp_path / "modes").mkdir()
    (tmp_path / "modes" / "fr-es.mode").write_text("cat\n")
    with pytest.raises(EngineError, match=r"mode\(s\) spa-eng missing from .*: apt-get install apertium-eng-spa$"):
        ApertiumEngine(datadir=tmp_path)
    with pytest.raises(EngineError, match="fr-xx, xx-eng missing .*: install the Apertium language pairs"):
        ApertiumEngine("fr-xx|xx-eng")


def processes_mentioning(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_a_hanging_engine_is_killed_with_a_clear_error(tmp_path):
    """A language pair whose first program never answers (a real process that waits
    forever): the batch fails after the timeout and no process of the pipe is left."""
    never = tmp_path / "stays-empty"
    never.touch()
    (tmp_path / "modes").mkdir()
    (tmp_path / "modes" / "fr-es.mode").write_text(f"tail -f {never}\n")
    (tmp_path / "modes" / "spa-eng.mode").write_text("cat\n")
    engine = ApertiumEngine(datadir=tmp_path, timeout_s=1, timeout_per_char_s=0.001)
    start = time.monotonic()
    with pytest.raises(EngineError, match=r"apertium fr-es, given 2 segment\(s\) .* did not finish within 1 s and was "
                                          r"killed\. Check that `echo Bonjour \| apertium -d .* fr-es`"):
        engine.translate_batch(["Bonjour.", "Au revoir."])
    assert time.monotonic() - start < 10
    deadline = time.monotonic() + 5
    while processes_mentioning(str(never)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(never)) == []


def test_a_mode_that_stops_gives_its_error(tmp_path):
    (tmp_path / "modes").mkdir()
    (tmp_path / "modes" / "fr-es.mode").write_text("cat\n")  # run as `cat -z`: no such option
    (tmp_path / "modes" / "spa-eng.mode").write_text("cat\n")
    engine = ApertiumEngine(datadir=tmp_path)
    for _ in range(2):  # the next batch starts the mode again, and fails the same way
        with pytest.raises(EngineError, match=r"apertium fr-es stopped: cat: invalid option -- 'z'"):
            engine.translate_batch(["Bonjour."])


def test_the_timeout_grows_with_the_batch(tmp_path):
    (tmp_path / "stays-empty").touch()
    (tmp_path / "modes").mkdir()
    (tmp_path / "modes" / "fr-es.mode").write_text(f"tail -f {tmp_path / 'stays-empty'}\n")
    (tmp_path / "modes" / "spa-eng.mode").write_text("cat\n")
    engine = ApertiumEngine(datadir=tmp_path, timeout_s=0.2, timeout_per_char_s=0.0002)
    with pytest.raises(EngineError, match=r"within 2 s"):
        engine.translate_batch(["x" * 7000])


def test_a_name_the_pivot_changed_comes_back_as_the_french_writes_it():
    """fr-es writes "Bretaña" for "la Bretagne", and spa-eng leaves it so: a Spanish word
    in the English that no check would call untranslated, since it is capitalised."""
    result = apertium().translate_detailed(["Deux plateformes flottantes pour la Bretagne."])[0]
    assert "Bretagne" in result.en and "Bretaña" not in result.en and result.unknown == ()
    assert engines.Borrowing("Bretaña", "Bretagne", "name") in result.borrowed


@functools.cache
def consensus_engine() -> ApertiumEngine:
    return ApertiumEngine(consensus=True)


def reference_french(count: int) -> list[str]:
    lines = (Path(__file__).parent / "data" / "reference_fr_en.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")][1 : count + 1]


def test_consensus_keeps_the_english_the_routes_agree_on():
    french = reference_french(40)
    engine = consensus_engine()
    chosen = engine.translate_detailed(french)
    options = {str(route): engine.translate_route(route, french) for route in engine.candidates}
    assert list(options) == [engines.DEFAULT_ROUTE, *engines.OTHER_ROUTES]
    for i, result in enumerate(chosen):
        assert result == engines.agreed([options[route][i] for route in options])
        assert result == options[result.route][i]
    assert {r.route for r in chosen} > {engines.DEFAULT_ROUTE}, "the consensus never chose another route"
    assert "choose=consensus" in engine.config_id and "choose=" not in apertium().config_id


def test_consensus_translates_each_segment_as_if_alone():
    french = reference_french(6)
    together = consensus_engine().translate_batch(french)
    assert consensus_engine().translate_batch(french[::-1]) == together[::-1]
    assert [consensus_engine().translate_batch([text])[0] for text in french] == together


def test_the_build_engine_is_the_consensus_of_the_default_route_and_the_others():
    engine = engines.select("apertium")
    assert engine.route == engines.Route.parse(engines.DEFAULT_ROUTE) and len(engine.candidates) == 4
    assert "choose=consensus" in engine.config_id and "cognates=" in engine.config_id
