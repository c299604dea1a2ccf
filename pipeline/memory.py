"""Translation memory: a persistent SQLite cache of machine translations, plus the
reviewer-approved translations (TMX) that always win over the machine."""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from pathlib import Path

from lxml import etree

from .tsv import DataFileError

log = logging.getLogger("bilingue")

SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL
)
"""
COLUMNS = ["key", "source", "target", "engine", "model"]
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26


class CorruptMemory(sqlite3.DatabaseError):
    """The memory opened but failed SQLite's integrity check or has another schema."""


class MemoryUnavailable(Exception):
    """The memory cannot be opened or written here (disk full, I/O error, permissions); exit 1."""


def memory_key(source: str, engine_config: str, glossary_entries: str) -> str:
    """A translation is reusable only for the same source, the same engine configuration
    (``Engine.config_id``: engine, model, route, decoding options, library versions) and
    the same glossary entries."""
    return hashlib.sha256("\x1f".join((source, engine_config, glossary_entries)).encode()).hexdigest()


class Memory:
    """Each committed batch is durable: an interrupted build keeps what it finished.

    A memory that cannot be read (truncated, not SQLite, another schema) is only a cache:
    it is moved aside as ``tm.sqlite.corrupt-<time>`` with a warning and a fresh one starts."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            try:
                self.db = open_checked(path)
            except sqlite3.DatabaseError as err:
                if not is_corrupt(err):
                    raise
                aside = move_aside(path)
                log.warning("%s: translation memory unreadable (%s); moved to %s, starting a fresh one",
                            path, err, aside.name)
                self.db = open_checked(path)
        except sqlite3.Error as err:
            raise MemoryUnavailable(f"{path}: cannot open the translation memory ({err}). Free some space or "
                                    f"fix the folder's permissions, then build again.") from None

    def get(self, key: str) -> str | None:
        found = self.recall(key)
        return found[0] if found else None

    def recall(self, key: str) -> tuple[str, str] | None:
        """The stored English and what made it (``engine route``), or None."""
        row = self.db.execute("SELECT target, engine FROM tm WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def put_many(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """(key, source, target, engine, model) rows, written in one transaction."""
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.OperationalError as err:
            raise MemoryUnavailable(f"{self.path}: cannot write the translation memory ({err}). Free some space, "
                                    f"then run the same command again: every finished batch is kept.") from None

    def entries(self) -> list[tuple[str, str, str, str]]:
        return self.db.execute("SELECT source, target, engine, model FROM tm ORDER BY source").fetchall()

    def close(self) -> None:
        self.db.close()


def open_checked(path: Path) -> sqlite3.Connection:
    """Open the memory, raising ``sqlite3.DatabaseError`` unless it passes SQLite's own
    check and has the expected table."""
    db = sqlite3.connect(path)
    try:
        # Checked before anything is written, so a damaged file is set aside as it was found.
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise CorruptMemory("integrity check failed")
        columns = [row[1] for row in db.execute("PRAGMA table_info(tm)")]
        if columns and columns != COLUMNS:
            raise CorruptMemory(f"table tm has columns {columns}, expected {COLUMNS}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(SCHEMA)
        db.commit()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """Damage to the file itself, as opposed to a fault of the machine (disk full, I/O, locks)."""
    return isinstance(err, CorruptMemory) or (getattr(err, "sqlite_errorcode", 0) & 0xFF) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def move_aside(path: Path) -> Path:
    """Rename the memory (and its WAL files) to ``<name>.corrupt-<time>``; returns the new path."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix))
    return aside


def read_tmx(path: Path) -> dict[str, str]:
    """Source -> target pairs of a TMX file (translate-toolkit's reader); {} when the file
    does not exist."""
    from translate.storage.tmx import tmxfile

    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            store = tmxfile(f, "fr", "en")
    except etree.XMLSyntaxError as err:
        raise DataFileError(f"{path}: line {err.lineno}: not valid XML ({err.msg}). Fix the file, or export it "
                            f"again from your translation tool (TMX 1.4).") from None
    except (AssertionError, ValueError):  # translate-toolkit's check of the root element
        raise DataFileError(f"{path}: line 1: not a TMX file (the root element must be <tmx>). "
                            f"Export it again from your translation tool (TMX 1.4).") from None
    return {unit.source: unit.target for unit in store.units if unit.source and unit.target}


def write_tmx(path: Path, pairs: dict[str, str]) -> None:
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage="fr", targetlanguage="en")
    for source, target in sorted(pairs.items()):
        store.addtranslation(source, "fr", target, "en")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(store))


MACHINE_ORIGIN = "bilingue-machine-translation"  # the alt-trans that keeps the machine's English
APPROVED_STATES = frozenset({"signed-off", "final"})


def reviewed(unit) -> bool:
    """Did the editor approve this XLIFF unit's target?

    Yes when the unit says so (``approved="yes"``, ``state`` signed-off or final), or when
    its target is not the machine's English any more (an edit, whatever state the tool
    wrote); a unit marked ``translated`` counts only when there is no machine English to
    compare with or it differs (a tool that marks every unit translated approves nothing)."""
    target = unit.target
    node = unit.getlanguageNode(lang=None, index=1)
    state = node.get("state") if node is not None else None
    machine = [alt.target for alt in unit.getalttrans(origin=MACHINE_ORIGIN)]
    edited = bool(machine) and target not in machine
    return unit.isapproved() or state in APPROVED_STATES or edited or (state == "translated" and not machine)


def read_xliff(path: Path) -> dict[str, str]:
    """Source -> target of the units of an XLIFF 1.2 file that the editor approved (see
    ``reviewed``); the French must be the source language."""
    from translate.storage.xliff import xlifffile

    try:
        with path.open("rb") as f:
            store = xlifffile(f)
    except OSError as err:
        raise DataFileError(f"{path}: cannot read ({err.strerror})") from None
    except (etree.XMLSyntaxError, ValueError, StopIteration) as err:
        raise DataFileError(f"{path}: not a readable XLIFF 1.2 file ({err or 'no <file> element'}). "
                            f"Export it again with `bilingue review --xliff DIR`") from None
    languages = (store.getsourcelanguage() or "", store.gettargetlanguage() or "")
    if not languages[0].lower().startswith("fr") or not languages[1].lower().startswith("en"):
        raise DataFileError(f"{path}: source-language {languages[0]!r}, target-language {languages[1]!r}: "
                            f"expected French to English (fr -> en)")
    return {unit.source: unit.target for unit in store.units if unit.source and unit.target and reviewed(unit)}


def read_reviewed(path: Path) -> dict[str, str]:
    """The approved translations in a file an editor sends back: XLIFF (.xlf, .xliff) or TMX."""
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    if path.suffix.lower() in (".xlf", ".xliff"):
        pairs = read_xliff(path)
        hint = ('mark the units you reviewed as approved (approved="yes", state signed-off or final) '
                'or edit their target')
    else:
        pairs = read_tmx(path)
        hint = "it holds no fr -> en translation unit"
    if not pairs:
        raise DataFileError(f"{path}: no approved translations to import: {hint}")
    return pairs
