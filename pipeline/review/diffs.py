"""Text diffs a reviewer reads in git: raw source -> cleaned French, and the English that
changed since the previous build, word by word, one hunk per change.

The cleaned French keeps the source's lines and blank lines (a block's line holds its
cleaned text, a removed block's line goes), so only real repairs show; each hunk's
header names the rules that made its change.
"""
from __future__ import annotations

import difflib
import hashlib
import json

from ..model import Article, Segment
from .marks import LEGEND, visible
from .words import WordEdit, block_repairs, bounded_word_edits, groups, render_group, rule_ids

CONTEXT = 40  # characters of unchanged text on each side of a change


def quoted(name: str) -> str:
    """A file name safe on one diff header line: quoted as git does when it holds a
    control character, a quote or a backslash (a newline cannot start a new header).

    >>> quoted("a.txt"), quoted('a\\n+++ b.txt')
    ('a.txt', '"a\\\\n+++ b.txt"')
    """
    if any(c < " " or c in '"\\\x7f' for c in name):
        return json.dumps(name)
    return name


def legend(title: str) -> list[str]:
    """Lines before the first header (patch tools skip them): how to read the diff."""
    lines = [f"# {title}", "# [-removed-]{+added+}, as git diff --word-diff; ⋯ marks unchanged text left out;",
             "# each hunk header names the rules behind its change. Invisible characters:"]
    return lines + [f"#   {symbol}  {name}" for symbol, name in LEGEND]


def clean_diff(article: Article) -> str:
    """Raw source -> cleaned French in the source's own layout, one hunk per change."""
    name = quoted(article.source.name)
    out = legend(f"Word diff of the repairs: raw source -> cleaned French ({name})")
    out += [f"--- a/{name}\t(raw source)", f"+++ b/{name}\t(cleaned French)"]
    blocks = {b.where.line: b for b in article.blocks}
    removed = {c.where.line: c for c in article.removed if c.rule != "blank_lines"}
    new_line = 0
    for old_line, line in enumerate(article.raw.splitlines(), start=1):
        block = blocks.get(old_line)
        if block is None and line.strip():
            rule = removed[old_line].rule if old_line in removed else "structure"
            out += [f"@@ -{old_line},1 +{new_line},0 @@ {rule}", f"[-{visible(line)}-]"]
            continue
        new_line += 1
        if block is None:
            continue
        prefix = line[: len(line) - len(block.raw)] if line.endswith(block.raw) else ""
        repairs = block_repairs(block)
        for group in groups(repairs.edits, CONTEXT):
            rules = rule_ids(repairs.changes_at(group[0].b1, group[-1].b2)) or ["structure"]
            in_line = [WordEdit(e.a1 + len(prefix), e.a2 + len(prefix), e.b1 + len(prefix), e.b2 + len(prefix))
                       for e in group]
            out.append(f"@@ -{old_line},1 +{new_line},1 @@ {', '.join(rules)}")
            out.append(render_group(line, prefix + block.clean, in_line, CONTEXT))
    return "\n".join(out) + "\n"


# --- the English since the previous build ---------------------------------------------------


def source_key(french: str) -> str:
    """What identifies a segment from one build to the next: its French."""
    return hashlib.sha256(french.encode()).hexdigest()[:16]


def english_lines(article: Article) -> list[list[str]]:
    """(source key, English) of each segment, in order: what the next build compares with."""
    return [[source_key(s.fr), s.en] for s in article.segments]


def english_status(article: Article, previous: list[list[str]] | None) -> dict[str, str]:
    """Segment id -> "changed" (same French, other English) or "new" (French the previous
    build did not have); nothing for unchanged segments or without a previous build."""
    if previous is None:
        return {}
    before = {key: en for key, en in previous}
    status = {}
    for s in article.segments:
        key = source_key(s.fr)
        if key not in before:
            status[s.id] = "new"
        elif before[key] != s.en:
            status[s.id] = "changed"
    return status


def english_diff(article: Article, previous: list[list[str]] | None) -> str:
    """The English that changed since the previous build, one hunk per segment, segments
    matched by their French."""
    name = quoted(article.source.name)
    out = legend(f"Word diff of the English since the previous build ({name})")
    if previous is None:
        return "\n".join(out + ["# No previous build to compare with."]) + "\n"
    out += [f"--- a/{name}\t(previous English)", f"+++ b/{name}\t(English)"]
    segments = article.segments
    current = english_lines(article)
    matcher = difflib.SequenceMatcher(None, [k for k, _ in previous], [k for k, _ in current], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                old, new = previous[i][1], current[j][1]
                for group in groups(bounded_word_edits(old, new), CONTEXT):
                    out.append(f"@@ -{i + 1},1 +{j + 1},1 @@ {describe(segments[j])}")
                    out.append(render_group(old, new, group, CONTEXT))
            continue
        for i in range(i1, i2):
            out += [f"@@ -{i + 1},1 +{j1},0 @@ French no longer in the article", f"[-{visible(previous[i][1])}-]"]
        for j in range(j1, j2):
            out += [f"@@ -{i1},0 +{j + 1},1 @@ {describe(segments[j])}, new French", f"{{+{visible(current[j][1])}+}}"]
    return "\n".join(out) + "\n"


def describe(segment: Segment) -> str:
    origin = f"{segment.origin} {segment.route}".strip() or "unknown origin"
    return f"{segment.id} {segment.where}: {origin}"


def explain(article: Article) -> list[str]:
    """Every change and finding of the clean stage, one a line, as `bilingue clean --explain`."""
    lines = [f"metadata: {key} = {value}" for key, value in sorted(article.metadata.items())]
    lines += [f"{c.where} [{c.rule}] removed: {c.before}" for c in article.removed]
    lines += [f"{c.where} [{c.rule}] {c.before!r} -> {c.after!r}" for b in article.blocks for c in b.changes]
    lines += [f"{f.where} [flag:{f.kind}] {f.text!r}: {f.message}" for f in article.findings]
    return lines
