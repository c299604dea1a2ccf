"""Translation memory: a persistent SQLite cache of machine translations, plus the
reviewer-approved translations (TMX) that always win over the machine."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from lxml import etree

from .tsv import DataFileError

SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL
)
"""


def memory_key(source: str, engine: str, model_id: str, glossary_entries: str) -> str:
    """A translation is reusable only for the same source, engine, model and glossary entries."""
    return hashlib.sha256("\x1f".join((source, engine, model_id, glossary_entries)).encode()).hexdigest()


class Memory:
    """Each committed batch is durable: an interrupted build keeps what it finished."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)
        self.db.commit()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT target FROM tm WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put_many(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """(key, source, target, engine, model) rows, written in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?)", rows)

    def entries(self) -> list[tuple[str, str, str, str]]:
        return self.db.execute("SELECT source, target, engine, model FROM tm ORDER BY source").fetchall()

    def close(self) -> None:
        self.db.close()


def read_tmx(path: Path) -> dict[str, str]:
    """Source -> target pairs of a TMX file (translate-toolkit's reader); {} when the file
    does not exist."""
    from translate.storage.tmx import tmxfile

    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            store = tmxfile(f, "fr", "en")
    except (etree.XMLSyntaxError, ValueError) as err:
        raise DataFileError(f"{path}: not a readable TMX file ({err}). Fix the XML, or export it again "
                            f"from your CAT tool as TMX 1.4") from None
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
