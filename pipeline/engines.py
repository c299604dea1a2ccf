"""Offline machine-translation engines behind one interface.

An engine has a ``name``, a ``model_id`` (what exactly produced the English, printed in
every output), a ``config_id`` (everything that shapes its output: routes, package and
library versions, decoding settings; for memory keys and build fingerprints) and
``translate_batch(list[str]) -> list[str]``, one output per input. ``translate_detailed``
gives, per input, the English with the route that produced it and the words the engine
left untranslated.

Every engine translates each input as if it were alone: its English never depends on the
other inputs of the batch, their order or the batch size.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Protocol

from .cognates import Cognates
from .cognates import load as load_cognates
from .nlp import english_words

APERTIUM_PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
log = logging.getLogger("bilingue")
LENGTH_PENALTY = 0.2  # argostranslate's own
# This module's own code shapes the English too (marks, borrowing, decoding): a change to
# it gives every engine a new config_id.
ENGINE_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
INSTALL_ARGOS = "`ARGOS_MODEL=/path/translate-fr_en.argosmodel make models`, or use --engine apertium"


class EngineError(Exception):
    """An engine that cannot run here, or that failed; the message says what to do."""


@dataclass(frozen=True)
class Borrowing:
    """A word one route left untranslated, replaced by another route's English for it."""

    word: str
    english: str
    route: str


@dataclass(frozen=True)
class Translation:
    """One input's English, the route that produced it, the words still left
    untranslated in it and the words other routes lent."""

    en: str
    route: str
    unknown: tuple[str, ...] = ()
    borrowed: tuple[Borrowing, ...] = ()

    @property
    def routes(self) -> str:
        """The route, then each route that lent a word: ``fr-es|spa-eng+fra-cat|cat-eng``."""
        return "+".join(dict.fromkeys([self.route, *(b.route for b in self.borrowed)]))


class Engine(Protocol):
    name: str
    model_id: str
    config_id: str

    def translate_batch(self, texts: list[str]) -> list[str]: ...

    def translate_detailed(self, texts: list[str]) -> list[Translation]: ...

    def close(self) -> None: ...


def check_count(engine: str, sent: list, received: list) -> list:
    if len(received) != len(sent):
        raise EngineError(f"{engine} returned {len(received)} segments for {len(sent)} sent; the batch is not aligned")
    return received


# Apertium's stream format (what its deformatters write): these characters are escaped
# with a backslash; `.[]` is the sentence end apertium-destxt adds at a paragraph end
# (and apertium-retxt removes), so that every segment ends a sentence for the tagger and
# the transfer rules.
STREAM_SPECIAL = re.compile(r"([\\\[\]^$/@<>{}])")
STREAM_ESCAPED = re.compile(r"\\(.)")
PARAGRAPH_END = ".[]"
# `*` and `#` of the text itself travel as private-use characters, so that Apertium's own
# marks are the only ones in its output (it unescapes `\\*` and `\\#`).
LITERAL_MARKS = str.maketrans({"*": "\ue02a", "#": "\ue023"})
LITERAL_MARKS_BACK = str.maketrans({"\ue02a": "*", "\ue023": "#"})
# In an output chunk, left to right: an escaped character (kept as it is); a word with
# Apertium's marks (`*` unknown to the analyser, `@` missing from the bilingual dictionary:
# both left untranslated; `#` not generated: a target lemma, uninflected); or the tags of
# a failed generation with no lemma (`#<prn>`).
STREAM_TOKEN = re.compile(r"(?P<escaped>\\.)|(?<!\w)(?P<marks>[*@#]+)(?P<word>\w(?:[\w’'-]*\w)?)"
                          r"|(?P<tags>[*@#]*(?:\\?<[\w.-]+\\?>)+)")
# Where Debian installs the Apertium modes and language data.
APERTIUM_DATA = Path("/usr/share/apertium")


def to_stream(text: str) -> str:
    """A segment as Apertium's text deformatter writes a paragraph of its own (a NUL of
    the text would end its chunk early: it becomes a blank)."""
    text = " ".join(text.replace("\0", " ").split())
    return STREAM_SPECIAL.sub(r"\\\1", text).translate(LITERAL_MARKS) + PARAGRAPH_END


def from_stream(chunk: str) -> str:
    r"""The text of an output chunk: sentence end removed (a mode may drop its period:
    cat-spa reads ``@d.`` as an abbreviation), escapes undone, blanks single.

    >>> from_stream("Has\ue023b \\@d[]"), from_stream("It ends.[]"), from_stream("a \\[\\] b.[]")
    ('Has#b @d', 'It ends', 'a [] b')
    """
    text = re.sub(r"\.\[\]|(?<!\\)\[\]", "", chunk)
    return " ".join(STREAM_ESCAPED.sub(r"\1", text).split()).translate(LITERAL_MARKS_BACK)


def unmark(chunk: str) -> tuple[str, list[str]]:
    """A chunk with Apertium's marks and leaked tags removed (the words kept), and the
    words it marked as left untranslated."""
    untranslated: list[str] = []

    def keep(match: re.Match) -> str:
        if match["escaped"]:
            return match[0]
        if match["word"]:
            if "*" in match["marks"] or "@" in match["marks"]:
                untranslated.append(match["word"])
            return match["word"]
        return ""

    return STREAM_TOKEN.sub(keep, chunk), untranslated


@dataclass(frozen=True)
class Route:
    """Apertium modes chained from French to English, e.g. ``fr-es|spa-eng``."""

    modes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "Route":
        return cls(tuple(text.split("|")))

    def __str__(self) -> str:
        return "|".join(self.modes)

    def back(self, depth: int) -> "Route":
        """The route back to French from the input language of mode ``depth``:
        ``fra-cat|cat-spa|spa-eng`` back from its Spanish (depth 2) is ``spa-cat|cat-fra``.

        >>> str(Route.parse("fra-cat|cat-spa|spa-eng").back(2))
        'spa-cat|cat-fra'
        """
        return Route(tuple("-".join(reversed(m.split("-"))) for m in reversed(self.modes[:depth])))


# French -> Catalan -> Spanish -> English: the best of Debian's routes on the reference
# sets (bench/quality.py: +1.4, +2.2 and +1.6 chrF over fr-es|spa-eng on three sets), as
# fra-cat and spa-cat are Apertium's most complete pairs. Without apertium-spa-cat the
# engine falls back to fr-es|spa-eng.
DEFAULT_ROUTE = "fra-cat|cat-spa|spa-eng"
FALLBACK_ROUTE = "fr-es|spa-eng"
OTHER_ROUTES = (FALLBACK_ROUTE, "fra-cat|cat-eng", "fr-eo|eo-en")  # Debian's other French->English chains
DEBIAN_PAIRS = {"fr-es": "apertium-fr-es", "spa-eng": "apertium-eng-spa", "es-fr": "apertium-fr-es",
                "fra-cat": "apertium-fra-cat", "cat-eng": "apertium-eng-cat", "cat-fra": "apertium-fra-cat",
                "cat-spa": "apertium-spa-cat", "spa-cat": "apertium-spa-cat",
                "fr-eo": "apertium-eo-fr", "eo-en": "apertium-eo-en"}


@dataclass(frozen=True)
class Rendering:
    """One segment through one route, before any word is borrowed."""

    en: str
    unknown_per_mode: tuple[tuple[str, ...], ...]  # per mode of the route, the words it did not know

    @property
    def source_unknown(self) -> tuple[str, ...]:
        """French words the route's first mode did not know."""
        return self.unknown_per_mode[0] if self.unknown_per_mode else ()

    def pivot_unknown_at(self, depth: int) -> tuple[str, ...]:
        """Pivot-language words mode ``depth`` did not know (a word an earlier mode passed on
        untranslated is the French one, not a pivot word)."""
        earlier = {w for words in self.unknown_per_mode[:depth] for w in words}
        return tuple(w for w in self.unknown_per_mode[depth] if w not in earlier)

    @property
    def pivot_unknown(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for d in range(1, len(self.unknown_per_mode)) for w in self.pivot_unknown_at(d)))

    @property
    def complete(self) -> bool:
        return not any(self.unknown_per_mode)


def whole_word(text: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)


# French feminine adjective endings and their masculine: a pivot word may come back in the
# other gender (Spanish "acumulativa" -> "cumulative" for the French "cumulatif").
GENDER_ENDINGS = (("ive", "if"), ("euse", "eux"), ("elle", "el"), ("enne", "en"), ("ère", "er"))


def source_word(back_translation: str, french: str) -> re.Match | None:
    """Where a pivot word's back-translation occurs in the French segment: as it is, or
    its last word (a verb comes back with a subject pronoun: "Il privilégie"), with the
    gender and number endings it may have lost (dévoilé -> dévoilés, cumulative -> cumulatif).

    >>> source_word("Cumulative", "son investissement cumulatif")[0]
    'cumulatif'
    >>> source_word("Cumulatif", "une approche cumulative")[0]
    'cumulative'
    """
    last = back_translation.split()[-1] if back_translation.split() else ""
    other_gender = [last[: -len(a)] + b for pair in GENDER_ENDINGS for a, b in (pair, pair[::-1])
                    if last.lower().endswith(a)]
    for form in dict.fromkeys((back_translation, last, *other_gender)):
        if form and (match := re.search(rf"(?<!\w){re.escape(form)}(?:e|s|es)?(?!\w)", french, re.IGNORECASE)):
            return match
    return None


def installed_backs(route: Route, installed: list[str]) -> dict[int, Route]:
    """Per pivot language of ``route`` (by the depth of the mode that reads it), the route
    back to French, where its modes are installed."""
    backs = {depth: route.back(depth) for depth in range(1, len(route.modes))}
    return {depth: back for depth, back in backs.items() if set(back.modes) <= set(installed)}


def lone_word_case(loan: str) -> str:
    """A lender's English for a word sent alone, in the case the sentence needs: spa-eng
    capitalises a sentence's first word, and a lone word is one (``ligne`` -> ``Line``),
    except a word English always capitalises (``lundi`` -> ``Monday``).

    >>> lone_word_case("Line"), lone_word_case("Monday"), lone_word_case("NATO")
    ('line', 'Monday', 'NATO')
    """
    first = loan.split()[0] if loan.split() else loan
    if first[:1].isupper() and first[1:].islower() and first not in english_words():
        return loan[:1].lower() + loan[1:]
    return loan


def looks_like_name(word: str, french: str) -> bool:
    """A capitalised word that does not start the segment: a name, which stays as it is."""
    return word[:1].isupper() and not french.lstrip(" «“\"'(").startswith(word)


class ApertiumEngine:
    """French -> English through Apertium's rule-based pairs (Debian packages), chained
    through pivot languages (``fra-cat|cat-spa|spa-eng`` by default, see DEFAULT_ROUTE).

    Each segment goes through Apertium as a null-flushed chunk of its own (``apertium -z``:
    every program of the pipe handles the text up to a NUL and flushes, so no transfer
    rule, tagger or lexical-selection window spans two segments), one process per mode,
    started on first use and kept for every later batch. Apertium's marks are removed from
    the output; the words left untranslated are recorded per segment.

    ``borrow_from``: other routes that lend their English for a word the main route left
    untranslated (see ``borrow``); by default Debian's other French->English routes that are
    installed. ``consensus``: every route translates each segment (borrowing from the
    others) and the English the routes agree on most is kept (``agreed``), the main route's
    on a tie. Measured with bench/quality.py on three reference sets, over fr-es|spa-eng:
    borrowing +0.7 to +1.5 chrF and foreign words divided by 3; the default route with
    borrowing +2.1 to +2.9; consensus a further +0.3 to +0.6 on each set (choosing a route
    by fewest untranslated or foreign words alone did not help on every set).

    A mode that does not answer within ``timeout_s`` plus ``timeout_per_char_s`` per
    character of the batch is killed, with every process of its pipe, and the batch fails
    with an EngineError.
    """

    name = "apertium"

    def __init__(self, route: str | None = None, borrow_from: tuple[str, ...] | None = None,
                 datadir: Path | None = None, timeout_s: float = 30.0, timeout_per_char_s: float = 0.002,
                 cognates: Cognates | None = None, consensus: bool = False) -> None:
        if shutil.which("apertium") is None:
            raise EngineError("apertium is not installed: apt-get install " + " ".join(APERTIUM_PACKAGES) + " (or: make deps)")
        self.datadir = datadir or APERTIUM_DATA
        self.timeout_s, self.timeout_per_char_s = timeout_s, timeout_per_char_s
        installed = self.apertium("-l").split()
        if route is None:  # the default route where its modes are installed, else the fallback
            route = DEFAULT_ROUTE if set(DEFAULT_ROUTE.split("|")) <= set(installed) else FALLBACK_ROUTE
            if route == FALLBACK_ROUTE:
                log.info("apertium: better English through %s with: apt-get install apertium-spa-cat", DEFAULT_ROUTE)
        self.route = Route.parse(route)
        if borrow_from is None:  # by default, Debian's other routes, where installed
            borrow_from = tuple(r for r in OTHER_ROUTES if r != route and set(r.split("|")) <= set(installed))
            absent = {DEBIAN_PAIRS[m] for r in OTHER_ROUTES if r not in borrow_from for m in r.split("|")
                      if m not in installed}
            if absent:
                log.info("apertium: fewer words left untranslated with: apt-get install %s", " ".join(sorted(absent)))
        self.lenders = [Route.parse(r) for r in borrow_from]
        # With consensus, every route translates each segment (borrowing from the others).
        self.candidates = [self.route, *self.lenders] if consensus else [self.route]
        # A route's modes reversed (es-fr; spa-cat|cat-fra) tell which French word a pivot
        # word came from; without them only French words are looked up in other routes.
        self.backs = {route: installed_backs(route, installed) for route in self.candidates} if self.lenders else {}
        # Every route the engine may run: its own, the lenders, the routes back to French.
        self.all_routes = [self.route, *self.lenders, *(b for backs in self.backs.values() for b in backs.values())]
        modes = [m for r in self.all_routes for m in r.modes]
        missing = [m for m in dict.fromkeys(modes) if m not in installed]
        if missing:
            packages = [DEBIAN_PAIRS.get(m, "") for m in missing]
            fix = (f"apt-get install {' '.join(dict.fromkeys(packages))}" if all(packages)
                   else "install the Apertium language pairs that provide them")
            raise EngineError(f"Apertium mode(s) {', '.join(missing)} missing from {self.datadir}: {fix}")
        versions = package_versions([self.datadir / "modes" / f"{m}.mode" for m in dict.fromkeys(modes)])
        self.model_id = "+".join(f"{p}={v}" for p, v in versions["data"].items())
        self.cognates = cognates
        backs = ",".join(str(back) for back in self.backs.get(self.route, {}).values()) or None
        lent = f" borrow={','.join(map(str, self.lenders))} back={backs}" if self.lenders else ""
        lent += f" cognates={cognates.digest}" if cognates else ""
        lent += " choose=consensus" if len(self.candidates) > 1 else ""
        self.config_id = (f"apertium route={self.route}{lent} null-flush code={ENGINE_CODE} "
                          + " ".join(f"{p}={v}" for p, v in {**versions["data"], **versions["tools"]}.items()))
        self.unknown: list[str] = []
        self.pipes: dict[str, ModePipe] = {}  # started on first use
        weakref.finalize(self, close_pipes, self.pipes)

    def apertium(self, *args: str) -> str:
        done = subprocess.run(["apertium", "-d", str(self.datadir), *args], capture_output=True, text=True)
        return done.stdout

    def start(self) -> None:
        """Start every mode the engine may use at once: they load their data side by side
        while the first batch goes through the main route."""
        for route in self.all_routes:
            for mode in route.modes:
                self.pipe(mode)

    def pipe(self, mode: str) -> ModePipe:
        if mode not in self.pipes:
            self.pipes[mode] = ModePipe(mode, self.datadir)
        return self.pipes[mode]

    def run_mode(self, mode: str, chunks: list[str]) -> list[str]:
        """A batch through one mode's pipe, one NUL-ended chunk per segment."""
        timeout = self.timeout_s + self.timeout_per_char_s * sum(len(c) + 1 for c in chunks)
        try:
            return self.pipe(mode).translate(chunks, timeout)
        except BaseException:
            del self.pipes[mode]  # killed: the next batch starts a fresh one
            raise

    def close(self) -> None:
        """Stop the Apertium processes (they also stop when this process ends)."""
        close_pipes(self.pipes)

    def run_route(self, route: Route, texts: list[str]) -> list[Rendering]:
        """Non-empty ``texts`` through every mode of ``route``, marks removed."""
        chunks = [to_stream(t) for t in texts]
        unknown: list[list[list[str]]] = [[] for _ in texts]  # per text, per mode
        for mode in route.modes if texts else ():
            chunks = self.run_mode(mode, chunks)
            for n, (chunk, words) in enumerate(map(unmark, chunks)):
                chunks[n] = chunk
                unknown[n].append(words)
        return [Rendering(from_stream(chunk), tuple(tuple(dict.fromkeys(words)) for words in stages))
                for chunk, stages in zip(chunks, unknown)]

    def translate_detailed(self, texts: list[str]) -> list[Translation]:
        # Empty segments are not sent: Apertium would answer an empty chunk with a lone period.
        sent = [i for i, t in enumerate(texts) if t.strip()]
        french = [texts[i] for i in sent]
        if french:
            self.start()
        options = [self.translate_route(route, french) for route in self.candidates]
        done = [agreed(list(choices)) for choices in zip(*options)]
        results = [Translation("", str(self.route)) for _ in texts]
        for i, translation in zip(sent, done):
            results[i] = translation
            self.unknown += translation.unknown
        return results

    def translate_batch(self, texts: list[str]) -> list[str]:
        return [t.en for t in self.translate_detailed(texts)]

    def translate_route(self, route: Route, french: list[str]) -> list[Translation]:
        """Non-empty ``french`` through one route, its untranslated words borrowed."""
        renderings = self.run_route(route, french)
        if self.lenders or self.cognates:
            return self.borrow(french, renderings, route)
        return [Translation(r.en, str(route), r.source_unknown + r.pivot_unknown) for r in renderings]

    def borrow(self, french: list[str], renderings: list[Rendering], route: Route) -> list[Translation]:
        """Each word ``route`` left untranslated, replaced by the English of the first other
        route (the engine's main route, then its lenders) that translates its French word
        alone, with no word unknown, else by its English cognate (``cognates``: réévaluent
        -> reevaluate) where English has one.

        The French word is the untranslated word itself, or, for a pivot word (Catalan or
        Spanish that a later mode does not know), its back-translation when that occurs in the
        segment; a pivot word that nothing translates gives way to that French word (route
        ``source``), still reported as unknown. Names (capitalised inside the segment) are
        never looked up: they stay as the French writes them."""
        back: dict[int, dict[str, str]] = {}  # per mode depth: pivot word -> its back-translation
        for depth, back_route in self.backs.get(route, {}).items():
            words = sorted({w for r in renderings for w in r.pivot_unknown_at(depth)})
            back[depth] = dict(zip(words, (r.en for r in self.run_route(back_route, words))))
        sources: list[dict[str, str]] = []  # per segment: untranslated word -> its French word
        for text, rendering in zip(french, renderings):
            found = {w: w for w in rendering.source_unknown}
            for depth, backs in back.items():
                found |= {w: m[0] for w in rendering.pivot_unknown_at(depth)
                          if w in backs and (m := source_word(backs[w], text))}
            sources.append(found)
        # A name is never looked up: it stays as the French writes it, also where the pivot
        # changed it (fr-es writes "Bretaña" for "Bretagne", which spa-eng leaves so).
        lent: dict[str, tuple[str, str]] = {x: (x.split()[-1], "name") for s, text in zip(sources, french)
                                            for x in s.values() if looks_like_name(x.split()[-1], text)}
        for lender in (r for r in (self.route, *self.lenders) if r != route):
            todo = sorted({x for s in sources for x in s.values()} - set(lent))
            for word, rendering in zip(todo, self.run_route(lender, todo)):
                if rendering.complete and rendering.en.lower() != word.lower():
                    lent[word] = (rendering.en, str(lender))
        for word in sorted({x for s in sources for x in s.values()} - set(lent)) if self.cognates else ():
            if cognate := self.cognates.english(word.lower()):
                lent[word] = (cognate.english, cognate.rule.id)
        results = []
        for rendering, found in zip(renderings, sources):
            english, borrowed, left = rendering.en, [], {}
            for word, source in found.items():
                if source in lent and lent[source][0].lower() == word.lower():
                    continue  # a French word English has as it is (tech): left, and no loan
                if not (match := whole_word(word).search(english)):
                    continue
                if source in lent:
                    loan, lender = lent[source]
                    if word[:1].isupper():
                        loan = loan[:1].upper() + loan[1:]
                    elif lender != "name":
                        loan = lone_word_case(loan)
                elif source != word:  # a pivot word no route translates: the French word, which the editor reads
                    loan, lender = source, "source"
                    left[word] = source
                else:
                    continue
                english = english[: match.start()] + loan + english[match.end():]
                borrowed.append(Borrowing(word, loan, lender))
            lent_words = {b.word for b in borrowed} - set(left)
            unknown = tuple(dict.fromkeys(left.get(w, w) for w in rendering.source_unknown + rendering.pivot_unknown
                                          if w not in lent_words))
            results.append(Translation(english, str(route), unknown, tuple(borrowed)))
        return results


def agreed(options: list[Translation]) -> Translation:
    """Among the options with the fewest words left untranslated, the one whose English is
    closest to the others' (the highest sum of sentence chrF against each of them,
    sacrebleu's): a minimum-Bayes-risk choice among routes, which keeps what most routes
    agree on. The first option wins a tie.

    >>> routes = [Translation("The tax of unemployment", "a"), Translation("The unemployment rate", "b"),
    ...           Translation("The rate of unemployment", "c")]
    >>> agreed(routes).route
    'c'
    """
    if len(options) == 1:
        return options[0]
    from sacrebleu.metrics import CHRF

    chrf = CHRF()

    def support(option: Translation) -> float:
        return sum(chrf.sentence_score(option.en, [other.en]).score for other in options if other is not option)

    return max(options, key=lambda option: (-words_left(option), support(option), -options.index(option)))


def words_left(translation: Translation) -> int:
    """Words the route left untranslated, names (capitalised) aside: every route leaves those."""
    return sum(1 for word in translation.unknown if not word[:1].isupper())


class ModePipe:
    """One Apertium mode kept running for the engine's lifetime in null-flush mode (the
    mode's programs, as ``apertium -z`` runs them, without the wrapper script, whose awk
    filter holds a chunk back until the next one arrives): each batch costs no start-up.

    The programs run in a process group of their own, killed whole when a batch is not
    answered within its timeout (or on any interruption): a shell pipe's programs would
    otherwise outlive the shell."""

    def __init__(self, mode: str, datadir: Path) -> None:
        self.mode = mode
        self.hint = (f"Check that `echo Bonjour | apertium -d {datadir} {mode}` answers at once, "
                     "or build with a smaller --batch-size")
        modefile = datadir / "modes" / f"{mode}.mode"
        script = subprocess.run(["apertium-wblank-mode", "-z", str(modefile)], capture_output=True, text=True)
        if script.returncode != 0:
            raise EngineError(f"cannot read the Apertium mode {modefile}: {script.stderr.strip()}. {self.hint}")
        self.stderr = tempfile.TemporaryFile()
        # The mode's $1 and $2: generation marking unknown words (-g), no tagger option; one
        # UTF-8 locale whatever the user's, as the apertium script sets it.
        self.proc = subprocess.Popen(["bash", "-c", script.stdout, mode, "-g", ""], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, start_new_session=True,
                                     env={**os.environ, "LC_ALL": "C.UTF-8"})

    def translate(self, chunks: list[str], timeout: float) -> list[str]:
        data = "".join(chunk + "\0" for chunk in chunks).encode("utf-8")
        # Written from a thread: a large batch would fill the pipes both ways otherwise.
        writer = threading.Thread(target=self.write, args=(data,), daemon=True)
        writer.start()
        try:
            output = self.read_chunks(len(chunks), timeout, len(data))
        except BaseException:
            self.kill()
            raise
        writer.join()
        return output.decode("utf-8").split("\0")[: len(chunks)]

    def write(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):  # the mode stopped: read_chunks says why
            pass

    def read_chunks(self, count: int, timeout: float, size: int) -> bytes:
        """Output up to the ``count``-th NUL; nothing may follow it."""
        deadline, output, seen = time.monotonic() + timeout, bytearray(), 0
        stdout = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while seen < count:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise EngineError(f"apertium {self.mode}, given {count} segment(s) ({size} bytes), did not "
                                      f"finish within {timeout:.0f} s and was killed. {self.hint}")
                block = os.read(stdout, 1 << 16)
                if not block:
                    raise EngineError(f"apertium {self.mode} stopped: {self.errors()}")
                output += block
                seen += block.count(b"\0")
        if seen > count or not output.endswith(b"\0"):
            raise EngineError(f"apertium {self.mode} returned {seen} chunks for {count} sent; the batch is not aligned")
        return bytes(output)

    def errors(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace").strip()[-500:] or "no message"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.release()

    def release(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def close_pipes(pipes: dict[str, ModePipe]) -> None:
    """Stop every pipe at once: each batch's output has been read whole, so nothing is lost,
    and a mode started for a loan it was never asked for may still be loading its data
    (fra-cat takes half a second to exit when its input ends)."""
    while pipes:
        pipes.popitem()[1].kill()


def package_versions(mode_files: list[Path]) -> dict[str, dict[str, str]]:
    """The Debian packages (name -> version) behind Apertium modes: ``data``, those owning
    the mode files (the language pairs); ``tools``, those owning the programs the modes
    run. A file no package owns (a locally built pair) counts as ``local``."""
    programs = set()
    for mode in mode_files:
        steps = mode.read_text(encoding="utf-8").split("|") if mode.is_file() else []
        commands = [step.split()[0] for step in steps if step.split()]
        programs |= {os.path.realpath(found) for command in commands if (found := shutil.which(command))}
    owners = {"data": owning_packages([str(m) for m in mode_files]),
              "tools": sorted(set(owning_packages(sorted(programs))))}
    versions = debian_versions([n for names in owners.values() for n in names])
    return {kind: {name: versions.get(name, "unversioned") for name in names} for kind, names in owners.items()}


def owning_packages(files: list[str]) -> list[str]:
    """The Debian package owning each of ``files``, in order (``local`` where none does)."""
    done = subprocess.run(["dpkg-query", "-S", *files], capture_output=True, text=True) if files else None
    owner = {}
    for line in done.stdout.splitlines() if done else []:
        package, sep, path = line.partition(": ")
        if sep and not line.startswith("diversion"):
            owner[path.strip()] = package.split(",")[0].split(":")[0]
    return [owner.get(f, "local") for f in files]


def debian_versions(names: list[str]) -> dict[str, str]:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Version}\n", *sorted(set(names))], capture_output=True,
                          text=True)
    return dict(line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line)


def library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def argos_packages_dir() -> Path:
    """Where Argos packages live: $ARGOS_PACKAGES_DIR, else ./models, else argos's data dir."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    local = Path("models")
    if local.is_dir():
        return local
    data = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data / "argos-translate" / "packages"


def installed_argos_packages(root: Path | None = None) -> list:
    """argostranslate's view of every package folder under ``root``; a folder it cannot
    read (no or broken metadata.json) is skipped with a warning instead of hiding the rest."""
    from argostranslate.package import Package

    root = root or argos_packages_dir()
    packages = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []
    for folder in folders:
        try:
            packages.append(Package(folder))
        except (OSError, ValueError) as err:
            log.warning("ignoring %s: not a readable Argos package (%s)", folder, err)
    return packages


def find_argos_package(source: str = "fr", target: str = "en", root: Path | None = None) -> Path | None:
    """The installed package directory translating ``source`` to ``target``, if any."""
    for package in installed_argos_packages(root):
        if (package.from_code, package.to_code) == (source, target) and (package.package_path / "model").is_dir():
            return package.package_path
    return None


class ArgosEngine:
    """An installed Argos Translate package run through CTranslate2 and SentencePiece directly.

    argostranslate's own ``translate`` module is not used: it imports stanza (and torch)
    and splits text into sentences itself; our segments are already sentences. Its
    ``package`` module reads the metadata.
    """

    name = "argos"

    def __init__(self, package: Path, beam_size: int = 4, threads: int | None = None, max_batch_tokens: int = 1024,
                 compute_type: str = "int8") -> None:
        from argostranslate.package import Package

        meta = Package(package)
        self.package = package
        self.model_id = f"{meta.code or package.name}@{meta.package_version or '?'}"
        self.target_prefix = meta.target_prefix
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        # One worker per core, one thread each: CTranslate2 then translates several batches
        # of a call in parallel, which measured 1.8x the throughput of one batch at a time
        # over two threads (bench/translate.py, Transformer-base shape, 2 cores).
        self.settings = dict(device="cpu", compute_type=compute_type, inter_threads=threads or os.cpu_count() or 1,
                             intra_threads=1)
        self._tokenizer = self._translator = None
        self.config_id = (f"argos model={self.model_id} beam={beam_size} compute={compute_type} "
                          f"length_penalty={LENGTH_PENALTY} ctranslate2={library_version('ctranslate2')} "
                          f"sentencepiece={library_version('sentencepiece')} code={ENGINE_CODE}")

    def load(self) -> None:
        """Load the SentencePiece and CTranslate2 models on first use, so that choosing an
        engine (and checking whether a build is up to date) costs nothing."""
        import ctranslate2
        import sentencepiece

        try:
            self._tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(self.package / "sentencepiece.model"))
            self._translator = ctranslate2.Translator(str(self.package / "model"), **self.settings)
        except (OSError, RuntimeError, ValueError) as err:
            raise EngineError(f"cannot load the Argos package in {self.package}: {err}. Reinstall it with "
                              + INSTALL_ARGOS) from None

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            self.load()
        return self._tokenizer

    @property
    def translator(self):
        if self._translator is None:
            self.load()
        return self._translator

    def decode(self, pieces: list[str]) -> str:
        """Argos's own decoding, kept identical so output matches argostranslate's."""
        value = self.tokenizer.decode_pieces(pieces).replace("▁", " ").replace("_", " ")
        if self.target_prefix and value.startswith(self.target_prefix):
            value = value[len(self.target_prefix):]
        return value[1:] if value.startswith(" ") else value

    def decoding_options(self, count: int) -> dict:
        """The ``Translator.translate_batch`` options for ``count`` inputs: argostranslate's
        own, with our beam size and token budget per batch."""
        return dict(
            target_prefix=[[self.target_prefix]] * count if self.target_prefix else None, replace_unknowns=True,
            max_batch_size=self.max_batch_tokens, batch_type="tokens", beam_size=self.beam_size, num_hypotheses=1,
            length_penalty=LENGTH_PENALTY,
        )

    def translate_batch(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        tokens = [self.tokenizer.encode(t, out_type=str) for t in texts]
        results = self.translator.translate_batch(tokens, **self.decoding_options(len(tokens)))
        return check_count("argos", texts, [self.decode(r.hypotheses[0]) for r in results])

    def translate_detailed(self, texts: list[str]) -> list[Translation]:
        return [Translation(en, self.model_id) for en in self.translate_batch(texts)]

    def close(self) -> None:
        """Nothing runs outside this process: CTranslate2 frees its model with the object."""


def label(engine: Engine) -> str:
    """How every output names the engine: ``name (model id)``."""
    return f"{engine.name} ({engine.model_id})"


class NotInstalled(EngineError):
    """The engine's model or programs are not installed here (``auto`` then tries the next)."""


def make_argos(beam_size: int) -> Engine:
    package = find_argos_package()
    if package is None:
        raise NotInstalled(f"no Argos fr->en package under {argos_packages_dir()}. Install one with " + INSTALL_ARGOS)
    return ArgosEngine(package, beam_size=beam_size)


def make_apertium(beam_size: int) -> Engine:
    return ApertiumEngine(cognates=load_cognates(), consensus=True)


# Engine name -> factory(beam_size), in the order ``auto`` tries them: a new engine is one
# entry here (the command line's --engine choices come from it).
ENGINES: dict[str, Callable[[int], Engine]] = {"argos": make_argos, "apertium": make_apertium}


def select(choice: str = "auto", beam_size: int = 4) -> Engine:
    """The engine named ``choice``; ``auto``: the first of ``ENGINES`` installed here
    (Argos when an fr->en package is installed, else Apertium)."""
    if choice != "auto" and choice not in ENGINES:
        raise EngineError(f"unknown engine {choice!r}: choose auto, {', '.join(ENGINES)}")
    if choice != "auto":
        return ENGINES[choice](beam_size)
    for name, make in ENGINES.items():
        try:
            return make(beam_size)
        except NotInstalled as err:
            log.info("engine %s: %s", name, err)
    raise EngineError("no translation engine is installed: apt-get install " + " ".join(APERTIUM_PACKAGES))
