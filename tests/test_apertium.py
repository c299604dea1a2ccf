"""The Apertium engine (Debian packages), run for real."""
import os
import subprocess
import sys
from pathlib import Path

from pipeline.engines import ApertiumEngine

from .conftest import ROOT


def test_unknown_words_are_unmarked_and_recorded():
    engine = ApertiumEngine()
    english = engine.translate_batch(["Le chat zorglubesque dort.", "Bonjour."])
    assert len(english) == 2
    assert "zorglubesque" in english[0] and "*" not in english[0]
    assert engine.unknown == ["zorglubesque"]


def test_one_output_per_segment_whatever_its_line_breaks():
    engine = ApertiumEngine()
    english = engine.translate_batch(["Une ligne\net sa suite.", "", "Fin."])
    assert len(english) == 3 and "\n" not in english[0] and english[1] == ""


def test_model_id_names_both_debian_packages_and_their_versions():
    model_id = ApertiumEngine().model_id
    assert model_id.startswith("apertium-fra-cat=") and "+apertium-spa-cat=" in model_id
    assert "+apertium-eng-spa=" in model_id
    assert "unknown" not in model_id


def test_missing_apertium_says_what_to_install(tmp_path):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent), ARGOS_PACKAGES_DIR=str(tmp_path))
    exe = str(Path(sys.executable).parent / "bilingue")
    done = subprocess.run([exe, "build", "--engine", "apertium", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 1
    assert "apt-get install apertium apertium-fr-es apertium-eng-spa" in done.stderr
