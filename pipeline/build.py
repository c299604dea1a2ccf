"""``bilingue build``: the configured pipeline over the sources, published only whole.

When nothing the outputs depend on changed since the last build, nothing is redone."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import tempfile
from pathlib import Path

from . import engines
from .model import Book
from .options import NOT_SHAPING_OUTPUT, ROOT, Options  # noqa: F401  (Options and ROOT are this module's API)
from .stages import Context, Pipeline, StrictFailure, add  # noqa: F401

log = logging.getLogger("bilingue")


def inputs_fingerprint(context: Context, stage_names: list[str]) -> str:
    """A digest of everything the outputs depend on: the sources, the approved
    translations, the data files and code (``Context.code_digest``), the engine's whole
    configuration, the stages and every option that shapes the outputs."""
    options = context.options
    digest = hashlib.sha256()
    for path in sorted(p for p in options.seeds.iterdir() if p.is_file()) if options.seeds.is_dir() else []:
        add(digest, path.name, path.read_bytes())
    add(digest, "approved", options.approved.read_bytes() if options.approved.is_file() else b"-")
    add(digest, "code", context.code_digest.encode())
    add(digest, "engine", context.engine.config_id.encode())
    add(digest, "stages", "\0".join(stage_names).encode())
    shaping = {k: str(v) for k, v in dataclasses.asdict(options).items() if k not in NOT_SHAPING_OUTPUT}
    add(digest, "options", json.dumps(shaping, sort_keys=True).encode())
    return digest.hexdigest()


def previous_build(out: Path, fingerprint: str) -> dict | None:
    """The last build's report when its outputs are all there and came from the same inputs."""
    if not all((out / name).exists() for name in ("html/index.html", "bilingue.epub", "review/report.md")):
        return None
    try:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if report.get("inputs") == fingerprint else None


def build(options: Options) -> dict:
    """Run every configured stage; publish into ``options.out`` only when all succeeded.

    Returns the report (report.json's content); when nothing changed, the previous one
    marked ``up_to_date``."""
    context = Context(options)
    pipeline = Pipeline.from_config(context, article_cache=options.out / ".cache" / "articles")
    fingerprint = inputs_fingerprint(context, pipeline.names)
    if not options.force and (previous := previous_build(options.out, fingerprint)):
        log.info("%s is up to date", options.out)
        return {**previous, "up_to_date": True}
    log.info("engine: %s", engines.label(context.engine))
    book = Book(title=options.title, articles=[], stats={"inputs": fingerprint, "stages": pipeline.names})
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=options.out.parent if options.out.parent.exists() else None))
    context.staging = staging
    try:
        try:
            book = pipeline.run(book)
        finally:
            context.close()
        report = json.loads((staging / "report.json").read_text(encoding="utf-8")) if "report" in pipeline.names else {}
        replace_outputs(staging, options.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def replace_outputs(staging: Path, out: Path) -> None:
    """Swap the new outputs in; the translation memory cache under ``out`` is kept."""
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        shutil.move(str(item), str(target))
