"""Word-level differences between two versions of a text, and the repair rules behind each.

Both the text diffs and the review pages show a change as whole words removed and added
(``[-l'avenir-]{+l’avenir+}``), found by difflib on word, space and punctuation tokens.
A change of spaces only is shown exactly, without its neighbours, so an added narrow
no-break space stays visible (see ``marks``).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import Block, Change
from .marks import SPACE_MARK, visible

TOKEN = re.compile(r"\w+|\s|[^\w\s]")


@dataclass(frozen=True)
class WordEdit:
    """``old[a1:a2]`` became ``new[b1:b2]``."""

    a1: int
    a2: int
    b1: int
    b2: int


def offsets(tokens: list[str]) -> list[int]:
    """Start offset of each token, plus the end of the text."""
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def word_edits(old: str, new: str) -> list[WordEdit]:
    """The changes from ``old`` to ``new``, each widened to whole words unless it changes
    only spaces.

    >>> old, new = "pour l'avenir de  IA", "pour l’avenir de IA"
    >>> [(old[e.a1:e.a2], new[e.b1:e.b2]) for e in word_edits(old, new)]
    [("l'avenir", 'l’avenir'), (' ', '')]
    """
    a_tokens, b_tokens = TOKEN.findall(old), TOKEN.findall(new)
    a_at, b_at = offsets(a_tokens), offsets(b_tokens)
    matcher = difflib.SequenceMatcher(None, a_tokens, b_tokens, autojunk=False)
    edits: list[WordEdit] = []
    equal_before = 0  # characters of unchanged text before the current opcode
    opcodes = matcher.get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            equal_before = a_at[i2] - a_at[i1]
            continue
        equal_after = 0
        if n + 1 < len(opcodes) and opcodes[n + 1][0] == "equal":
            _, k1, k2, _, _ = opcodes[n + 1]
            equal_after = a_at[k2] - a_at[k1]
        edit = widen(old, new, WordEdit(a_at[i1], a_at[i2], b_at[j1], b_at[j2]), equal_before, equal_after)
        if edits and edit.a1 <= edits[-1].a2:
            last = edits.pop()
            edit = WordEdit(last.a1, max(last.a2, edit.a2), last.b1, max(last.b2, edit.b2))
        edits.append(edit)
        equal_before = 0
    return edits


def widen(old: str, new: str, edit: WordEdit, room_left: int, room_right: int) -> WordEdit:
    """Grow an edit over the unchanged characters around it up to the nearest spaces
    (the unchanged text is the same on both sides, so both spans grow alike); an edit
    that starts or ends with a space does not grow on that side."""
    pieces = [p for p in (old[edit.a1 : edit.a2], new[edit.b1 : edit.b2]) if p]
    left = 0
    if not any(p[0].isspace() for p in pieces):
        while left < room_left and not old[edit.a1 - left - 1].isspace():
            left += 1
    right = 0
    if not any(p[-1].isspace() for p in pieces):
        while right < room_right and not old[edit.a2 + right].isspace():
            right += 1
    return WordEdit(edit.a1 - left, edit.a2 + right, edit.b1 - left, edit.b2 + right)


def shown(text: str) -> str:
    """A removed or added piece as the diff prints it: spaces that are the whole change
    get a mark, invisible characters always do."""
    return SPACE_MARK[0] * len(text) if text and set(text) == {" "} else visible(text)


def marked(old: str, new: str, edit: WordEdit) -> str:
    """``[-removed-]{+added+}``, as ``git diff --word-diff`` writes it."""
    removed, added = old[edit.a1 : edit.a2], new[edit.b1 : edit.b2]
    return (f"[-{shown(removed)}-]" if removed else "") + (f"{{+{shown(added)}+}}" if added else "")


def context_left(text: str, end: int, width: int) -> str:
    """Up to ``width`` characters before ``end``, cut at a space, with ⋯ where cut."""
    if end <= width:
        return visible(text[:end])
    cut = text.find(" ", end - width, end)
    return "⋯" + visible(text[cut if cut >= 0 else end - width : end])


def context_right(text: str, start: int, width: int) -> str:
    if len(text) - start <= width:
        return visible(text[start:])
    cut = text.rfind(" ", start, start + width)
    return visible(text[start : cut if cut > start else start + width]) + "⋯"


def groups(edits: list[WordEdit], width: int) -> list[list[WordEdit]]:
    """Edits close enough to be read together (less than two contexts apart)."""
    out: list[list[WordEdit]] = []
    for edit in edits:
        if out and edit.b1 - out[-1][-1].b2 <= 2 * width:
            out[-1].append(edit)
        else:
            out.append([edit])
    return out


def render_group(old: str, new: str, group: list[WordEdit], width: int) -> str:
    """One line of a word diff: the edits of ``group`` in their unchanged context."""
    parts = [context_left(new, group[0].b1, width)]
    for n, edit in enumerate(group):
        if n:
            parts.append(visible(new[group[n - 1].b2 : edit.b1]))
        parts.append(marked(old, new, edit))
    parts.append(context_right(new, group[-1].b2, width))
    return "".join(parts)


# --- which rule made which change ---------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where in the cleaned text some repairs ended up: ``clean[start:end]``."""

    start: int
    end: int
    changes: tuple[Change, ...]


def locate_changes(block: Block) -> list[Located] | None:
    """Replay the block's changes on its raw text to find where each one ended up in the
    cleaned text; None when the replay does not give the cleaned text (then a change can
    only be attributed to its block).

    Each rule's changes are recorded left to right as (words before, words after); a
    later change that touches an earlier one's words takes it over."""
    text, located = block.raw, []
    cursor, rule = 0, None
    for change in block.changes:
        if change.rule != rule:
            cursor, rule = 0, change.rule
        at = text.find(change.before, cursor) if change.before else -1
        if at < 0:
            return None
        end = at + len(change.before)
        if not change.after and not text[:at].strip():  # a removed prefix takes the spaces around it
            at, end = 0, end + len(text[end:]) - len(text[end:].lstrip())
        delta = len(change.after) - (end - at)
        touched = [l for l in located if overlaps(l.start, l.end, at, end)]
        located = [l if l.end <= at else Located(l.start + delta, l.end + delta, l.changes)
                   for l in located if l not in touched]
        located.append(Located(at, at + len(change.after), tuple(c for l in touched for c in l.changes) + (change,)))
        text = text[:at] + change.after + text[end:]
        cursor = at + len(change.after)
    return sorted(located, key=lambda l: l.start) if text == block.clean else None


def overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    """Two spans share a character, or an empty one sits inside or at the edge of the other."""
    if s1 == e1 or s2 == e2:
        return s1 <= e2 and s2 <= e1
    return s1 < e2 and s2 < e1


def changes_at(located: list[Located] | None, block: Block, start: int, end: int) -> list[Change]:
    """The changes behind ``clean[start:end]``: every change of the block when they
    could not be located."""
    if located is None:
        return list(block.changes)
    return [c for l in located if overlaps(l.start, l.end, start, end) for c in l.changes]


def rule_ids(changes: list[Change]) -> list[str]:
    return list(dict.fromkeys(c.rule for c in changes))
