"""Characters a reader cannot see, made visible: each gets a mark and a name for the legend.

Typographic spaces keep a one-character mark; every other invisible or control character
(zero-width spaces, bidi controls such as U+202E, byte-order marks…) is written as its
code point, so it can neither hide a change nor reorder the text around it.
"""
from __future__ import annotations

import unicodedata

MARKS = {
    "\u202f": ("⍽", "narrow no-break space (U+202F)"),
    "\u00a0": ("⎵", "no-break space (U+00A0)"),
    "\u00ad": ("¬", "soft hyphen (U+00AD)"),
    "\t": ("→", "tab (U+0009)"),
}
SPACE_MARK = ("·", "a space, where a change is only spaces")
CODE_POINT_NOTE = ("⟨U+…⟩", "any other invisible or control character: zero-width spaces (U+200B…U+200D, "
                             "U+2060, U+FEFF), bidi controls (U+200E, U+200F, U+202A…U+202E, U+2066…U+2069)")
LEGEND = [*MARKS.values(), SPACE_MARK, CODE_POINT_NOTE]


def is_invisible(char: str) -> bool:
    """A character that prints as nothing, or as a space a reader cannot tell from ' '.

    >>> [is_invisible(c) for c in ("a", " ", "\\u202f", "\\u200b", "\\u202e")]
    [False, False, True, True, True]
    """
    if char in " \n":  # a line break is layout, and never inside a diff line
        return False
    return char in MARKS or unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp")


def mark(char: str) -> tuple[str, str]:
    """The visible mark of an invisible character and its name."""
    if char in MARKS:
        return MARKS[char]
    name = unicodedata.name(char, "control character").lower()
    return f"⟨U+{ord(char):04X}⟩", f"{name} (U+{ord(char):04X})"


def runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, invisible) runs; each invisible character is its own run."""
    out: list[tuple[str, bool]] = []
    for char in text:
        if is_invisible(char):
            out.append((char, True))
        elif out and not out[-1][1]:
            out[-1] = (out[-1][0] + char, False)
        else:
            out.append((char, False))
    return out


TYPOGRAPHIC_SPACES = frozenset("\u202f\u00a0")


def visible(text: str, spaces: bool = True) -> str:
    """``text`` with every invisible character replaced by its mark; with ``spaces``
    false, no-break spaces stay as they are (in running text they are only spaces).

    >>> visible("Microsoft\\u202f: 14\\u00a0%\\u200b")
    'Microsoft⍽: 14⎵%⟨U+200B⟩'
    >>> visible("Microsoft\\u202f: 14\\u00a0%\\u200b", spaces=False) == "Microsoft\\u202f: 14\\u00a0%⟨U+200B⟩"
    True
    """
    return "".join(mark(piece)[0] if hidden and (spaces or piece not in TYPOGRAPHIC_SPACES) else piece
                   for piece, hidden in runs(text))
