"""Offline machine-translation engines behind one interface.

An engine has a ``name``, a ``model_id`` (what exactly produced the English, printed in
every output) and ``translate_batch(list[str]) -> list[str]``, one output per input.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

APERTIUM_PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
log = logging.getLogger("bilingue")
INSTALL_ARGOS = "`ARGOS_MODEL=/path/translate-fr_en.argosmodel make models`, or use --engine apertium"
UNKNOWN_MARK = re.compile(r"(?<![\w*#@])[*#@](?=\w)")


class EngineError(Exception):
    """An engine that cannot run here; the message says what to install."""


class Engine(Protocol):
    name: str
    model_id: str

    def translate_batch(self, texts: list[str]) -> list[str]: ...


def check_count(engine: str, sent: list[str], received: list[str]) -> list[str]:
    if len(received) != len(sent):
        raise EngineError(f"{engine} returned {len(received)} segments for {len(sent)} sent; the batch is not aligned")
    return received


class ApertiumEngine:
    """French -> Spanish -> English through Apertium's rule-based pairs (Debian packages).

    One ``apertium fr-es`` and one ``apertium spa-eng`` process per batch, one segment a
    line. Unknown words (``*mot``) are unmarked in the output and kept in ``unknown``.
    """

    name = "apertium"

    def __init__(self) -> None:
        if shutil.which("apertium") is None:
            raise EngineError("apertium is not installed: apt-get install " + " ".join(APERTIUM_PACKAGES) + " (or: make deps)")
        modes = subprocess.run(["apertium", "-l"], capture_output=True, text=True).stdout.split()
        missing = [pair for pair, pkg in (("fr-es", "apertium-fr-es"), ("spa-eng", "apertium-eng-spa")) if pair not in modes]
        if missing:
            raise EngineError(f"Apertium pair(s) {', '.join(missing)} missing: apt-get install apertium-fr-es apertium-eng-spa")
        self.model_id = "+".join(f"{p}={package_version(p)}" for p in ("apertium-fr-es", "apertium-eng-spa"))
        self.config_id = f"apertium fr-es|spa-eng {self.model_id} apertium={package_version('apertium')}"
        self.unknown: list[str] = []

    def run(self, pair: str, text: str, mark_unknown: bool) -> str:
        args = ["apertium"] + ([] if mark_unknown else ["-u"]) + [pair]
        done = subprocess.run(args, input=text, capture_output=True, text=True)
        if done.returncode != 0:
            raise EngineError(f"apertium {pair} failed: {done.stderr.strip()}")
        return done.stdout

    def translate_batch(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        lines = [" ".join(t.split()) for t in texts]  # one segment a line, whatever its spaces
        spanish = self.run("fr-es", "\n".join(lines) + "\n", mark_unknown=True)
        self.unknown += re.findall(r"(?<![\w*])\*(\w[\w’'-]*)", spanish)
        english = self.run("spa-eng", UNKNOWN_MARK.sub("", spanish), mark_unknown=False)
        return check_count("apertium", texts, english.rstrip("\n").split("\n"))


def package_version(name: str) -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


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

    @property
    def config_id(self) -> str:
        """Everything that shapes this engine's English: model, decoding options, libraries."""
        from importlib.metadata import version

        return (f"argos {self.model_id} beam={self.beam_size} compute={self.settings['compute_type']} "
                f"ctranslate2={version('ctranslate2')} sentencepiece={version('sentencepiece')}")

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
            length_penalty=0.2,
        )

    def translate_batch(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        tokens = [self.tokenizer.encode(t, out_type=str) for t in texts]
        results = self.translator.translate_batch(tokens, **self.decoding_options(len(tokens)))
        return check_count("argos", texts, [self.decode(r.hypotheses[0]) for r in results])


def label(engine: Engine) -> str:
    """How every output names the engine: ``name (model id)``."""
    return f"{engine.name} ({engine.model_id})"


def select(choice: str = "auto", beam_size: int = 4) -> Engine:
    """``auto``: Argos when an fr->en package is installed, else Apertium."""
    if choice not in ("auto", "argos", "apertium"):
        raise EngineError(f"unknown engine {choice!r}: choose auto, argos or apertium")
    if choice in ("auto", "argos"):
        package = find_argos_package()
        if package is not None:
            return ArgosEngine(package, beam_size=beam_size)
        if choice == "argos":
            raise EngineError(f"no Argos fr->en package under {argos_packages_dir()}. Install one with " + INSTALL_ARGOS)
    return ApertiumEngine()
