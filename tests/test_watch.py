"""`bilingue watch`: builds, builds again after each change of a source or data file (a
failed build does not stop it), and stops on Ctrl-C. Real builds with Apertium."""
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from lxml import html

from .conftest import ROOT

FINISHED = "watch: build finished"


class Watcher:
    """``bilingue watch`` in a subprocess, its output read line by line."""

    def __init__(self, *args, cwd: Path) -> None:
        # Ctrl-C as a terminal gives it, even when the tests run in a background job (which ignores it)
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "bilingue"), "watch", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()

    def until(self, text: str, timeout: float = 120) -> list[str]:
        """The lines up to the first that holds ``text``."""
        seen = []
        while True:
            try:
                seen.append(self.lines.get(timeout=timeout))
            except queue.Empty:
                self.proc.kill()
                raise AssertionError(f"no line with {text!r} within {timeout} s; got {seen}") from None
            if text in seen[-1]:
                return seen

    def stop(self) -> tuple[int, list[str]]:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=60)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, rest


def english_of(page: Path) -> str:
    return " ".join(" ".join(html.parse(str(page)).xpath('//div[@lang="en"]//text()')).split())


def test_watch_builds_again_after_each_change_and_stops_on_ctrl_c(tmp_path):
    seeds, out, glossary = tmp_path / "seeds", tmp_path / "out", tmp_path / "glossary"
    seeds.mkdir()
    shutil.copytree(ROOT / "glossary", glossary)
    source = seeds / "essai.txt"
    source.write_text("La réforme du rail\n\nLe gouvernement annonce une réforme.\n", encoding="utf-8")
    watcher = Watcher("--seeds", seeds, "--out", out, "--engine", "apertium", "--glossary", glossary / "terms.tsv",
                      "--interval", "0.1", cwd=tmp_path)
    first = watcher.until(FINISHED)
    assert "exit 0" in first[-1] and any(line.startswith("Built ") for line in first)
    assert "village" not in english_of(out / "html" / "essai.html")

    source.write_text(source.read_text(encoding="utf-8") + "\nLe village prépare une fête.\n", encoding="utf-8")
    second = watcher.until(FINISHED)
    assert "exit 0" in second[-1] and "1 translated" in "".join(second)
    assert "village" in english_of(out / "html" / "essai.html")

    (glossary / "terms.tsv").write_text("not a glossary\n", encoding="utf-8")  # a failed build
    third = watcher.until(FINISHED)
    assert "exit 2" in third[-1] and any(line.startswith("error: ") and "terms.tsv" in line for line in third)
    assert "village" in english_of(out / "html" / "essai.html")  # the last good book stays

    code, rest = watcher.stop()
    assert code == 130 and "watch: stopped" in "".join(rest)
