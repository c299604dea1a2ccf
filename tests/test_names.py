"""Names the glossary does not list are found in the French and reach the English unchanged
(French written for these tests, not from seeds/)."""
from pipeline import glossary as gl
from pipeline import names
from pipeline.engines import ApertiumEngine

from .test_glossary import book_of, translated, write


def auto_names(text, terms):
    return [h.text for h in names.find_names(text, terms)]


def test_acronyms_unknown_capitalised_words_and_people_are_names(terms):
    text = "Selon Christine Lagarde, la FTC et la SEC surveillent Meta Platforms et le fonds Sequoia."
    assert auto_names(text, terms) == ["Christine Lagarde", "FTC", "SEC", "Meta Platforms", "Sequoia"]


def test_places_and_common_acronyms_english_names_its_own_way_are_left_to_the_engine(terms):
    text = "La BCE, l’ONU et l’OTAN se réunissent à Londres, aux États-Unis et à Davos avec Nvidia."
    assert auto_names(text, terms) == ["Nvidia"]


def test_a_one_word_organisation_is_a_name_even_when_it_is_a_dictionary_word(terms):
    text = "Du côté des investisseurs, l’action d’Orange a reculé de 1,5 % à la Bourse de Paris après l’annonce."
    assert auto_names(text, terms) == ["Orange"]
    assert auto_names("Le groupe Total et la société Renault ont signé un accord.", terms) == ["Total", "Renault"]


def test_dictionary_words_of_longer_entities_and_sentence_starts_are_left_to_the_engine(terms):
    text = "La Commission européenne et la Bourse de Paris ont réagi. Tensions et colère dominent."
    assert auto_names(text, terms) == []
    assert auto_names("LE MARCHÉ RECULE À LA BOURSE", terms) == []


def test_a_capitalised_article_or_particle_inside_a_sentence_belongs_to_the_name(terms):
    text = "Le maire du Croisic et Annick Le Bihan visitent Le Pouliguen, puis La Baule."
    assert auto_names(text, terms) == ["Croisic", "Annick Le Bihan", "Le Pouliguen", "La Baule"]
    assert auto_names("La CFDT et Hugo Van Damme répondent à la Banque.", terms) == ["CFDT", "Hugo Van Damme"]


def test_the_glossary_wins_over_detection(tmp_path):
    terms = gl.load(write(tmp_path, ["Bruxelles\tBrussels\tterm\t\t\n", "État\tState\tcommon\t\t\n",
                                     "Nvidia\tNvidia\tname\t\t\n"]))
    text = "À Bruxelles, l’État et Nvidia rencontrent Amazon."
    assert auto_names(text, terms) == ["Amazon"]
    assert [(h.text, h.entry.en) for h in names.with_names(text, terms)] == [
        ("Bruxelles", "Brussels"), ("Nvidia", "Nvidia"), ("Amazon", "Amazon")]


def test_names_reach_the_english_unchanged_with_apertium(tmp_path):
    """Apertium turns the acronym SEC into "DRY" and Meta into "Dip"; found as names, they
    come through, and a glossary term still gives a place its English form."""
    glossary = write(tmp_path, ["Bruxelles\tBrussels\tterm\t\t\n"])
    book = book_of("Titre\nLa SEC enquête sur Meta et sur le fonds Sequoia à Bruxelles.\n", glossary)
    assert [h.text for h in book.segments[1].terms] == ["SEC", "Meta", "Sequoia", "Bruxelles"]
    english = translated(book, ApertiumEngine(), tmp_path, glossary=glossary).segments[1].en
    assert all(name in english for name in ("SEC", "Meta", "Sequoia", "Brussels")), english
