"""Installing an Argos Translate fr->en package: from a local ``.argosmodel`` file
(validated, extracted safely) or, when online, through argostranslate's package index."""
from __future__ import annotations

import json
import shutil
import socket
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from .engines import ArgosEngine, EngineError, argos_packages_dir, find_argos_package

REQUIRED = ("metadata.json", "sentencepiece.model", "model/model.bin")
# Argos packages are mostly already-compressed weights (a ratio near 1); a real one unpacks
# to a few hundred MB. Anything far beyond is refused before a byte is written.
MAX_RATIO = 20
MAX_UNPACKED = 4 * 1024**3


class PackageError(EngineError):
    """A package file that cannot be installed; nothing was changed (exit 2)."""


def validate_archive(path: Path) -> str:
    """The single top-level folder of a well-formed package; raises on anything unsafe."""
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path}: not an .argosmodel (zip) file")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for name in names:
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or "\\" in name:
                raise PackageError(f"{path}: unsafe path {name!r} in archive; refusing to install")
        tops = {PurePosixPath(n).parts[0] for n in names}
        if len(tops) != 1 or any("/" not in n.rstrip("/") and not n.endswith("/") for n in names):
            raise PackageError(f"{path}: files must all sit in one top-level folder (found {sorted(tops)[:5]})")
        top = tops.pop()
        missing = [r for r in REQUIRED if f"{top}/{r}" not in names]
        if missing:
            raise PackageError(f"{path}: not an Argos translation package, missing {', '.join(missing)}")
        check_unpacked_size(path, archive)
        meta = read_metadata(path, archive.read(f"{top}/metadata.json"))
        if (meta.get("from_code"), meta.get("to_code")) != ("fr", "en"):
            raise PackageError(f"{path}: translates {meta.get('from_code')}->{meta.get('to_code')}, not fr->en")
    return top


def check_unpacked_size(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an archive that would unpack to far more than it weighs (a zip bomb). The sizes
    come from the archive's directory; zipfile never extracts more than a member declares."""
    unpacked = sum(info.file_size for info in archive.infolist())
    weight = max(path.stat().st_size, 1)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * weight:
        raise PackageError(f"{path}: would unpack to {unpacked / 1024**2:.0f} MB from {weight / 1024**2:.1f} MB "
                          f"(at most {MAX_RATIO}x and {MAX_UNPACKED // 1024**3} GB); not an Argos package, "
                          f"refusing to install")


def read_metadata(path: Path, data: bytes) -> dict:
    try:
        meta = json.loads(data)
    except (UnicodeDecodeError, ValueError) as err:
        raise PackageError(f"{path}: metadata.json is not valid JSON ({err}); not a usable Argos package, "
                          f"download it again") from None
    if not isinstance(meta, dict):
        raise PackageError(f"{path}: metadata.json must be a JSON object, not {type(meta).__name__}; "
                          f"not a usable Argos package, download it again")
    return meta


def check_loads(package: Path, archive: Path) -> None:
    """Load the extracted package the way the build will, before it replaces anything."""
    try:
        ArgosEngine(package, threads=1).translate_batch(["Bonjour."])
    except (EngineError, OSError, RuntimeError, ValueError) as err:
        raise PackageError(f"{archive}: the package does not load ({err}); refusing to install") from None


def install_file(path: Path, packages: Path | None = None) -> Path:
    """Validate, extract into a temporary folder, check that it loads, then move it in place."""
    packages = packages or argos_packages_dir()
    top = validate_archive(path)
    packages.mkdir(parents=True, exist_ok=True)
    target = packages / top
    with tempfile.TemporaryDirectory(dir=packages, prefix=".install-") as tmp, zipfile.ZipFile(path) as archive:
        needed = sum(info.file_size for info in archive.infolist())
        free = shutil.disk_usage(tmp).free
        if needed > free:
            raise EngineError(f"{path}: needs {needed / 1024**2:.0f} MB in {packages}, only {free / 1024**2:.0f} MB free")
        archive.extractall(tmp)
        check_loads(Path(tmp) / top, path)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(Path(tmp) / top), str(target))
    return target


def install_online() -> Path:
    """argospm's way: refresh the package index, download the fr->en package, install it."""
    from argostranslate import package, settings

    offline = EngineError(
        "cannot reach the Argos package index. Download translate-fr_en-*.argosmodel on a connected "
        "machine, then run: ARGOS_MODEL=/path/to/file.argosmodel make models")
    # update_package_index() logs and swallows network errors, so its result is checked here.
    package.update_package_index()
    if not settings.local_package_index.exists():
        raise offline
    available = [p for p in package.get_available_packages() if (p.from_code, p.to_code) == ("fr", "en")]
    if not available:
        raise EngineError("the Argos package index lists no fr->en package")
    try:
        download = Path(available[0].download())
    except Exception as err:  # argostranslate raises a bare Exception when a download fails
        raise offline from err
    return install_file(download)


def install(model: Path | None) -> Path:
    return install_file(model) if model else install_online()


OFFLINE = ("bilingue: the Argos package index is not reachable, so the book is translated with Apertium. "
           "For neural translation, download translate-fr_en-*.argosmodel and run: "
           "ARGOS_MODEL=/path/to/file.argosmodel make models")


def install_if_reachable(timeout: float) -> str:
    """What `make book` runs first: install the Argos fr->en package when argostranslate's
    index answers within ``timeout`` seconds (each network wait is bounded by it). Never
    fails: the line returned says which engine the build will use and why."""
    from argostranslate import settings

    if (installed := find_argos_package()) is not None:
        return f"bilingue: Argos fr->en package found in {installed}; the book is translated with it"
    socket.setdefaulttimeout(timeout)  # argostranslate's downloads set none
    try:
        urllib.request.urlopen(settings.remote_package_index, timeout=timeout).close()
    except (OSError, ValueError):
        return OFFLINE
    try:
        path = install(None)
    except EngineError as err:
        return f"bilingue: could not install the Argos fr->en package ({err}); the book is translated with Apertium"
    return f"bilingue: installed the Argos fr->en package in {path}; the book is translated with it"


if __name__ == "__main__":
    print(install_if_reachable(float(sys.argv[1]) if len(sys.argv) > 1 else 20))
