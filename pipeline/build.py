"""``bilingue build``: the configured pipeline over the sources, published only whole.

When nothing the outputs depend on changed since the last build, nothing is redone."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path

from . import builtin_stages  # noqa: F401  (registers the built-in stages, as spaCy's factories are)
from . import engines, ingest, outputs
from .model import Book
from .options import NOT_SHAPING_OUTPUT, ROOT, Options  # noqa: F401  (Options and ROOT are this module's API)
from .publish.epub import FILES  # noqa: F401  (the EPUB file of each edition)
from .stages import Context, Pipeline, StrictFailure, add  # noqa: F401

log = logging.getLogger("bilingue")


def inputs_fingerprint(context: Context, stage_names: list[str]) -> str:
    """A digest of everything the outputs depend on: the sources, the approved
    translations, the data files and code (``Context.code_digest``), the engine's whole
    configuration, the stages and every option that shapes the outputs."""
    options = context.options
    digest = hashlib.sha256()
    for path in ingest.source_files(options.seeds):
        add(digest, path.name, ingest.read_bytes(path))
    add(digest, "approved", options.approved.read_bytes() if options.approved.is_file() else b"-")
    add(digest, "code", context.code_digest.encode())
    add(digest, "engine", context.engine.config_id.encode())
    add(digest, "stages", "\0".join(stage_names).encode())
    shaping = {k: str(v) for k, v in dataclasses.asdict(options).items() if k not in NOT_SHAPING_OUTPUT}
    add(digest, "options", json.dumps(shaping, sort_keys=True).encode())
    return digest.hexdigest()


def previous_build(out: Path, fingerprint: str) -> dict | None:
    """The last build's report when its outputs are all there, untouched, and came from
    the same inputs."""
    if not outputs.intact(out):
        return None
    try:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if report.get("inputs") == fingerprint else None


def build(options: Options) -> dict:
    """Run every configured stage; publish into ``options.out`` only when all succeeded.

    Returns the report (report.json's content); when nothing changed, the previous one
    marked ``up_to_date``. One build at a time writes into an output folder; another waits."""
    outputs.check_output_dir(options.out)
    context = Context(options)
    pipeline = Pipeline.from_config(context, article_cache=options.out / ".cache" / "articles")
    with outputs.removed_if_left_empty(options.out), outputs.lock(options.out):
        fingerprint = inputs_fingerprint(context, pipeline.names)
        if not options.force and (previous := previous_build(options.out, fingerprint)):
            log.info("%s is up to date", options.out)
            return {**previous, "up_to_date": True}
        log.info("engine: %s", engines.label(context.engine))
        book = Book(title="", articles=[], stats={"inputs": fingerprint, "stages": pipeline.names})
        try:
            with outputs.publishing(options.out) as staging:
                context.staging = staging
                book = pipeline.run(book)
        finally:
            context.close()
    report_file = options.out / "report.json"
    return json.loads(report_file.read_text(encoding="utf-8")) if "report" in pipeline.names else {}
