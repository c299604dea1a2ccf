"""Bad input and faults: each gives one line naming the file and what to do (exit 2 for bad
input, 1 for a fault of the machine) and leaves the previous book byte-identical."""
import fcntl
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline import build, ingest, outputs
from pipeline.memory import Memory, read_tmx
from pipeline.tsv import DataFileError

from .conftest import ROOT
from .test_argos import no_network, offline_env

SHORT = {
    "marche.txt": "Un marché couvert\nLe marché de la place ouvre le samedi matin depuis le mois de mai.\n",
    # A seed named like the contents page, and two names that give the same slug.
    "index.txt": "Les vélos du dimanche\nLa rue principale est fermée aux voitures chaque dimanche.\n",
    "Été.txt": "La chaleur en ville\nLes fontaines publiques restent ouvertes jusqu'à minuit.\n",
    "ete.txt": "Les piscines\nLa piscine municipale accueille les enfants gratuitement en juillet.\n",
    # A right-to-left override and a bell character hidden in a sentence.
    "cache.txt": "Un fichier piégé\nLe courriel contenait la pièce jointe \u202etxt.exe envoyée\u0007 lundi.\n",
}
CLAUSES = ["les bibliothèques du département prolongent leurs horaires", "la région finance trois lignes de bus",
           "un collectif de voisins répare les vélos abandonnés", "les écoles ouvrent leurs cours le mercredi",
           "la préfecture publie un nouveau plan de circulation", "des bénévoles nettoient les berges du canal",
           "le conseil municipal vote le budget des associations", "les commerçants réclament des places de livraison"]


def long_article() -> str:
    """About 2,500 words of distinct sentences: its review page alone weighs more than 96 KB."""
    rng = random.Random(7)
    paragraphs = []
    for n in range(30):
        sentences = [f"En {1990 + n}, {rng.choice(CLAUSES)} et {rng.choice(CLAUSES)} selon {k + 2} témoins."
                     for k in range(6)]
        paragraphs.append(" ".join(s[0].upper() + s[1:] for s in sentences))
    return "Le budget participatif\n" + "\n".join(paragraphs) + "\n"


def write_seeds(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def options(seeds: Path, out: Path, **kw) -> build.Options:
    return build.Options(seeds=seeds, out=out, engine="apertium", approved=out.parent / "none.tmx", **kw)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A published book of the short articles, with the long article's English already in
    its memory (so a later build that adds it writes pages, not the memory)."""
    root = tmp_path_factory.mktemp("previous")
    out = root / "output"
    build.build(options(write_seeds(root / "all", {**SHORT, "long.txt": long_article()}), out))
    build.build(options(write_seeds(root / "seeds", SHORT), out))
    return root


@pytest.fixture
def book(previous, tmp_path):
    """A copy of the previous book (links kept as links) and of its sources."""
    shutil.copytree(previous / "output", tmp_path / "output", symlinks=True)
    shutil.copytree(previous / "seeds", tmp_path / "seeds")
    return tmp_path


def snapshot(out: Path) -> dict[str, bytes]:
    """Every published byte, read through the documented paths, and where each link points."""
    files = {name: (out / name).read_bytes() for name in ("bilingue.epub", "report.json")}
    for folder in ("html", "review"):
        files |= {f"{folder}/{p.relative_to(out / folder)}": p.read_bytes()
                  for p in sorted((out / folder).rglob("*")) if p.is_file()}
    files |= {f"link:{p.name}": os.readlink(p).encode() for p in out.iterdir() if p.is_symlink()}
    return files


def bilingue(*args, cwd=ROOT, timeout=300, **kw):
    return subprocess.run([str(Path(sys.executable).parent / "bilingue"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout, **kw)


def build_cli(root: Path, *extra, **kw):
    return bilingue("build", "--seeds", root / "seeds", "--out", root / "output", "--engine", "apertium", *extra, **kw)


def one_line(done) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in (out / outputs.BUILDS).iterdir())


# --- publishing -------------------------------------------------------------------------


def test_a_write_failing_midway_publishes_nothing_and_the_next_build_publishes(book):
    out = book / "output"
    before = snapshot(out)
    (book / "seeds" / "long.txt").write_text(long_article(), encoding="utf-8")
    # The memory already holds every translation (made by a build elsewhere), so it does not
    # grow: the first file too large for the limit is a page, mid-publish ("disk full").
    shutil.copytree(book / "seeds", book / "elsewhere" / "seeds")
    assert build_cli(book / "elsewhere").returncode == 0
    shutil.copy(book / "elsewhere" / "output" / ".cache" / "tm.sqlite", out / ".cache" / "tm.sqlite")
    limit = 96 * 1024
    done = build_cli(book, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 1
    assert "Nothing was published" in one_line(done) and "File too large" in done.stderr
    assert snapshot(out) == before
    assert len(versions(out)) == 1
    again = build_cli(book)
    assert again.returncode == 0, again.stderr
    assert "up to date" not in again.stdout
    assert max((out / folder / "long.html").stat().st_size for folder in ("html", "review")) > limit


def test_sigkill_while_publishing_leaves_the_previous_book_and_the_next_build_tidies_up(book):
    out = book / "output"
    before = snapshot(out)
    old = versions(out)
    (book / "seeds" / "long.txt").write_text(long_article(), encoding="utf-8")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "bilingue"), "build", "--seeds", str(book / "seeds"),
                             "--out", str(out), "--engine", "apertium"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while versions(out) == old and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build ended before it began publishing"
    assert snapshot(out) == before
    assert len(versions(out)) == 2  # the new version, unfinished, beside the current one
    report = build.build(options(book / "seeds", out))
    assert not report.get("up_to_date")
    assert len(versions(out)) == 1 and (out / "html" / "long.html").is_file()


def test_a_broken_output_is_rebuilt_not_reported_up_to_date(book):
    out = book / "output"
    page = out / "html" / "marche.html"
    page.write_bytes(page.read_bytes()[:100])  # a page cut short by something outside the build
    report = build.build(options(book / "seeds", out))
    assert not report.get("up_to_date")
    assert len(page.read_bytes()) > 100
    assert build.build(options(book / "seeds", out)).get("up_to_date")


def test_the_users_own_files_under_html_and_review_survive_builds(book):
    out = book / "output"
    (out / "html" / "images").mkdir()
    (out / "html" / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (out / "review" / "notes-de-relecture.md").write_text("À revoir.\n", encoding="utf-8")
    build.build(options(book / "seeds", out, force=True))
    build.build(options(book / "seeds", out, force=True))
    assert (out / "html" / "images" / "logo.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (out / "review" / "notes-de-relecture.md").read_text(encoding="utf-8") == "À revoir.\n"


def test_a_user_file_with_the_name_of_a_new_page_stops_the_build_with_one_line(book):
    out = book / "output"
    (out / "html" / "long.html").write_text("my own page", encoding="utf-8")
    before = snapshot(out)
    (book / "seeds" / "long.txt").write_text(long_article(), encoding="utf-8")
    done = build_cli(book)
    assert done.returncode == 2
    assert "long.html is your file" in one_line(done) and "Move or rename it" in done.stderr
    assert snapshot(out) == before


def test_a_second_build_into_the_same_folder_waits_for_the_first(book):
    out = book / "output"
    log = book / "stderr.txt"
    with open(out / outputs.LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with open(log, "w") as err:
            proc = subprocess.Popen([str(Path(sys.executable).parent / "bilingue"), "build", "--seeds",
                                     str(book / "seeds"), "--out", str(out), "--engine", "apertium", "--force"],
                                    stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 240
        while "waiting" not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, log.read_text()
        assert "another build is writing" in log.read_text()
        fcntl.flock(held, fcntl.LOCK_UN)
    assert proc.wait(timeout=240) == 0, log.read_text()


def test_an_output_written_before_versions_is_taken_over_keeping_the_users_files(book):
    """The layout of earlier releases: real folders under --out, a staging folder beside it."""
    legacy = book / "legacy"
    legacy.mkdir()
    for name in outputs.PUBLISHED:
        source = book / "output" / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source.resolve(), legacy / name)
    shutil.copytree(book / "output" / ".cache", legacy / ".cache")
    for later in ("html/style.css", "html/bilingue.js", "html/glossaire.html"):
        (legacy / later).unlink()  # files no release before .builds/ wrote
    for later in [*(legacy / "review").glob("*.en.diff"), *(legacy / "review").glob("*.changes.txt"),
                  *(legacy / "review").glob("*.json"), *(legacy / "review").glob("*.html")]:
        later.unlink()
    shutil.rmtree(legacy / "review" / "xliff")
    (legacy / "html" / "mine.css").write_text("body{}", encoding="utf-8")
    (legacy / "html" / "vieux.html").write_text("a page of a removed source", encoding="utf-8")
    (book / ".staging-abcd1234").mkdir()
    (book / ".staging-abcd1234" / "html").mkdir()
    report = build.build(options(book / "seeds", legacy))
    assert not report.get("up_to_date")
    assert outputs.intact(legacy)
    assert (legacy / "html" / "mine.css").read_text(encoding="utf-8") == "body{}"
    assert not (legacy / "html" / "vieux.html").exists()
    assert not (book / ".staging-abcd1234").exists()


@pytest.mark.parametrize("where, message", [
    ("file", "is not a folder"),
    ("under_file", "is not a folder"),
    ("html_file", "a file where the build puts a folder"),
    ("proc", "cannot write in /proc"),
])
def test_an_unusable_out_is_refused_before_any_stage_runs(where, message, tmp_path):
    target = {"file": tmp_path / "out", "under_file": tmp_path / "out" / "book", "html_file": tmp_path / "book",
              "proc": Path("/proc/bilingue-out")}[where]
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    if where == "html_file":
        target.mkdir()
        (target / "html").write_text("x", encoding="utf-8")
    # No such seeds folder: the error must still be about --out, so it came first.
    done = bilingue("build", "--seeds", tmp_path / "no-seeds", "--out", target, "--engine", "apertium")
    assert done.returncode == 2
    line = one_line(done)
    assert "--out" in line and message in line and ("Give --out a folder" in line or "Move it away" in line)
    assert (tmp_path / "out").read_text(encoding="utf-8") == "not a folder"


# --- translation memory and approved translations ------------------------------------------


def corrupt(path: Path, kind: str) -> None:
    if kind == "truncated":
        path.write_bytes(path.read_bytes()[:3000])
    elif kind == "garbage":
        path.write_bytes(random.Random(1).randbytes(20000))
    else:
        path.unlink()
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE tm (fr TEXT, en TEXT)")
        db.commit()
        db.close()


@pytest.mark.parametrize("kind", ["truncated", "garbage", "wrong schema"])
def test_a_corrupt_memory_is_moved_aside_with_a_warning_and_a_fresh_one_starts(kind, previous, tmp_path, caplog):
    path = tmp_path / "tm.sqlite"
    shutil.copyfile(previous / "output" / ".cache" / "tm.sqlite", path)
    corrupt(path, kind)
    damaged = path.read_bytes()
    memory = Memory(path)
    memory.put_many([("k", "Bonjour.", "Hello.", "apertium", "m")])
    assert memory.get("k") == "Hello."
    memory.close()
    aside = list(tmp_path.glob("tm.sqlite.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert "translation memory unreadable" in caplog.text and aside[0].name in caplog.text


def test_a_build_with_a_corrupt_memory_warns_in_one_line_and_publishes(book):
    out = book / "output"
    corrupt(out / ".cache" / "tm.sqlite", "garbage")
    done = build_cli(book, "--force")
    assert done.returncode == 0, done.stderr
    assert "translation memory unreadable" in one_line(done)
    assert " 0 from memory" in done.stdout and list((out / ".cache").glob("tm.sqlite.corrupt-*"))


def test_a_disk_too_full_to_open_the_memory_is_a_fault_not_corruption(book):
    out = book / "output"
    before = snapshot(out)
    memory = (out / ".cache" / "tm.sqlite").read_bytes()
    limit = 16 * 1024  # smaller than SQLite's shared-memory index: opening the memory fails
    done = build_cli(book, "--force", preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 1
    assert "cannot open the translation memory" in one_line(done) and "Free some space" in done.stderr
    assert (out / ".cache" / "tm.sqlite").read_bytes() == memory
    assert not list((out / ".cache").glob("*.corrupt-*"))
    assert snapshot(out) == before


MALFORMED_TMX = {
    "cut short": (b'<?xml version="1.0"?>\n<tmx version="1.4">\n<body>\n<tu><tuv xml:lang="fr"><seg>Oui', "line 4"),
    "not xml": (b"fr\ten\nOui\tYes\n", "line 1"),
    "not tmx": (b"<html><body><p>Oui</p></body></html>", "not a TMX file"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_TMX))
def test_malformed_tmx_is_refused_with_file_and_line(case, tmp_path):
    data, where = MALFORMED_TMX[case]
    path = tmp_path / "revue.tmx"
    path.write_bytes(data)
    with pytest.raises(DataFileError, match=where):
        read_tmx(path)
    done = bilingue("tm", "--approved", tmp_path / "approved.tmx", "import", path)
    assert done.returncode == 2
    assert str(path) in one_line(done) and where in done.stderr
    assert not (tmp_path / "approved.tmx").exists()


def test_a_malformed_approved_tmx_stops_the_build_and_leaves_the_book(book):
    out = book / "output"
    before = snapshot(out)
    approved = book / "approved.tmx"
    approved.write_bytes(MALFORMED_TMX["cut short"][0])
    with pytest.raises(DataFileError, match=r"approved.tmx: line 4"):
        build.build(build.Options(seeds=book / "seeds", out=out, engine="apertium", approved=approved, force=True))
    assert snapshot(out) == before


def test_approved_translations_are_found_from_any_working_folder():
    assert build.Options().approved == ROOT / "tm" / "approved.tmx"


# --- sources -------------------------------------------------------------------------------


def test_slugs_never_take_the_contents_page_nor_each_other(previous):
    html = previous / "output" / "html"
    assert "<ol class=\"contents\">" in (html / "index.html").read_text(encoding="utf-8")
    assert "Les vélos du dimanche" in (html / "index-2.html").read_text(encoding="utf-8")
    pages = {p.name: p.read_text(encoding="utf-8") for p in html.glob("ete*.html")}
    assert sorted(pages) == ["ete-2.html", "ete.html"]
    assert any("fontaines" in t for t in pages.values()) and any("piscine" in t for t in pages.values())


def test_hidden_bidi_and_control_characters_are_removed_and_reported(previous):
    out = previous / "output"
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        published = {name: epub.read(name) for name in epub.namelist()}
    published |= {p.name: p.read_bytes() for folder in ("html", "review") for p in (out / folder).rglob("*") if p.is_file()}
    for name, data in published.items():
        assert "\u202e".encode() not in data and b"\x07" not in data, name
    report = (out / "review" / "report.md").read_text(encoding="utf-8")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in report and "cache.txt:2" in report


def test_ingest_keeps_entities_as_written():
    article = ingest.parse_article("Le balisage\nOn écrit &lt;b&gt; pour du gras &amp; rien d'autre.\n", Path("x.txt"))
    assert article.blocks[1].raw == "On écrit &lt;b&gt; pour du gras &amp; rien d'autre."


def make_bad_source(seeds: Path, case: str) -> None:
    if case == "symlink":
        (seeds / "passwd.txt").symlink_to("/etc/passwd")
    elif case == "fifo":
        os.mkfifo(seeds / "tube.txt")
    elif case == "folder":
        (seeds / "dossier.txt").mkdir()
    elif case == "empty":
        (seeds / "vide.txt").write_bytes(b"")
    elif case == "blank":
        (seeds / "vide.txt").write_bytes(b" \n\t\n\xc2\xa0\n")
    elif case == "utf16 bom":
        (seeds / "windows.txt").write_bytes("Un titre\nUne phrase.\n".encode("utf-16"))
    elif case == "utf16 no bom":
        (seeds / "windows.txt").write_bytes("Un titre\nUne phrase.\n".encode("utf-16-le"))


BAD_SOURCES = {
    "symlink": ("passwd.txt: is a symbolic link (to /etc/passwd)", "Copy the article"),
    "fifo": ("tube.txt: is not a plain file", "Remove it"),
    "folder": ("dossier.txt: is a folder", "move it out"),
    "empty": ("vide.txt: the file is empty", "Put the article's text"),
    "blank": ("vide.txt: the file is empty (or only blank)", "Put the article's text"),
    "utf16 bom": ("windows.txt: looks like UTF-16", "iconv -f UTF-16 -t UTF-8"),
    "utf16 no bom": ("windows.txt: looks like UTF-16", "iconv -f UTF-16 -t UTF-8"),
    "no seeds folder": ("no such folder", "Give --seeds"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_a_bad_source_is_refused_in_one_line_and_the_book_is_kept(case, book):
    if case == "no seeds folder":
        shutil.rmtree(book / "seeds")
    else:
        make_bad_source(book / "seeds", case)
    before = snapshot(book / "output")
    done = build_cli(book, timeout=120)
    assert done.returncode == 2
    what, todo = BAD_SOURCES[case]
    line = one_line(done)
    assert what in line and todo in line
    assert "WINDOWS-1252" not in line
    assert snapshot(book / "output") == before


# --- model packages ------------------------------------------------------------------------


def package(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"translate-fr_en-test/{name}", data)
    return path


METADATA = json.dumps({"package_version": "1.0", "from_code": "fr", "to_code": "en"}).encode()
BAD_PACKAGES = {
    "zip bomb": ({"metadata.json": METADATA, "sentencepiece.model": bytes(64 * 1024**2), "model/model.bin": b"x"},
                 "would unpack to 64 MB"),
    "metadata not json": ({"metadata.json": b"{from_code: fr", "sentencepiece.model": b"x", "model/model.bin": b"x"},
                          "metadata.json is not valid JSON"),
    "metadata a list": ({"metadata.json": b'["fr", "en"]', "sentencepiece.model": b"x", "model/model.bin": b"x"},
                        "metadata.json must be a JSON object"),
    "metadata not utf8": ({"metadata.json": b'{"from_code": "\xe9"}', "sentencepiece.model": b"x",
                           "model/model.bin": b"x"}, "metadata.json is not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_a_bad_model_package_is_refused_in_one_line_before_anything_is_written(case, tmp_path):
    files, message = BAD_PACKAGES[case]
    archive = package(tmp_path / "modele.argosmodel", files)
    packages = tmp_path / "packages"
    done = bilingue("models", archive, env=dict(os.environ, ARGOS_PACKAGES_DIR=str(packages)))
    assert done.returncode == 2
    line = one_line(done)
    assert str(archive) in line and message in line
    assert not packages.exists() or not any(packages.rglob("*"))


def test_make_book_offline_says_in_one_line_that_it_uses_apertium_and_how_to_install_a_model(tmp_path):
    done = subprocess.run(no_network(sys.executable, "-m", "pipeline.models", "5"), capture_output=True, text=True,
                          cwd=ROOT, env=offline_env(tmp_path, tmp_path / "packages"), timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    assert "translated with Apertium" in done.stdout and "ARGOS_MODEL=/path/to/file.argosmodel make models" in done.stdout
    assert not list((tmp_path / "packages").glob("*"))
