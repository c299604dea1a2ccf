"""The Argos engine translates each segment as if it were alone, and its config_id names
every setting that shapes the English; on a tiny genuine package with random weights
(tests/tiny_argos.py), whose output depends on every input token and decoding setting."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import engines

from .test_engines import segment
from .tiny_argos import build_package


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return build_package(tmp_path_factory.mktemp("argos-random"), "random")


@pytest.fixture(scope="module")
def argos(package):
    engine = engines.ArgosEngine(package, beam_size=2)
    engine.max_batch_tokens = 48  # several CTranslate2 batches per call, sorted by length inside
    return engine


@pytest.fixture(scope="module")
def copying(tmp_path_factory):
    """The copy package, whose English is its input: a word that strays into another
    segment of the batch shows. (On random weights, padding alone moves near ties in long
    outputs, which says nothing about where each segment's words go.)"""
    engine = engines.ArgosEngine(build_package(tmp_path_factory.mktemp("argos-copy"), "copy"), beam_size=2)
    engine.max_batch_tokens = 48  # several CTranslate2 batches per call, sorted by length inside
    return engine


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(segment(), min_size=2, max_size=8))
def test_each_segment_of_a_batch_is_translated_as_if_alone(copying, batch):
    assert copying.translate_batch(batch) == [copying.translate_batch([text])[0] for text in batch]


def test_translate_detailed_names_the_model(argos):
    results = argos.translate_detailed(["Le marché salue la réforme.", ""])
    assert [r.route for r in results] == [argos.model_id] * 2
    assert results[0].en == argos.translate_batch(["Le marché salue la réforme."])[0]


def test_config_id_names_model_decoding_settings_and_library_versions(package):
    from importlib.metadata import version

    default = engines.ArgosEngine(package).config_id
    assert default.startswith(f"argos model={engines.ArgosEngine(package).model_id} ")
    for part in ("beam=4", "compute=int8", "length_penalty=0.2", f"ctranslate2={version('ctranslate2')}",
                 f"sentencepiece={version('sentencepiece')}", f"code={engines.ENGINE_CODE}"):
        assert part in default.split()
    assert "beam=2" in engines.ArgosEngine(package, beam_size=2).config_id.split()
    assert "compute=float32" in engines.ArgosEngine(package, compute_type="float32").config_id.split()
