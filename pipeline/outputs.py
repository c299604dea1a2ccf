"""Publishing the output folder whole or not at all.

Each build writes a complete new version beside the old one, under ``<out>/.builds/``
(the same filesystem, so nothing is copied), syncs it to disk, and then switches the
``<out>/.current`` link to it with one ``rename``: a reader, a crash or a full disk sees
either the previous book or the new one, never a mix. The documented paths are fixed
links into the current version::

    <out>/html -> .current/html            <out>/review -> .current/review
    <out>/bilingue.epub -> .current/bilingue.epub
    <out>/report.json -> .current/report.json
    <out>/.current -> .builds/<version>

Each version lists the files the build wrote in ``manifest.json``; any other file found
under ``html/`` or ``review/`` is the user's and is carried into the next version (never
deleted). One build at a time holds ``<out>/.lock``; versions that no link points to
(a build killed while writing) are removed by the next build.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("bilingue")

PUBLISHED = ("html", "bilingue.epub", "review", "report.json")  # the documented paths under --out
USER_FOLDERS = ("html", "review")  # where a user may keep files of their own
BUILDS = ".builds"
CURRENT = ".current"
LOCK = ".lock"
MANIFEST = "manifest.json"
# What the versions before .builds/ wrote straight under --out, to tell it from a user's file.
LEGACY_OWNED = re.compile(r"^(html/[^/]+\.html|review/[^/]+\.clean\.diff|review/report\.md)$")
LEGACY_STAGING = re.compile(r"^\.staging-[a-z0-9_]{8}$")


class OutputError(Exception):
    """``--out`` cannot be used as given; the message names it and what to do (exit 2)."""


class PublishError(Exception):
    """Writing the new version failed (disk full, I/O error); the previous book is intact (exit 1)."""


def check_output_dir(out: Path) -> None:
    """Refuse an ``--out`` that cannot be written, before any stage runs; creates nothing.

    >>> check_output_dir(Path("/dev/null/output"))
    Traceback (most recent call last):
    ...
    pipeline.outputs.OutputError: --out /dev/null/output: /dev/null is not a folder. Give --out a folder you can write to.
    """
    try:
        existing = next(p for p in (out, *out.parents) if p.exists() or p.is_symlink())
    except (ValueError, OSError) as err:
        raise OutputError(f"--out {out!s}: not a usable path ({err}). Give --out a folder you can write to.") from None
    if not existing.is_dir():
        what = "is not a folder" if existing.exists() else "is a broken link"
        raise OutputError(f"--out {out}: {existing} {what}. Give --out a folder you can write to.")
    try:
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as err:
        raise OutputError(f"--out {out}: cannot write in {existing} ({err.strerror}). "
                          f"Give --out a folder you can write to.") from None
    for name in PUBLISHED:
        path = out / name
        if path.exists() and not path.is_symlink() and path.is_dir() != (name in USER_FOLDERS):
            what = "a file where the build puts a folder" if name in USER_FOLDERS else "a folder where the build puts a file"
            raise OutputError(f"--out {out}: {path} is {what}. Move it away, then build again.")


_held: dict[Path, int] = {}  # locks this process holds, with their depth, so nested use does not deadlock


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold ``<out>/.lock`` (fcntl.flock): a second build into the same folder waits for the first."""
    out.mkdir(parents=True, exist_ok=True)
    key = out.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    with open(out / LOCK, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            log.warning("another build is writing %s (%s); waiting for it to finish (Ctrl-C to stop)", out, holder)
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}\n")
        f.flush()
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def removed_if_left_empty(out: Path) -> Iterator[None]:
    """A build that fails before it made anything worth keeping (a published version, a
    translation memory) leaves no ``out`` behind when there was none: bad input writes nothing."""
    existed = out.exists()
    try:
        yield
    except BaseException:
        if not existed and {p.name for p in out.iterdir()} <= {LOCK, BUILDS} and not any((out / BUILDS).glob("*")):
            shutil.rmtree(out, ignore_errors=True)
        raise


@contextmanager
def publishing(out: Path) -> Iterator[Path]:
    """Yield an empty folder to write the new outputs in; publish it whole when the block ends.

    When the block raises, the folder is removed and ``out`` is left exactly as it was;
    an ``OSError`` (disk full, file too large, I/O error) becomes a one-line ``PublishError``.
    """
    check_output_dir(out)
    try:
        with lock(out):
            remove_stale(out)
            staging = new_version(out)
            try:
                yield staging
                commit(out, staging)
            except BaseException:
                remove(staging)
                raise
    except OSError as err:
        raise PublishError(f"could not write {err.filename or out}: {err.strerror or err}. Nothing was published: "
                           f"{out} still holds the previous book. Free some space (or fix the cause) "
                           f"and build again.") from None


def new_version(out: Path) -> Path:
    """An empty folder for the next version (permissions as the umask says, like any output)."""
    (out / BUILDS).mkdir(exist_ok=True)
    staging = out / BUILDS / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
    staging.mkdir()
    return staging


def current_version(out: Path) -> Path | None:
    link = out / CURRENT
    if not link.is_symlink():
        return None
    target = out / os.readlink(link)
    return target if target.is_dir() else None


def remove_stale(out: Path) -> None:
    """Versions no link points to (a build killed while writing), and the ``.staging-*``
    folders the versions before this scheme left beside ``out``."""
    keep = current_version(out)
    builds = out / BUILDS
    if builds.is_dir():
        for version in builds.iterdir():
            if keep is None or version.name != keep.name:
                log.info("removing an unfinished or replaced build: %s", version)
                remove(version)
    for link in out.glob("*.new"):  # a link a killed build made and had not yet renamed into place
        made = re.fullmatch(r"(.+)\.\d+\.new", link.name)
        if link.is_symlink() and made and made.group(1) in (*PUBLISHED, CURRENT):
            link.unlink()
    parent = out.resolve().parent
    for leftover in parent.glob(".staging-*"):
        if LEGACY_STAGING.match(leftover.name) and leftover.is_dir() and not leftover.is_symlink() \
                and {p.name for p in leftover.iterdir()} <= set(PUBLISHED):
            log.info("removing a staging folder an interrupted build left: %s", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def files_under(root: Path) -> list[str]:
    """Relative POSIX paths of every file (or link) under ``root``, sorted."""
    found = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder).relative_to(root)
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() for name in dirs if (Path(folder) / name).is_symlink()]
    return sorted(found)


def digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def owned_files(version: Path) -> set[str] | None:
    """The files a build wrote in ``version``, as its manifest lists them (None without one)."""
    try:
        return set(json.loads((version / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def user_files(version: Path) -> list[str]:
    """Files under ``html/`` and ``review/`` that no build wrote. Without a manifest (a
    folder written before manifests existed) the names those builds used tell them apart."""
    owned = owned_files(version)
    found = []
    for folder in USER_FOLDERS:
        if (version / folder).is_dir() and not (version / folder).is_symlink():
            found += [f"{folder}/{rel}" for rel in files_under(version / folder)]
    if owned is None:
        return [rel for rel in found if not LEGACY_OWNED.match(rel)]
    return [rel for rel in found if rel not in owned]


def carry_user_files(previous: Path, staging: Path) -> None:
    """Link (or copy) the user's files of the previous version into the new one."""
    for rel in user_files(previous):
        source, target = previous / rel, staging / rel
        if target.exists() or target.is_symlink():
            raise OutputError(f"{source} is your file (no build wrote it), and this build writes a file of the "
                              f"same name. Move or rename it, then build again.")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                fsync_path(path)
        fsync_path(Path(folder))


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(staging: Path) -> None:
    files = {rel: {"size": (staging / rel).stat().st_size, "sha256": digest(staging / rel)}
             for rel in files_under(staging)}
    (staging / MANIFEST).write_text(json.dumps({"files": files}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def published(version: Path) -> list[str]:
    """The top-level outputs a version holds (whatever the configured writers wrote)."""
    return sorted(p.name for p in version.iterdir() if p.name != MANIFEST)


def commit(out: Path, staging: Path) -> None:
    """Make ``staging`` the current version with one rename, then drop the previous one.
    Each top-level output gets a fixed link under ``out``; the link of an output this
    version no longer has (a writer switched off) goes away with the version that had it."""
    if not published(staging):
        raise ValueError(f"publishing {out}: the build wrote nothing")
    previous = current_version(out)
    names = published(staging)
    legacy = [name for name in names if (out / name).exists() and not (out / name).is_symlink()]
    write_manifest(staging)  # before the user's files come in: they are not the build's
    carry_user_files(previous or out, staging)
    fsync_tree(staging)
    for name in names:
        if not (out / name).exists() and not (out / name).is_symlink():
            switch(out / name, Path(CURRENT) / name)
    switch(out / CURRENT, Path(BUILDS) / staging.name)
    # Published: what follows only tidies up, and a failure there must not undo the book.
    try:
        for name in published(previous) if previous is not None else []:
            if name not in names and (out / name).is_symlink():
                (out / name).unlink()
        replace_legacy(out, legacy)
        fsync_path(out)
        if previous is not None:
            remove(previous)
    except OSError as err:
        log.warning("published %s, but could not tidy up (%s); the next build will", out, err)


def switch(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` atomically (a new link renamed over the old one)."""
    temporary = link.with_name(f"{link.name}.{os.getpid()}.new")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def replace_legacy(out: Path, names: list[str]) -> None:
    """Outputs written straight under ``out`` by the versions before this scheme (their
    user files are already carried over) give way to the links into the current version."""
    if not names:
        return
    aside = Path(tempfile.mkdtemp(prefix="legacy-", dir=out / BUILDS))
    for name in names:
        (out / name).rename(aside / name)
        switch(out / name, Path(CURRENT) / name)
    remove(aside)


def intact(out: Path) -> bool:
    """Whether ``out`` holds a whole published version: every documented path leads into
    it and every file its manifest lists is there with the size and digest it was written with."""
    version = current_version(out)
    if version is None or not (version / MANIFEST).is_file():
        return False
    if any(not (out / name).is_symlink() or Path(os.readlink(out / name)) != Path(CURRENT) / name
           for name in published(version)):
        return False
    try:
        files = json.loads((version / MANIFEST).read_text(encoding="utf-8"))["files"]
        return all((version / rel).is_file() and (version / rel).stat().st_size == meta["size"]
                   and digest(version / rel) == meta["sha256"] for rel, meta in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False

