"""English post-edits: general named rules and the editor's file, each change recorded
(English and French written for these tests, not from seeds/)."""
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline import glossary as gl
from pipeline import postedit
from pipeline.engines import ApertiumEngine
from pipeline.model import Provenance, Segment
from pipeline.tsv import DataFileError

from .conftest import ROOT

ROWS = postedit.load(ROOT / "glossary" / "postedit.tsv")


def edited(english, source="", hits=(), rows=ROWS):
    return postedit.edit_english(english, source, list(hits), rows)


@pytest.mark.parametrize("english, source, expected, rule", [
    ("Nvidia Projects Intel.", "Nvidia dépasse Intel.", "Nvidia projects Intel.", "stray_capital"),
    ("he called it « bromance » .", "Il l’a appelé « bromance ».", "He called it “bromance”.", "english_quotes"),
    ("Sales rose 2,75 % in the the spring.", "Les ventes ont crû de 2,75 % au printemps.",
     "Sales rose 2.75% in the spring.", "decimal_point"),
    ("Sales rose ( sharply ) .", "Les ventes ont bondi.", "Sales rose (sharply).", "english_spacing"),
    ("financial Tensions rise", "Tensions financières en hausse", "Financial tensions rise", "sentence_capital"),
    ("The match among Lyon and Lille ends.", "Le match entre Lyon et Lille s’achève.",
     "The match between Lyon and Lille ends.", "postedit.tsv:13"),
    ("His clubs defend his colours.", "Leurs clubs défendent leurs couleurs.",
     "Their clubs defend their colours.", "possessor"),
    ("The shareholders of Renault SA defend his interests.", "Les actionnaires de Renault SA défendent leurs intérêts.",
     "The shareholders of Renault SA defend their interests.", "possessor"),
    ("The council has voted a budget Tuesday.", "Le conseil a voté un budget mardi.",
     "The council voted a budget Tuesday.", "simple_past"),
    ("The shops have not reopened and the roads have been closed.",
     "Les commerces n’ont pas rouvert et les routes ont été fermées.",
     "The shops did not reopen and the roads were closed.", "simple_past"),
    ("Has finally fallen the wall.", "Est finalement tombé le mur.", "Finally fell the wall.", "simple_past"),
    ("The firm goes to close two plants.", "L’entreprise va fermer deux usines.", "The firm will close two plants.",
     "near_future"),
    ("The port received 12 500 ships.", "Le port a reçu 12 500 navires.", "The port received 12,500 ships.",
     "thousands_separator"),
    ("The mill employs near of 300 people near of Rouen.", "Le moulin emploie près de 300 personnes près de Rouen.",
     "The mill employs nearly 300 people near Rouen.", "postedit.tsv:17"),
    ("Sales fell the past year.", "Les ventes ont baissé l’an dernier.", "Sales fell last year.", "postedit.tsv:19"),
    ("Near of 450 people came.", "Près de 450 personnes sont venues.", "Nearly 450 people came.", "postedit.tsv:17"),
    ("The next week, the vote takes place.", "La semaine prochaine, le vote a lieu.",
     "Next week, the vote takes place.", "postedit.tsv:20"),
    ("They go to the cinema and she goes to buy bread.", "Ils vont au cinéma et elle va acheter du pain.",
     "They go to the cinema and she will buy bread.", "near_future"),
    ("It weighs 1 234,5 tonnes.", "Il pèse 1 234,5 tonnes.", "It weighs 1,234.5 tonnes.", "thousands_separator"),
    ("The vote takes place the next week.", "Le vote a lieu la semaine prochaine.", "The vote takes place next week.",
     "postedit.tsv:20"),
    ("He spoke in the moment of a visit.", "Il a parlé lors d’une visite.", "He spoke during a visit.",
     "postedit.tsv:21"),
    ("He arrived in the moment of the closure.", "Il est arrivé au moment de la fermeture.",
     "He arrived at the time of the closure.", "postedit.tsv:22"),
])
def test_each_rule_fixes_what_it_names(english, source, expected, rule):
    out, changes = edited(english, source)
    assert out == expected
    assert rule in {c.rule for c in changes}


@pytest.mark.parametrize("english, source", [
    ("In May, Bill Gates met the Will Foundation.", "En mai, Bill Gates a rencontré la fondation Will."),
    ("The Conseil supérieur met, and Apple Music grew.", "Le Conseil supérieur s’est réuni, et Apple Music a crû."),
    ("That that is true had had effects.", "Que cela soit vrai a eu des effets."),
    ("Among the unions, anger grows.", "Parmi les syndicats, la colère monte."),
    ("12,000 cars and 3,5 tonnes.", "12 000 voitures et 3,6 tonnes."),
    ("The mayor and his city.", "Le maire et sa ville."),
    ("The mayor gives them his keys.", "Le maire leur donne ses clés."),
    ("The brother keeps his.", "Les sœurs ont leurs clés ; le frère garde la sienne."),
    ("The shareholders of Renault SA defend their interests and his.", "Les actionnaires de Renault SA défendent leurs intérêts et les siens."),
    ("Prices have risen since January and have never been so high.", "Les prix ont augmenté depuis janvier."),
    ("The dockers have not worked from Monday.", "Les dockers n’ont pas travaillé depuis lundi."),
    ("The club has already signed two players.", "Le club a déjà recruté deux joueurs."),
    ("The union has to sign the agreement.", "Le syndicat doit signer l’accord."),
    ("She goes to Lille every week.", "Elle va à Lille chaque semaine."),
    ("Sales grew over the past year.", "Les ventes ont progressé au cours de l’année écoulée."),
    ("The 2024 budget keeps 12 points.", "Le budget 2024 garde 12 points."),
    ("He said it would have been adopted.", "Il dit qu’elle aurait été adoptée."),
    ("She claims to have ended the report.", "Elle affirme avoir terminé le rapport."),
    ("The president has defended always this position.", "Le président a toujours défendu cette position."),
    ("Sales have risen this year.", "Les ventes ont augmenté cette année."),
    ("You have seen the film?", "Vous avez vu le film ?"),
    ("The company has limited resources.", "L’entreprise a des ressources limitées."),
    ("Please, you go to see the doctor.", "S’il vous plaît, allez voir le médecin."),
    ("The firm, SIREN 552 100 554, calls 02 123 45 67.", "La société, SIREN 552 100 554, appelle le 02 123 45 67."),
])
def test_right_english_is_left_alone(english, source):
    assert edited(english, source) == (english, [])


def test_protected_terms_are_never_touched():
    entry = gl.Entry("Bouygues Has", "Bouygues Has", "name")
    hits = [gl.Hit(entry, 0, 12, "Bouygues Has")]
    assert edited("Bouygues Has grew.", "Bouygues a grandi.", hits)[0] == "Bouygues Has grew."
    assert edited("Bouygues Has grew.", "Bouygues a grandi.")[0] == "Bouygues has grew."


def test_a_segment_records_each_change_with_its_rule_and_place():
    where = Provenance("essai.txt", 3)
    seg = Segment("a1-b2-s1", "Cela leur permet de partir.", where, en="Cela Allows them leave.", origin="engine")
    postedit.apply(seg, rows=ROWS)
    assert seg.en == "This allows them leave."
    assert [(c.rule, c.before, c.after, c.where) for c in seg.en_changes] == [
        ("postedit.tsv:16", "Cela", "This", where), ("stray_capital", "A", "a", where)]


def test_apertium_english_is_cleaned_up():
    """Apertium capitalises the verb after a sentence-initial word it does not know
    (``Siemens Has``, ``Cela Obliges``), and renders "entre X et Y" as "among X and Y"."""
    french = ["Siemens a racheté une usine entre Lyon et Grenoble.", "Cela nous oblige à partir."]
    english = [postedit.apply(en, fr, rows=ROWS) for fr, en in zip(french, ApertiumEngine().translate_batch(french))]
    assert english[0].startswith("Siemens ") and english[0].split()[1].islower() and " between Lyon and " in english[0]
    assert "Cela" not in english[1] and english[1].split()[1].islower(), english[1]


def test_apertium_word_for_word_tenses_become_english_ones():
    """The passé composé and the near future, which Apertium renders word for word."""
    french = ["Le conseil municipal a voté mardi un budget de 12 500 euros et va ouvrir une école près de Rouen.",
              "La directrice a démissionné l’an dernier, près de 40 ans après son arrivée.",
              "Les pêcheurs n’ont pas repris la mer depuis lundi."]
    raw = ApertiumEngine().translate_batch(french)
    assert " has voted " in raw[0] and " goes to open " in raw[0] and " has resigned " in raw[1], raw
    english = [postedit.apply(en, fr, rows=ROWS) for fr, en in zip(french, raw)]
    assert english[0].startswith("The municipal council voted Tuesday") and " will open " in english[0], english[0]
    assert "12,500 euros" in english[0] and "near Rouen" in english[0], english[0]
    assert english[1].startswith("The director resigned last year, nearly 40 years"), english[1]
    assert " have not " in english[2], english[2]


def test_the_possessor_lost_by_the_spanish_pivot_comes_back_from_the_french():
    """fr-es makes "su" of "leur" and of "sa" alike; spa-eng says "his" for both."""
    french = ["Les pêcheurs vendent leur poisson et leurs huîtres au port.", "La pêcheuse vend sa récolte au port."]
    raw = ApertiumEngine(borrow_from=()).translate_batch(french)
    assert all(" his " in en for en in raw), raw
    english = [postedit.apply(en, fr, rows=ROWS) for fr, en in zip(french, raw)]
    assert " his " not in english[0] and english[0].count(" their ") == 2, english[0]
    assert english[1] == raw[1]


WORDS = ["the", "The", "Has", "has", "among", "and", "Lyon", "«", "»", ",", ".", "1,5", "%", "(", ")", "May", "cela",
         "Cela", "to measure that", "in matter of", "  "]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
@example(words=["among", "the", "the", "the", "to measure that", "to measure that", "and"])  # found by hypothesis
def test_post_editing_twice_changes_nothing_more(words):
    english = " ".join(words)
    once, _ = edited(english, "1,5 % Lyon")
    assert edited(once, "1,5 % Lyon") == (once, [])


@pytest.mark.parametrize("row, message", [
    ("(unclosed\tx\tbecause\n", "not a valid regular expression"),
    ("a(b)\t\\2\tbecause\n", "not a valid regular expression"),
    ("among\tbetween\t\n", "empty reason"),
    ("among\tbetween\n", "2 columns"),
    ("among\tbetween\tbecause\t(unclosed\n", "not a valid regular expression"),
])
def test_a_malformed_file_is_refused_with_its_line(tmp_path, row, message):
    path = tmp_path / "postedit.tsv"
    path.write_text("# test\npattern\treplacement\treason\tfrench\n" + row, encoding="utf-8")
    with pytest.raises(DataFileError, match=f"{path}:3: .*{message}"):
        postedit.load(path)
