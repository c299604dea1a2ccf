"""Small text helpers shared by the stages: whole-word patterns and capitalisation."""
from __future__ import annotations

import re


def whole_word(*phrases: str) -> str:
    """A regex matching any of ``phrases`` as whole words (no letter or digit either side),
    longest first so that ``CEOs`` wins over ``CEO``.

    >>> re.findall(whole_word("IA"), "IA, (IA) mais pas IAS ni MIA")
    ['IA', 'IA']
    """
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return rf"(?<!\w)(?:{alternatives})(?!\w)"


def capitalise(text: str) -> str:
    """First letter upper case, the rest untouched (``str.capitalize`` lowers the rest).

    >>> capitalise("iPhone sales"), capitalise("artificial intelligence")
    ('IPhone sales', 'Artificial intelligence')
    """
    return text[:1].upper() + text[1:]
