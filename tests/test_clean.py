"""Cleaning rules on French that is not in seeds/: each artifact class, plus the seeds' own."""
import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import clean, glossary, nlp, repairs
from pipeline.ingest import parse_article
from pipeline.tsv import DataFileError

from .conftest import ROOT, run_cli

NNBSP, NBSP = "\u202f", "\u00a0"


def cleaned(text, ctx, kind="paragraph"):
    return clean.clean_text(text, kind, ctx)[0]


def rules_used(text, ctx, kind="paragraph"):
    return {c.rule for c in clean.clean_text(text, kind, ctx)[1]}


@pytest.mark.parametrize("raw, expected", [
    ("Google que le béton ey Amazon investissent.", "Google et Amazon investissent."),
    ("Le rachat par Apple que le  béton ey Samsung.", "Le rachat par Apple et Samsung."),
])
def test_known_garbage_phrases_from_the_data_file(raw, expected, ctx):
    assert cleaned(raw, ctx) == expected


def test_garbage_phrase_needs_whole_words(ctx):
    assert cleaned("Bouque le bétonney reste.", ctx) == "Bouque le bétonney reste."


@pytest.mark.parametrize("raw, expected", [
    ("Elle travaille dans le secteur de énergie solaire.", "Elle travaille dans le secteur de l’énergie solaire."),
    ("Le siège est près de Orange, à Paris.", "Le siège est près d’Orange, à Paris."),
    ("Il pense que il viendra si il peut.", "Il pense qu’il viendra s’il peut."),
    ("Je ai vu le homme et la armoire.", "J’ai vu l’homme et l’armoire."),
    ("Le héros de la histoire a onze ans.", "Le héros de l’histoire a onze ans."),
    ("Elle ne a rien dit lorsque on a ri.", "Elle n’a rien dit lorsqu’on a ri."),
    ("Il a beaucoup de argent.", "Il a beaucoup d’argent."),
])
def test_missing_elision(raw, expected, ctx):
    assert cleaned(raw, ctx) == expected


@pytest.mark.parametrize("text", [
    "La hausse de le onze est rare.",
    "Le yaourt et le hibou.",
    "Il a dit « oui » à de « énormes » projets.",
    "Elle est le onzième.",
])
def test_elision_exceptions_are_left_alone(text, ctx):
    assert "’" not in cleaned(text, ctx).replace("d’", "")


def test_contraction_of_article(ctx):
    assert cleaned("Le prix de le pétrole et à les usagers.", ctx) == "Le prix du pétrole et aux usagers."


def test_no_contraction_where_the_article_elides(ctx):
    assert cleaned("Il parle de le homme et pense à le hasard.", ctx) == "Il parle de l’homme et pense au hasard."


@pytest.mark.parametrize("raw, expected", [
    ("La banque a perdu 3 milliards d’euros Depuis janvier, ses clients partent.",
     "La banque a perdu 3 milliards d’euros. Depuis janvier, ses clients partent."),
    ("Le projet a été abandonné Cette décision surprend.", "Le projet a été abandonné. Cette décision surprend."),
    ("Il faut réduire la dette Maintenir les services reste difficile.",
     "Il faut réduire la dette. Maintenir les services reste difficile."),
])
def test_glued_sentences_are_split(raw, expected, ctx):
    assert cleaned(raw, ctx) == expected


@pytest.mark.parametrize("text", [
    "Le groupe travaille avec Microsoft Office et Google Cloud depuis longtemps.",
    "Selon Le Monde, la Banque de France prévoit une reprise.",
    "Les analystes de Goldman Sachs et de Amazon Web Services sont prudents.",
    "Elle a rejoint Inflection AI puis Microsoft AI en mars.",
])
def test_names_are_never_split(text, ctx):
    assert "glued_sentence" not in rules_used(text, ctx)


def test_broken_guillemets_are_closed_and_the_sentence_restored(ctx):
    out = cleaned("Le ministre parle de «renouveau« Les syndicats doutent.", ctx)
    assert out == f"Le ministre parle de «{NNBSP}renouveau{NNBSP}». Les syndicats doutent."


def test_straight_quotes_become_guillemets(ctx):
    out = cleaned('Il a parlé de "difficultés passagères" hier.', ctx)
    assert out == f"Il a parlé de «{NNBSP}difficultés passagères{NNBSP}» hier."


def test_unpaired_quote_is_flagged_not_fixed(ctx):
    text, _, findings, _ = clean.clean_text('Un " seul guillemet.', "paragraph", ctx)
    assert text == 'Un " seul guillemet.'
    assert [f.kind for f in findings] == ["unpaired_quote"]


def test_apostrophes_and_french_spacing(ctx):
    out = cleaned("L'inflation atteint 14 % : est-ce grave ? Oui ; c'est sûr !", ctx)
    assert out == f"L’inflation atteint 14{NBSP}%{NNBSP}: est-ce grave{NNBSP}? Oui{NNBSP}; c’est sûr{NNBSP}!"


def test_spacing_leaves_urls_and_times_alone(ctx):
    assert cleaned("Rendez-vous à 10:30 sur https://exemple.fr.", ctx) == "Rendez-vous à 10:30 sur https://exemple.fr."


def test_machine_translated_names_come_back(ctx):
    assert cleaned("Le lancement de RechercherGPT a surpris.", ctx) == "Le lancement de SearchGPT a surpris."


@pytest.mark.parametrize("raw, expected", [
    ("Les Banques Européennes Face à la Crise", "Les banques européennes face à la crise"),
    ("Google S’Associe à d’Autres Acteurs de la Santé", "Google s’associe à d’autres acteurs de la santé"),
    ("L’Essor des Voitures Électriques en Norvège", "L’essor des voitures électriques en Norvège"),
    ("La Stratégie de l’ONU pour le Climat", "La stratégie de l’ONU pour le climat"),
])
def test_title_case_becomes_sentence_case(raw, expected, ctx):
    assert cleaned(raw, ctx, kind="heading") == expected


def test_sentence_case_headings_are_left_alone(ctx):
    heading = "Le partenariat entre Airbus et Boeing en Europe"
    assert cleaned(heading, ctx, kind="heading") == heading


def test_title_case_is_not_touched_in_paragraphs(ctx):
    assert "sentence_case" not in rules_used("Il Pense Que Tout Va Bien.", ctx)


def test_mojibake_is_repaired_with_ftfy(ctx):
    assert cleaned("Le gouvernement a annoncÃ© une rÃ©forme.", ctx) == "Le gouvernement a annoncé une réforme."


def test_stray_spaces_are_normalised(ctx):
    assert cleaned("  Une   phrase\tmal   espacée.  ", ctx) == "Une phrase mal espacée."


def article(text, ctx):
    return clean.clean_article(parse_article(text, Path("essai.txt")), ctx)


def test_kicker_metadata_boilerplate_and_blank_lines(ctx):
    text = ("Santé Publique\nLe Retour des Épidémies Saisonnières\n publié le 2024-02-01 Les hôpitaux sont saturés.\n\n\n"
            "Un hiver difficile\nLes urgences débordent.\nÀ lire aussi\n  • Grippe : les chiffres\n  • Covid : le point\n"
            "La situation devrait s’améliorer.\nPour aller plus loin\nCe que disent les médecins sur la grippe\n\n\n")
    a = article(text, ctx)
    assert a.metadata == {"date": "2024-02-01"}
    assert clean.render(a) == [
        "Santé publique",
        "Le retour des épidémies saisonnières",
        "Les hôpitaux sont saturés.",
        "Un hiver difficile",
        "Les urgences débordent.",
        "La situation devrait s’améliorer.",
    ]
    removed = [c.before for c in a.removed if c.rule == "boilerplate"]
    assert removed == ["À lire aussi", "Grippe : les chiffres", "Covid : le point",
                       "Pour aller plus loin", "Ce que disent les médecins sur la grippe"]
    assert any(c.rule == "blank_lines" for c in a.removed)


def test_metadata_needs_a_value_with_digits(ctx):
    a = article("Date limite dépassée pour les candidats, annonce le ministère.\n", ctx)
    assert a.metadata == {}


def test_suspicious_spots_are_flagged(ctx):
    text = ("Titre\nCertains tests ont soulevé des questions sur le projet.\nLe projet avance vite malgré tout.\n"
            "Le projet avance vite malgré tout !\nLe mot zorglubesque surprend.\n")
    kinds = {f.kind for f in article(text, ctx).findings}
    assert {"suspect_phrase", "duplicate_paragraph", "unknown_word"} <= kinds


def test_every_change_is_recorded_with_rule_and_location(ctx):
    a = article("Titre\nLe secteur de énergie progresse Depuis mars, les prix baissent.\n", ctx)
    changes = a.blocks[1].changes
    assert {(c.rule, c.before, c.after) for c in changes} >= {
        ("elision", "de énergie", "de l’énergie"), ("glued_sentence", "progresse", "progresse.")}
    assert all(str(c.where) == "essai.txt:2" for c in changes)


def words(text):
    return re.findall(r"\w+", text.casefold().replace("’", "'"))


@pytest.mark.parametrize("seed", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.name)
def test_nothing_is_lost(seed, ctx):
    """Every source word is in the cleaned text, unless a recorded change removed it."""
    a = article(seed.read_text(encoding="utf-8"), ctx)
    kept = set(words(" ".join(clean.render(a))))
    accounted = set(words(" ".join(c.before for b in a.blocks for c in b.changes)))
    accounted |= set(words(" ".join(c.before for c in a.removed)))
    missing = [w for w in words(a.raw) if w not in kept and w not in accounted]
    assert missing == []


SEED_EXPECTATIONS = [
    ("000", "Microsoft et OpenAI sont devenus des leaders dans le domaine de l’intelligence artificielle"),
    ("000", "14 milliards de dollars. Depuis 2019, OpenAI"),
    ("000", "Le lancement de SearchGPT. Cette tension"),
    ("000", "vers de la rentabilité. Rester engagé"),
    ("000", f"«{NNBSP}bromance{NNBSP}». Les récents"),
    ("000", "GPT-2 et DALL-E"),
    ("002", "Microsoft et OpenAI, alliés concurrents dans l’IA et la recherche"),
    ("004", "OpenAI s’ouvre à d’autres partenaires cloud"),
    ("004", "L’embauche de Suleyman chez Microsoft, élément déclencheur"),
    ("004", f"«{NNBSP}quelques petites tensions ici et là{NNBSP}»"),
]


@pytest.mark.parametrize("prefix, expected", SEED_EXPECTATIONS)
def test_seed_examples_from_the_issue(prefix, expected, ctx):
    seed = next((ROOT / "seeds").glob(f"{prefix}_*.txt"))
    assert expected in "\n".join(clean.render(article(seed.read_text(encoding="utf-8"), ctx)))


def test_seed_kicker_and_metadata(ctx):
    first = article(next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8"), ctx)
    assert (first.blocks[0].kind, first.blocks[0].clean) == ("kicker", "Intelligence artificielle")
    second = article(next((ROOT / "seeds").glob("001_*.txt")).read_text(encoding="utf-8"), ctx)
    assert second.metadata == {"date": "2023-11"}
    assert second.blocks[0].clean.startswith("Microsoft a annoncé")


VOCABULARY = ["le", "la", "de", "que", "si", "il", "Microsoft", "énergie", "homme", "héros", "Depuis", "Cette",
              "marché", "«", "»", '"', "'", "l'avenir", "14", "%", ":", ";", "?", "!", ".", ",", "Les", "Banques",
              "RechercherGPT", "que le béton ey", "  ", "Apple", "à", "les", "aujourd’hui"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14), kind=st.sampled_from(["paragraph", "heading"]))
@example(tokens=["«", '"', '"'], kind="paragraph")  # found by hypothesis: « « » then « » »
def test_cleaning_is_idempotent(tokens, kind, ctx):
    once = cleaned(" ".join(tokens), ctx, kind)
    assert cleaned(once, ctx, kind) == once


def test_cli_clean_prints_blocks_and_explains(tmp_path):
    source = tmp_path / "essai.txt"
    source.write_text("Titre Du Jour En Ville\nLe secteur de énergie progresse.\n", encoding="utf-8")
    done = run_cli("clean", str(source), "--explain")
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["Titre du jour en ville", "Le secteur de l’énergie progresse."]
    assert "essai.txt:2 [elision] 'de énergie' -> 'de l’énergie'" in done.stderr
    assert "[sentence_case]" in done.stderr


def test_cli_lists_rules_in_order():
    done = run_cli("clean", "--rules")
    ids = [line.split()[1] for line in done.stdout.splitlines()]
    assert ids == [r.id for r in clean.RULES] and ids[0] == "mojibake" and ids[-1] == "french_spacing"


# --- the rules file --------------------------------------------------------------------

RULES_HEADER = "# rules for a test\nrule\tblocks\tnote\n"


def context_with_rules(tmp_path, rows, terms, known_repairs):
    path = tmp_path / "clean-rules.tsv"
    path.write_text(RULES_HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return clean.Context(known_repairs, terms, clean.load_rules(path))


def test_a_rule_left_out_of_the_rules_file_does_not_run(tmp_path, terms, known_repairs):
    ctx = context_with_rules(tmp_path, ["apostrophe\t\t", "# elision is switched off", "french_spacing\t\t"],
                             terms, known_repairs)
    assert cleaned("L'usine de énergie ferme : dommage.", ctx) == f"L’usine de énergie ferme{NNBSP}: dommage."


def test_rules_run_in_the_order_of_the_file(tmp_path, terms, known_repairs):
    """Elision reads the words mojibake repair gives back: run before it, it sees no vowel."""
    text = "Le secteur de Ã©nergie recrute."
    ordered = context_with_rules(tmp_path, ["mojibake\t\t", "elision\t\t"], terms, known_repairs)
    assert cleaned(text, ordered) == "Le secteur de l’énergie recrute."
    reversed_ = context_with_rules(tmp_path, ["elision\t\t", "mojibake\t\t"], terms, known_repairs)
    assert cleaned(text, reversed_) == "Le secteur de énergie recrute."


def test_the_blocks_column_chooses_where_a_rule_runs(tmp_path, terms, known_repairs):
    ctx = context_with_rules(tmp_path, ["elision\theading\t"], terms, known_repairs)
    assert cleaned("Le retour de énergie", ctx, "heading") == "Le retour de l’énergie"
    assert cleaned("Le retour de énergie.", ctx, "paragraph") == "Le retour de énergie."


@pytest.mark.parametrize("rows, message", [
    (["apostrophe\t\t", "elisoin\t\t"], ":4: unknown rule 'elisoin'; the rules are: mojibake"),
    (["apostrophe\t\t", "apostrophe\t\t"], ":4: rule 'apostrophe' is already listed at line 3"),
    (["elision\tparagraphe\t"], ":3: blocks: 'paragraphe' is not one of headings, prose, all, kicker"),
])
def test_a_bad_rules_file_names_file_and_line(tmp_path, rows, message):
    path = tmp_path / "clean-rules.tsv"
    path.write_text(RULES_HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        clean.load_rules(path)
    assert f"{path}{message}" in str(err.value)


def test_the_shipped_rules_file_runs_every_rule_once():
    assert sorted(r.id for r in clean.load_rules()) == sorted(clean.KNOWN_RULES)


def test_mojibake_changes_are_words_with_ftfy_s_plan_as_reason(ctx):
    text, changes, _, _ = clean.clean_text("Le rÃ©seau a Ã©tÃ© coupÃ© hier.", "paragraph", ctx)
    assert text == "Le réseau a été coupé hier."
    assert [(c.before, c.after) for c in changes] == [("rÃ©seau", "réseau"), ("Ã©tÃ©", "été"), ("coupÃ©", "coupé")]
    assert {c.reason for c in changes} == {"ftfy: encode latin-1, then decode utf-8"}


def test_every_change_has_a_reason(ctx):
    _, changes, _, _ = clean.clean_text("Le prix de le pétrole grimpe Depuis lundi, dit-il : «non».", "paragraph", ctx)
    assert changes and all(c.reason for c in changes)
    assert next(c for c in changes if c.rule == "contraction").reason.startswith("Contract de/à")


# --- findings worth reading: the spelling check --------------------------------------


def unknown(text, ctx):
    return [f.text for f in article(f"Titre\n{text}\n", ctx).findings if f.kind == "unknown_word"]


@pytest.mark.parametrize("text", [
    "Aujourd'hui, les cofondatrices des startups parlent de la renégociation des contrats.",
    "Jusqu’à présent, l’hyperinflation n’a pas touché la pionnière du covoiturage.",
    "Elle a tweeté qu’il fallait réindustrialiser, c’est-à-dire rouvrir des usines vis-à-vis du port.",
    "Les centrales produisent des gigawatts ; les co-fondateurs le savent.",
])
def test_correct_french_is_not_flagged(text, ctx):
    assert unknown(text, ctx) == []


@pytest.mark.parametrize("text, planted", [
    ("Le service inforrnatique a été réorganisé.", "inforrnatique"),  # OCR: rn for m
    ("Un ordlnateur portable a disparu.", "ordlnateur"),  # OCR: l for i
    ("Le gouvernment prépare une loi.", "gouvernment"),  # typo
    ("Le batirnent de la mairie est fermé.", "batirnent"),  # OCR: rn for m, lost accent
    ("La recherhce avance lentement.", "recherhce"),  # swapped letters
])
def test_planted_errors_are_flagged(text, planted, ctx):
    assert unknown(text, ctx) == [planted]


def test_a_flagged_word_comes_with_the_dictionary_s_suggestion(ctx):
    finding = next(f for f in article("Titre\nLe service inforrnatique ferme.\n", ctx).findings)
    assert "perhaps: informatique" in finding.message and str(finding.where) == "essai.txt:2"


def test_an_editor_accepts_a_word_for_good(tmp_path, ctx):
    words = tmp_path / "accepted-words.txt"
    words.write_text("# jargon\nhyperscaleur  # les grands fournisseurs de cloud\n", encoding="utf-8")
    text = "Chaque hyperscaleur investit."
    assert unknown(text, ctx) == ["hyperscaleur"]
    accepting = dataclasses.replace(ctx, accepted_words=repairs.load_word_list(words))
    assert unknown(text, accepting) == []


def test_a_loanword_the_glossary_lists_is_accepted(tmp_path, known_repairs):
    path = tmp_path / "terms.tsv"
    path.write_text("fr\ten\tkind\tvariants\tnote\nhyperscaleur\thyperscaler\tterm\t\t\n", encoding="utf-8")
    ctx = clean.Context(known_repairs, glossary.load(path))
    assert unknown("Chaque hyperscaleur investit.", ctx) == []


def test_a_word_list_with_a_phrase_on_a_line_is_refused(tmp_path):
    words = tmp_path / "accepted-words.txt"
    words.write_text("bromance\ndata center\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{re.escape(str(words))}:2: 'data center': one word a line"):
        repairs.load_word_list(words)


# --- rejected repairs ------------------------------------------------------------------

REJECTIONS_HEADER = "file\tline\trule\tbefore\tnote\n"


def with_rejections(tmp_path, ctx, rows):
    path = tmp_path / "rejected-repairs.tsv"
    path.write_text(REJECTIONS_HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return dataclasses.replace(ctx, rejections=repairs.load_rejections(path))


def test_a_rejected_repair_keeps_the_source_text(tmp_path, ctx):
    source = "Titre\nLe secteur de énergie progresse Depuis mars, les prix baissent.\nLa part de énergie baisse.\n"
    rejecting = with_rejections(tmp_path, ctx, ["essai.txt\t2\telision\tde énergie\tterme technique voulu"])
    a = article(source, rejecting)
    assert clean.render(a)[1:] == ["Le secteur de énergie progresse. Depuis mars, les prix baissent.",
                                   "La part de l’énergie baisse."]
    assert [c.rule for c in a.blocks[1].changes] == ["glued_sentence"]
    assert not any(f.kind == "unused_rejection" for f in a.findings)


def test_a_rejection_may_quote_invisible_spaces_as_explain_prints_them(tmp_path, ctx):
    source = f"Titre\nIl a dit{NBSP}: la suite.\n"
    change = next(c for c in article(source, ctx).blocks[1].changes if c.rule == "french_spacing")
    assert repr(change.before) == "'dit\\xa0:'"  # as `bilingue clean --explain` prints it
    rejecting = with_rejections(tmp_path, ctx, ["essai.txt\t2\tfrench_spacing\tdit\\xa0:\t"])
    assert article(source, rejecting).blocks[1].clean == f"Il a dit{NBSP}: la suite."


def test_a_rejected_boilerplate_removal_keeps_the_block(tmp_path, ctx):
    source = "Titre\nLe texte commence.\nVoir aussi\nUne suite qui compte\n"
    rejecting = with_rejections(tmp_path, ctx, ["essai.txt\t4\tboilerplate\tUne suite qui compte\t"])
    assert clean.render(article(source, rejecting))[1:] == ["Le texte commence.", "Une suite qui compte"]


def test_a_rejection_that_matches_nothing_is_reported(tmp_path, ctx):
    rejecting = with_rejections(tmp_path, ctx, ["essai.txt\t2\telision\tde avion\t", "autre.txt\t2\telision\tde avion\t"])
    findings = [f for f in article("Titre\nUn texte sans défaut.\n", rejecting).findings if f.kind == "unused_rejection"]
    assert [(str(f.where), f.text) for f in findings] == [("rejected-repairs.tsv:2", "de avion")]


def test_a_bad_rejection_row_names_file_and_line(tmp_path, ctx):
    with pytest.raises(DataFileError, match=r"rejected-repairs.tsv:2: line 'deux' is not a line number"):
        with_rejections(tmp_path, ctx, ["essai.txt\tdeux\telision\tde avion\t"])


# --- repeated paragraphs and long lines ----------------------------------------------


def test_a_passage_repeated_in_a_later_paragraph_is_flagged(ctx):
    quote = ("« nous devons bâtir nos propres réseaux de chaleur, avec des pompes modernes et les meilleures "
             "équipes de maintenance du pays »")
    text = (f"Titre\nLe maire a déclaré que {quote}.\nLe budget municipal augmente de trois pour cent cette année.\n"
            f"Au conseil, le maire insiste : {quote}.\nLes habitants attendent des précisions sur le calendrier.\n")
    found = [f for f in article(text, ctx).findings if f.kind == "duplicate_paragraph"]
    assert [(f.where.line, "paragraph at line 2" in f.message) for f in found] == [(4, True)]


def test_paragraphs_sharing_common_phrases_are_not_duplicates(ctx):
    text = ("Titre\nLe groupe a annoncé une hausse de ses ventes au premier trimestre de cette année.\n"
            "Le groupe a annoncé une baisse de ses effectifs en Europe et en Asie.\n"
            "Le groupe a annoncé un nouveau directeur financier venu de la concurrence.\n")
    assert not any(f.kind == "duplicate_paragraph" for f in article(text, ctx).findings)


def test_a_very_long_line_is_cleaned_like_its_sentences(ctx):
    """A line longer than one spaCy chunk gets the same repairs, sentence by sentence, as
    each sentence on its own."""
    sentences = [f"Le projet numéro {n} dépend de énergie solaire, de le soutien de la région et de le vote "
                 f"des habitants Depuis le mois {n % 12 + 1}, les travaux avancent." for n in range(75)]
    line = " ".join(sentences)
    assert len(line) > 2 * nlp.CHUNK_CHARS
    assert cleaned(line, ctx) == " ".join(cleaned(s, ctx) for s in sentences)


def test_long_texts_are_analysed_in_pieces_that_add_up(ctx):
    text = " ".join(f"Phrase {n} : la société investit." for n in range(800))
    doc = nlp.parse(text)
    assert doc.text == text and max(len(p) for p in nlp.chunks(text)) <= nlp.CHUNK_CHARS
    assert [t.idx for t in doc][:5] == [0, 7, 9, 11, 14]
