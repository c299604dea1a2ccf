"""Word-level differences between two versions of a text, and the repair rules behind each.

Both the text diffs and the review pages show a change as whole words removed and added
(``[-l'avenir-]{+l’avenir+}``), found by difflib on word, space and punctuation tokens.
A change of spaces only is shown exactly, without its neighbours, so an added narrow
no-break space stays visible (see ``marks``).
"""
from __future__ import annotations

import difflib
import os
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


# --- which rule made which change -----------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of the cleaned text: copied unchanged from the raw text (at ``raw_at``), or
    written by ``changes``."""

    text: str
    raw_at: int | None
    changes: tuple[Change, ...] = ()


@dataclass
class BlockRepairs:
    """A block's repairs as word edits raw -> cleaned, each with the changes behind it."""

    block: Block
    edits: list[WordEdit]
    pieces: list[Piece] | None  # None: the changes could not be replayed

    def changes_at(self, start: int, end: int) -> list[Change]:
        """The changes behind ``clean[start:end]``: every change of the block when they
        could not be replayed."""
        if self.pieces is None:
            return list(self.block.changes)
        out, at = [], 0
        for piece in self.pieces:
            if piece.raw_at is None and overlaps(at, at + len(piece.text), start, end):
                out += piece.changes
            at += len(piece.text)
        return out


def block_repairs(block: Block) -> BlockRepairs:
    pieces = replay(block)
    if pieces is None:
        return BlockRepairs(block, bounded_word_edits(block.raw, block.clean), None)
    return BlockRepairs(block, edits_from_pieces(block.raw, block.clean, pieces), pieces)


def replay(block: Block) -> list[Piece] | None:
    """Replay the block's changes on its raw text, keeping track of what each one wrote;
    None when the replay does not give the cleaned text.

    Each rule's changes are recorded left to right as (words before, words after), so a
    change is found after the previous one of the same rule."""
    text, pieces = block.raw, [Piece(block.raw, 0)]
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
        pieces = replace(pieces, at, end, change)
        text = text[:at] + change.after + text[end:]
        cursor = at + len(change.after)
    return pieces if text == block.clean else None


def replace(pieces: list[Piece], at: int, end: int, change: Change) -> list[Piece]:
    """``pieces`` with text[at:end] replaced by ``change.after``; a written piece the
    change touches is taken into the new piece whole, with its changes."""
    before, touched, after, pos = [], [], [], 0
    for piece in pieces:
        start, stop = pos, pos + len(piece.text)
        pos = stop
        if piece.raw_at is None and overlaps(start, stop, at, end):
            touched.append((start, piece))
        elif stop <= at:
            before.append(piece)
        elif start >= end:
            after.append(piece)
        else:  # an unchanged piece the change cuts: keep its parts outside [at, end)
            if start < at:
                before.append(Piece(piece.text[: at - start], piece.raw_at))
            if stop > end:
                after.append(Piece(piece.text[end - start :], piece.raw_at + end - start))
    written, changes = change.after, ()
    if touched:
        first, last = touched[0], touched[-1]
        head = first[1].text[: max(0, at - first[0])]
        tail = last[1].text[max(0, end - last[0]) :]
        written = head + change.after + tail
        changes = tuple(c for _, p in touched for c in p.changes)
    return [*before, Piece(written, None, (*changes, change)), *after]


def written_regions(raw: str, pieces: list[Piece]) -> list[WordEdit]:
    """Each run of written pieces as the span it replaced in raw and the span it fills in clean."""
    regions: list[WordEdit] = []
    a = b = 0
    for n, piece in enumerate(pieces):
        if piece.raw_at is not None:
            a = piece.raw_at + len(piece.text)
        elif regions and regions[-1].b2 == b and (n == 0 or pieces[n - 1].raw_at is None):
            last = regions.pop()
            regions.append(WordEdit(last.a1, last.a2, last.b1, b + len(piece.text)))
        else:
            following = next((p.raw_at for p in pieces[n + 1 :] if p.raw_at is not None), len(raw))
            regions.append(WordEdit(a, following, b, b + len(piece.text)))
        b += len(piece.text)
    return regions


def edits_from_pieces(raw: str, clean: str, pieces: list[Piece]) -> list[WordEdit]:
    """Word edits from the replay: each written region is diffed word by word with the
    words around it, so the cost grows with the changes, not with the text."""
    regions = written_regions(raw, pieces)
    edits: list[WordEdit] = []
    for n, r in enumerate(regions):
        room_left = r.a1 - (regions[n - 1].a2 if n else 0)
        room_right = (regions[n + 1].a1 if n + 1 < len(regions) else len(raw)) - r.a2
        left = right = 0
        while left < room_left and not raw[r.a1 - left - 1].isspace():
            left += 1
        while right < room_right and not raw[r.a2 + right].isspace():
            right += 1
        a0, b0 = r.a1 - left, r.b1 - left
        edits += [WordEdit(e.a1 + a0, e.a2 + a0, e.b1 + b0, e.b2 + b0)
                  for e in word_edits(raw[a0 : r.a2 + right], clean[b0 : r.b2 + right])]
    return merge(edits)


def merge(edits: list[WordEdit]) -> list[WordEdit]:
    """Edits that overlap or touch become one."""
    out: list[WordEdit] = []
    for edit in sorted(edits, key=lambda e: (e.a1, e.b1)):
        if out and edit.a1 <= out[-1].a2:
            last = out.pop()
            edit = WordEdit(last.a1, max(last.a2, edit.a2), last.b1, max(last.b2, edit.b2))
        out.append(edit)
    return out


LONGEST_DIFF = 20_000  # characters; difflib's time grows with length times changes


def bounded_word_edits(old: str, new: str) -> list[WordEdit]:
    """``word_edits``, or for long texts one edit from the first to the last difference."""
    if len(old) + len(new) <= LONGEST_DIFF:
        return word_edits(old, new)
    if old == new:
        return []
    head = len(os.path.commonprefix([old, new]))
    tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
    return [WordEdit(head, len(old) - tail, head, len(new) - tail)]


def overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    """Two spans share a character, or an empty one sits inside or at the edge of the other."""
    if s1 == e1 or s2 == e2:
        return s1 <= e2 and s2 <= e1
    return s1 < e2 and s2 < e1


def rule_ids(changes: list[Change]) -> list[str]:
    return list(dict.fromkeys(c.rule for c in changes))
