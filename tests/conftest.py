import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests draw the same examples on every run, so a result does not
# depend on the draw; locally each run explores new ones (and a failure found is kept
# as an @example).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from pipeline import build, clean, glossary, repairs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def terms():
    return glossary.load(ROOT / "glossary" / "terms.tsv")


@pytest.fixture(scope="session")
def known_repairs():
    return repairs.load(ROOT / "glossary" / "repairs.tsv")


@pytest.fixture
def ctx(terms, known_repairs):
    return clean.Context(known_repairs, terms)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The book built once from seeds/ with Apertium, as `make book` does."""
    out = tmp_path_factory.mktemp("book") / "output"
    report = build.build(build.Options(seeds=ROOT / "seeds", out=out, engine="apertium", approved=out / "none.tmx"))
    return out, report


def run_pipeline(names, book=None, engine=None, **options):
    """The real pipeline's stages ``names`` over ``book`` (an empty book: ingest fills it),
    with ``engine`` instead of the one --engine would choose; what a test asserts on."""
    from pipeline.model import Book
    from pipeline.stages import Context, Pipeline

    context = Context(build.Options(**options))
    if engine is not None:
        context.engine = engine
    try:
        return Pipeline.named(names, context).run(book or Book("test", []))
    finally:
        context.close()


def run_cli(*args, cwd=ROOT):
    exe = shutil.which("bilingue") or str(Path(__import__("sys").executable).parent / "bilingue")
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd)
