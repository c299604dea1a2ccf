"""The EPUB cover, drawn at build time as SVG from book.toml: title, subtitle, edition
and publisher on the cover colours."""
from __future__ import annotations

import textwrap

from lxml import etree
from lxml.builder import ElementMaker

from .view import label

SVG = ElementMaker(namespace="http://www.w3.org/2000/svg", nsmap={None: "http://www.w3.org/2000/svg"})
WIDTH, HEIGHT, MARGIN = 1600, 2560, 140
EDITION_NAMES = {("fr", "en"): "Édition bilingue / Bilingual edition", ("en",): "English edition",
                 ("fr",): "Édition française"}


def text_lines(text: str, size: int, y: int, width: int, **style: str) -> tuple[list, int]:
    """``text`` wrapped to about ``width`` characters a line from baseline ``y``; returns
    the elements and the next free baseline."""
    elements = []
    for line in textwrap.wrap(text, width=width):
        elements.append(SVG.text(line, x=str(MARGIN), y=str(y), style=f"font-size:{size}px", **style))
        y += int(size * 1.2)
    return elements, y


def svg(metadata: dict, langs: tuple[str, ...]) -> str:
    colours = metadata["cover"]
    parts = [SVG.rect(width=str(WIDTH), height=str(HEIGHT), fill=colours["background"])]
    y = 620
    for n, lang in enumerate(langs):
        lines, y = text_lines(metadata["title"][lang], 150 if n == 0 else 110, y, 16 if n == 0 else 22,
                              **({"font-style": "italic"} if n else {}))
        parts += lines
        y += 40
    parts.append(SVG.rect(x=str(MARGIN), y=str(y), width="400", height="8", fill=colours["foreground"]))
    y += 150
    subtitle = " / ".join(metadata["subtitle"][lang] for lang in langs if metadata["subtitle"][lang])
    if subtitle:
        lines, y = text_lines(subtitle, 80, y, 30)
        parts += lines
    parts += text_lines(EDITION_NAMES[langs], 60, HEIGHT - 360, 40)[0]
    if metadata["publisher"]:
        parts += text_lines(metadata["publisher"], 60, HEIGHT - 220, 40)[0]
    root = SVG.svg(SVG.title(label(metadata["title"]["fr"], metadata["title"]["en"], langs)),
                   SVG.g(*parts, fill=colours["foreground"], style="font-family:Georgia,'DejaVu Serif',serif"),
                   width=str(WIDTH), height=str(HEIGHT), viewBox=f"0 0 {WIDTH} {HEIGHT}", version="1.1")
    return etree.tostring(root, encoding="unicode", xml_declaration=False)
