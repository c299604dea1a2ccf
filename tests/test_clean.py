"""Cleaning rules on French that is not in seeds/: each artifact class, plus the seeds' own."""
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import clean
from pipeline.ingest import parse_article

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
