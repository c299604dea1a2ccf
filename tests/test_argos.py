"""The Argos engine, end to end, on tiny genuine Argos packages the tests build themselves
(see tiny_argos.py), plus package installation and the offline guarantee."""
import dataclasses
import functools
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import build, engines
from pipeline import glossary as gl
from pipeline.translate import english_typography, for_engine

from .conftest import ROOT, run_cli, run_pipeline
from .tiny_argos import build_archive, build_package

MODEL_ID = "translate-fr_en-tiny-copy@0.0.1"


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """kind -> a packages folder holding just that tiny package."""
    root = tmp_path_factory.mktemp("argos")
    return {kind: build_package(root / kind, kind, sentencizer=kind == "random").parent
            for kind in ("copy", "garble", "random")}


@pytest.fixture(scope="session")
def book():
    return run_pipeline(["ingest", "clean", "segment", "glossary"], seeds=ROOT / "seeds")


def translated(book, engine, tmp_path, batch_size=128):
    """The book through the translate and verify stages with ``engine`` and a fresh memory."""
    return run_pipeline(["translate", "verify"], book, engine=engine, memory=tmp_path / "tm.sqlite",
                        approved=tmp_path / "none.tmx", batch_size=batch_size)


def offline_env(tmp_path, packages):
    """Environment for a subprocess: our packages folder, argostranslate's dirs in tmp."""
    return dict(os.environ, ARGOS_PACKAGES_DIR=str(packages), XDG_DATA_HOME=str(tmp_path / "data"),
                XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))


@functools.cache
def unshare_net() -> list[str]:
    """The unshare command that works here: a plain network namespace as root, inside a
    user namespace otherwise (or where root lacks CAP_SYS_ADMIN)."""
    for command in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    raise AssertionError("cannot create a network namespace with unshare (util-linux); the offline tests need one")


def no_network(*command):
    """``command`` inside a fresh network namespace: no interface but loopback, down."""
    return [*unshare_net(), *command]


def bilingue():
    return str(Path(sys.executable).parent / "bilingue")


def expected_copy(seg, engine):
    """What the copy model must give: the French itself as SentencePiece normalises it
    (``…`` -> ``...``), each glossary hit replaced by its required English (capitalised at
    the start of a sentence unless it is a name)."""
    text = seg.fr
    for hit in sorted(seg.terms, key=lambda h: -h.start):
        english = hit.required
        if not text[: hit.start].strip(" \"'«“(") and not hit.entry.is_name:
            english = english[:1].upper() + english[1:]
        text = text[: hit.start] + english + text[hit.end :]
    return english_typography(engine.decode(engine.tokenizer.encode(for_engine(text), out_type=str)))


def test_copy_model_returns_every_segment_in_place_with_its_terms(tiny, book, tmp_path):
    engine = engines.ArgosEngine(engines.find_argos_package(root=tiny["copy"]))
    stats = translated(book, engine, tmp_path, batch_size=16).stats
    segments = book.segments
    assert stats["translate"]["translated"] == len(segments) > 200
    assert stats["translate"]["fallbacks"] == 0 and stats["glossary"]["compliance"] == 1.0
    with_terms = [s for s in segments if s.terms]
    assert len(with_terms) > 50
    for seg in segments:
        assert seg.en == expected_copy(seg, engine), seg.id
        assert "ZXQ" not in seg.en


def test_lost_placeholders_fall_back_to_post_editing(tiny, book, tmp_path):
    """The garble model turns every placeholder into something else, so each segment with
    a glossary term (not just names) is translated again unprotected and post-edited."""
    engine = engines.ArgosEngine(engines.find_argos_package(root=tiny["garble"]))
    stats = translated(book, engine, tmp_path).stats
    with_terms = [s for s in book.segments if s.terms]
    masked = [s for s in with_terms if any(not h.entry.is_name for h in s.terms)]  # names go through unmasked
    assert stats["translate"]["fallbacks"] == len(masked) > 50
    assert not any("XQZ" in s.en or "ZXQ" in s.en for s in book.segments)
    assert stats["glossary"]["compliance"] == 1.0
    assert [s.en for s in with_terms] == [expected_copy(s, engine) for s in with_terms]


def test_batching_and_order_do_not_change_a_translation(tiny, book):
    engine = engines.ArgosEngine(engines.find_argos_package(root=tiny["random"]), beam_size=2)
    engine.max_batch_tokens = 64  # several CTranslate2 batches, sorted by length inside
    texts = [s.fr for s in book.segments[:30]]
    together = engine.translate_batch(texts)
    assert len(set(together)) > 0.9 * len(texts)
    assert engine.translate_batch(texts[::-1]) == together[::-1]
    assert [engine.translate_batch([t])[0] for t in texts[:8]] == together[:8]


def test_beam_size_reaches_ctranslate2(tiny, book):
    package = engines.find_argos_package(root=tiny["random"])
    texts = [s.fr for s in book.segments[:12]]
    greedy = engines.ArgosEngine(package, beam_size=1).translate_batch(texts)
    assert greedy != engines.ArgosEngine(package, beam_size=4).translate_batch(texts)


def test_matches_argostranslates_own_output(tiny, book, tmp_path):
    """Our CTranslate2 call against argostranslate.translate.translate() on the same
    package (random weights, so any difference in decoding settings shows), offline.
    argostranslate splits text into sentences itself (here with the spaCy pipeline the
    package ships); segments it splits further are translated differently by design."""
    package = engines.find_argos_package(root=tiny["random"])
    texts = [s.fr for s in book.segments[:40]]
    script = (
        "import json, sys\n"
        "from argostranslate import settings, translate\n"
        "settings.chunk_type = settings.ChunkType.SPACY\n"
        "texts = json.load(sys.stdin)\n"
        "pair = translate.get_translation_from_codes('fr', 'en')\n"
        "print(json.dumps([[translate.translate(t, 'fr', 'en'), len(pair.underlying.sentencizer.split_sentences(t))]"
        " for t in texts]))\n"
    )
    # The same arithmetic as ours (int8, one thread a translation): on random weights a
    # different summation order alone can flip a near tie in a long output.
    env = dict(offline_env(tmp_path, tiny["random"]), ARGOS_COMPUTE_TYPE="int8", ARGOS_INTRA_THREADS="1")
    done = subprocess.run(no_network(sys.executable, "-c", script), input=json.dumps(texts), capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = json.loads(done.stdout)
    ours = engines.ArgosEngine(package).translate_batch(texts)
    whole = [(o, t) for o, (t, pieces) in zip(ours, theirs) if pieces == 1]
    assert len(whole) >= 30
    assert all(o == t for o, t in whole)


def test_offline_build_with_argos_labels_every_output(tiny, tmp_path):
    """`bilingue build` in a network namespace: auto picks the installed Argos package."""
    out = tmp_path / "out"
    command = no_network(bilingue(), "build", "--seeds", str(ROOT / "seeds"), "--out", str(out))
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=offline_env(tmp_path, tiny["copy"]))
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"argos ({MODEL_ID})" in done.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (report["engine"], report["model_id"]) == ("argos", MODEL_ID)
    assert report["translated"] == report["counts"]["segments"] and report["reused"] == 0
    assert report["placeholder_fallbacks"] == 0 and report["glossary"]["compliance"] == 1.0
    pages = sorted((out / "html").glob("*.html"))
    assert len(pages) == 7 and all(MODEL_ID in p.read_text(encoding="utf-8") for p in pages)  # index, glossary, 5 articles
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        assert any(MODEL_ID in epub.read(n).decode("utf-8", "replace") for n in epub.namelist() if n.endswith(".xhtml"))
    assert MODEL_ID.replace("_", "\\_") in (out / "review" / "report.md").read_text(encoding="utf-8")  # Markdown-escaped

    again = subprocess.run(command + ["--force"], capture_output=True, text=True, cwd=tmp_path, env=offline_env(tmp_path, tiny["copy"]))
    assert again.returncode == 0, again.stderr[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["translated"] == 0 and report["reused"] == report["counts"]["segments"]


def test_translation_needs_neither_torch_nor_stanza(tiny, tmp_path):
    """The default install has no torch: the build runs with torch made unimportable
    (spaCy's thinc then skips its torch support, as without it) and never loads stanza or
    argostranslate's translate module."""
    script = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from pathlib import Path\n"
        "from pipeline import build\n"
        f"build.build(build.Options(seeds=Path({str(ROOT / 'seeds')!r}), out=Path({str(tmp_path / 'o')!r}), engine='argos'))\n"
        "print(sorted(m for m in ('stanza', 'argostranslate.translate') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          env=offline_env(tmp_path, tiny["copy"]))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "o" / "bilingue.epub").exists()


def test_an_interrupted_build_resumes_from_the_memory(tiny, tmp_path):
    """Kill the build mid-translation (SIGINT, then SIGKILL): the memory stays consistent
    and the next build translates only what was not finished."""
    import signal
    import time

    out = tmp_path / "out"
    db = out / ".cache" / "tm.sqlite"
    command = [bilingue(), "build", "--engine", "argos", "--out", str(out), "--seeds", str(ROOT / "seeds")]
    env = offline_env(tmp_path, tiny["copy"])

    def rows():
        try:
            with sqlite3.connect(db) as con:
                return con.execute("SELECT count(*) FROM tm").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0

    def interrupt(sig, after_rows):
        # SIGINT as a terminal gives it, even when this test runs in a background job (which ignores it)
        proc = subprocess.Popen(command + ["--batch-size", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, cwd=tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        while rows() < after_rows and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        return proc.returncode, err

    code, err = interrupt(signal.SIGINT, 10)
    assert code == 130 and "run the same command again to resume" in err
    saved = rows()
    code, _ = interrupt(signal.SIGKILL, saved + 10)
    assert code == -signal.SIGKILL
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    saved = rows()
    assert not (out / "report.json").exists()

    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["reused"] == saved >= 20
    assert report["translated"] + report["reused"] == report["counts"]["segments"]


# Installing packages (make models)


def make_models(archive, packages, tmp_path):
    return subprocess.run(["make", "-s", "models", f"ARGOS_MODEL={archive}"], capture_output=True, text=True, cwd=ROOT,
                          env=offline_env(tmp_path, packages))


def test_make_models_installs_a_package_file(tiny, tmp_path):
    archive = build_archive(engines.find_argos_package(root=tiny["copy"]), tmp_path / "tiny.argosmodel")
    packages = tmp_path / "packages"
    done = make_models(archive, packages, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = engines.find_argos_package(root=packages)
    assert installed == packages / "translate-fr_en-tiny-copy"
    assert engines.ArgosEngine(installed).translate_batch(["Bonjour."]) == ["Bonjour."]


def rewrite_archive(source: Path, target: Path, change) -> Path:
    """Copy an .argosmodel, letting ``change(name, data)`` return the entries to write instead."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            for new_name, data in change(name, src.read(name)):
                dst.writestr(new_name, data)
    return target


BAD_ARCHIVES = {
    "escapes the folder": (lambda n, d: [(n, d)] + ([("../escaped.txt", b"x")] if n.endswith("README.md") else []),
                           "unsafe path"),
    "absolute path": (lambda n, d: [(n, d)] + ([("/tmp/absolute.txt", b"x")] if n.endswith("README.md") else []),
                      "unsafe path"),
    "files at the root": (lambda n, d: [(n.split("/", 1)[1] if n.endswith("metadata.json") else n, d)],
                          "one top-level folder"),
    "no model": (lambda n, d: [] if n.endswith("model.bin") else [(n, d)], "missing model/model.bin"),
    "other language pair": (lambda n, d: [(n, d.replace(b'"to_code": "en"', b'"to_code": "de"'))], "not fr->en"),
    "corrupt model": (lambda n, d: [(n, d[:1000] if n.endswith("model.bin") else d)], "does not load"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_make_models_refuses_a_bad_package_and_changes_nothing(case, tiny, tmp_path):
    change, message = BAD_ARCHIVES[case]
    good = build_archive(engines.find_argos_package(root=tiny["copy"]), tmp_path / "good.argosmodel")
    bad = rewrite_archive(good, tmp_path / "bad.argosmodel", change)
    packages = tmp_path / "deep" / "packages"
    done = make_models(bad, packages, tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
    assert not packages.exists() or list(packages.iterdir()) == []
    assert not (packages.parent / "escaped.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_online_install_without_network_says_what_to_do(tmp_path):
    done = subprocess.run(no_network(bilingue(), "models"), capture_output=True, text=True, cwd=tmp_path,
                          env=offline_env(tmp_path, tmp_path / "packages"), timeout=120)
    assert done.returncode == 1
    assert "cannot reach the Argos package index" in done.stderr and "ARGOS_MODEL=" in done.stderr


def test_a_broken_package_folder_does_not_hide_the_others(tiny, tmp_path, caplog):
    """argostranslate's own listing fails on any folder without metadata.json."""
    import shutil

    packages = tmp_path / "packages"
    shutil.copytree(tiny["copy"], packages)
    (packages / "half-installed").mkdir()
    (packages / "bad-json").mkdir()
    (packages / "bad-json" / "metadata.json").write_text("{not json", encoding="utf-8")
    assert engines.find_argos_package(root=packages) == packages / "translate-fr_en-tiny-copy"
    assert "half-installed" in caplog.text and "bad-json" in caplog.text


def test_argos_engine_without_a_package_says_how_to_install_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path))
    with pytest.raises(engines.EngineError, match="make models"):
        engines.select("argos")
    assert isinstance(engines.select("auto"), engines.ApertiumEngine)
    done = run_cli("build", "--engine", "argos", "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "make models" in done.stderr



def test_a_new_beam_size_rebuilds_and_never_reuses_the_memory(tiny, tmp_path, monkeypatch):
    """The beam size shapes the English: it is in the engine's config_id, so the build is
    not up to date and no translation of the other beam size is served from the memory."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tiny["random"]))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Le marché des puces\nLa société prépare une riposte. Le PDG parle demain.\n",
                                 encoding="utf-8")
    options = build.Options(seeds=seeds, out=tmp_path / "out", engine="argos", approved=tmp_path / "none.tmx")
    first = build.build(options)
    assert build.build(options).get("up_to_date")
    greedy = build.build(dataclasses.replace(options, beam_size=1))
    assert not greedy.get("up_to_date") and greedy["translated"] == greedy["counts"]["segments"] == first["translated"]
    assert "beam=1" in greedy["engine_config"] and "beam=4" in first["engine_config"]
