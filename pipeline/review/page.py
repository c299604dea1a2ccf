"""The review pages: for each block the raw French, the cleaned French with every repair
marked in place, and the English with its origin, glossary verdicts, QA flags and
post-edits. Self-contained (inline CSS and script) and built as an lxml tree, so every
piece of text is escaped; invisible characters in the reviewed text are shown as named marks,
and bidi controls or zero-width characters are never written out anywhere on a page."""
from __future__ import annotations

from lxml import etree
from lxml.builder import E

from .. import clean
from ..model import Article, Block, Book, Change, Segment
from .diffs import english_status, source_key
from .marks import LEGEND, mark, runs, visible
from .report import verdicts
from .words import block_repairs, bounded_word_edits, rule_ids

ARTICLE_RULES = {
    "metadata": "a scraped metadata field (date, author…) moved out of the text",
    "boilerplate": "web boilerplate (related links…) removed",
    "blank_lines": "blank lines dropped",
}

CSS = """
body{font-family:system-ui,sans-serif;margin:0;padding:1rem 2rem;color:#222;line-height:1.45}
h1{font-size:1.4rem;margin:.2rem 0}
.label,.where{color:#666;font-size:.8rem}
.filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ccc;z-index:2}
.filters label{margin-right:1.2rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}
table.articles th:first-child{width:40%}
th,td{border-bottom:1px solid #e3e3e3;padding:.4rem .5rem;vertical-align:top;text-align:left}
th.where,td.where{width:4.5rem}
td.raw{color:#555}
.fix{background:#e6f4ea;border-bottom:2px solid #2a7;position:relative;cursor:help;outline:none}
.fix:hover::after,.fix:focus::after{content:attr(data-why);position:absolute;left:0;top:1.4em;z-index:3;
  background:#222;color:#fff;padding:.3rem .5rem;border-radius:3px;font-size:.8rem;white-space:pre-line;width:24rem}
.fix:focus{box-shadow:0 0 0 2px #2a7}
del{color:#b22;background:#fde8e8;margin-right:.15em}
ins{color:#075;text-decoration:none;font-weight:600}
.inv{color:#a0a;font-size:.9em;border:1px dotted #c9c;border-radius:2px;padding:0 1px}
.removed{color:#b22;font-style:italic}
ol.segs{margin:0;padding-left:1.2rem}
li.seg{margin-bottom:.4rem}
.chip{display:inline-block;font-size:.72rem;border-radius:3px;padding:0 .35rem;margin:.1rem .2rem 0 0;border:1px solid #ccc}
.origin-engine{background:#eef3ff}.origin-memory{background:#f3f3f3}.origin-approved{background:#dff5d8;border-color:#4a4}
.status-changed,.status-new{background:#fff2c2;border-color:#d9a400}
.term-ok{color:#2a6}.term-missing,.flag-error{color:#b22;font-weight:600}.flag-warning{color:#a60}.flag-info{color:#557}
.flag-accepted{color:#888;text-decoration:line-through}
ul.notes{margin:.1rem 0;padding-left:1rem;font-size:.8rem}
.postedit{background:#fff2c2}
.finding{color:#a60;font-size:.8rem}
dl.legend{display:grid;grid-template-columns:5rem 1fr;font-size:.8rem;margin:.3rem 0}
dl.legend dt{text-align:center}
"""
# The three filters hide rows and segments; without scripts everything stays visible.
SCRIPT = """
document.addEventListener('DOMContentLoaded',function(){
  var boxes=document.querySelectorAll('input[data-filter]');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.dataset.filter]=b.checked;});
    var bySegment=on.flagged||on.changed;
    document.querySelectorAll('tr.block').forEach(function(row){
      var any=false;
      row.querySelectorAll('li.seg').forEach(function(s){
        var ok=(!on.flagged||s.hasAttribute('data-flagged'))&&(!on.changed||s.hasAttribute('data-changed'));
        s.hidden=!ok;any=any||ok;});
      row.hidden=(on.repaired&&!row.hasAttribute('data-repaired'))||(bySegment&&!any);
    });
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});apply();
});
"""


def rule_description(rule_id: str) -> str:
    rule = next((r for r in clean.RULES if r.id == rule_id), None)
    return rule.description if rule else ARTICLE_RULES.get(rule_id, "")


def why(changes: list[Change]) -> str:
    """What a highlighted repair shows on hover or focus: each rule, its reason, its words."""
    return "\n".join(f"{c.rule}: {rule_description(c.rule)}\n  {visible(c.before)} → {visible(c.after) or '(removed)'}"
                     for c in changes)


def shown(text: str) -> list:
    """Text as page content: each invisible character replaced by a named mark."""
    out: list = []
    for piece, hidden in runs(text):
        if hidden:
            symbol, name = mark(piece)
            out.append(E.span({"class": "inv", "title": name, "aria-label": name}, symbol))
        else:
            out.append(piece)
    return out


def attrs(**flags) -> dict[str, str]:
    """HTML attributes for the flags that are set (``data-x=""`` only when true)."""
    return {name.rstrip("_").replace("_", "-"): "" if value is True else str(value) for name, value in flags.items() if value}


def repaired_text(block: Block) -> list:
    """The cleaned French with each change shown in place as removed and added words,
    its rules and reasons on hover or focus."""
    repairs = block_repairs(block)
    out: list = []
    pos = 0
    for edit in repairs.edits:
        out += shown(block.clean[pos : edit.b1])
        changes = repairs.changes_at(edit.b1, edit.b2)
        removed, added = block.raw[edit.a1 : edit.a2], block.clean[edit.b1 : edit.b2]
        parts = ([E("del", *shown(removed))] if removed else []) + ([E.ins(*shown(added))] if added else [])
        out.append(E.span({"class": "fix", "tabindex": "0", "data-rules": " ".join(rule_ids(changes)),
                           "data-why": why(changes) or "structure"}, *parts))
        pos = edit.b2
    return out + shown(block.clean[pos:])


def english_text(segment: Segment) -> list:
    """The English with each post-edit marked where its result stands."""
    out: list = []
    pos = 0
    for change in sorted(segment.en_changes, key=lambda c: segment.en.find(c.after)):
        at = segment.en.find(change.after, pos) if change.after else -1
        if at < 0:
            continue
        out += shown(segment.en[pos:at])
        out.append(E.span({"class": "postedit", "title": f"{change.rule}: {change.before} → {change.after}"},
                          *shown(change.after)))
        pos = at + len(change.after)
    return out + shown(segment.en[pos:])


def is_flagged(segment: Segment) -> bool:
    """A glossary term not honoured, or a QA flag the editor has not accepted."""
    return not all(verdicts(segment)) or any(not f.accepted for f in segment.flags)


def segment_item(segment: Segment, status: str, previous_en: str | None) -> etree._Element:
    hits = list(zip(segment.terms, verdicts(segment)))
    chips = [E.span({"class": f"chip origin-{segment.origin or 'none'}"},
                    " · ".join(p for p in (segment.origin or "no English", segment.route) if p))]
    if status:
        chips.append(E.span({"class": f"chip status-{status}"},
                            "English changed since the previous build" if status == "changed" else "new French"))
    honoured = [hit for hit, ok in hits if ok]
    notes = [E.li({"class": "term-ok", "title": "; ".join(f"{h.entry.fr} → {h.required}" for h in honoured)},
                  "✓ glossary: " + ", ".join(dict.fromkeys(h.entry.fr for h in honoured)))] if honoured else []
    notes += [E.li({"class": "term-missing"}, f"✗ glossary «{hit.entry.fr}» requires “{hit.required}”")
              for hit, ok in hits if not ok]
    notes += [E.li({"class": f"flag-{'accepted' if f.accepted else f.severity}"},
                   f"⚑ {f.check} ({f.severity}): {f.message}" + (f" — accepted: {f.accepted}" if f.accepted else ""))
              for f in segment.flags]
    notes += [E.li({"class": "postedit"}, f"post-edit {c.rule}: {c.before} → {c.after}") for c in segment.en_changes]
    if status == "changed" and previous_en is not None:
        notes.append(E.li("previous build: ", *previous_english(previous_en, segment.en)))
    return E.li(attrs(class_="seg", id=segment.id, data_flagged=is_flagged(segment), data_changed=status),
                E.span({"lang": "en"}, *english_text(segment)), E.br(), *chips,
                *([E.ul({"class": "notes"}, *notes)] if notes else []))


def previous_english(old: str, new: str) -> list:
    """The previous English with what this build changed struck through and added."""
    out: list = []
    pos = 0
    for edit in bounded_word_edits(old, new):
        out += shown(old[pos : edit.a1])
        if edit.a2 > edit.a1:
            out.append(E("del", *shown(old[edit.a1 : edit.a2])))
        if edit.b2 > edit.b1:
            out.append(E.ins(*shown(new[edit.b1 : edit.b2])))
        pos = edit.a2
    return out + shown(old[pos:])


def block_row(block: Block, findings: list, status: dict[str, str], previous: dict[str, str]) -> etree._Element:
    items = [segment_item(s, status.get(s.id, ""), previous.get(source_key(s.fr))) for s in block.segments]
    notes = [E.div({"class": "finding"}, f"⚑ {f.kind} «", *shown(f.text), f"»: {f.message}") for f in findings]
    return E.tr(attrs(class_=f"block {block.kind}", id=f"line-{block.where.line}", data_repaired=bool(block.changes)),
                E.td({"class": "where"}, f"{block.where.line}", E.br(), E.span({"class": "label"}, block.kind)),
                E.td({"class": "raw", "lang": "fr"}, *shown(block.raw)),
                E.td({"class": "clean", "lang": "fr"}, *repaired_text(block), *notes),
                E.td({"class": "en"}, E.ol({"class": "segs"}, *items)))


def removed_row(change: Change) -> etree._Element:
    return E.tr({"class": "block removed-block", "data-repaired": ""},
                E.td({"class": "where"}, str(change.where.line)),
                E.td({"class": "raw", "lang": "fr"}, *shown(change.before)),
                E.td({"class": "clean"}, E.span({"class": "fix removed", "tabindex": "0", "data-rules": change.rule,
                                                 "data-why": f"{change.rule}: {rule_description(change.rule)}"},
                                                f"removed ({change.rule})")),
                E.td())


def legend() -> etree._Element:
    return E.details(E.summary("Legend"), E.dl({"class": "legend"}, *[
        part for symbol, name in LEGEND for part in (E.dt(E.span({"class": "inv"}, symbol)), E.dd(name))]),
        E.p({"class": "label"}, "Green: a repair (hover or focus it for its rule and reason); ",
            E("del", "removed"), " ", E.ins("added"), ". Origin of the English: engine (and its route), "
            "memory (an earlier build's engine output), approved (a reviewed translation, never overwritten)."))


def filters(rows: list[etree._Element]) -> etree._Element:
    def count(xpath: str) -> int:
        return sum(len(row.xpath(xpath)) for row in rows)

    boxes = [("repaired", f"only repaired blocks ({count('self::tr[@data-repaired]')})"),
             ("flagged", f"only flagged segments ({count('.//li[@data-flagged]')})"),
             ("changed", f"only English changed since the previous build ({count('.//li[@data-changed]')})")]
    return E.form({"class": "filters"}, *[E.label(E.input(type="checkbox", **{"data-filter": name}), " ", text)
                                          for name, text in boxes])


def article_page(article: Article, book: Book, previous: list[list[str]] | None) -> etree._ElementTree:
    status = english_status(article, previous)
    before = {key: en for key, en in previous or []}
    findings: dict[int, list] = {}
    for f in article.findings:
        findings.setdefault(f.where.line, []).append(f)
    rows = sorted([*[(b.where.line, block_row(b, findings.get(b.where.line, []), status, before)) for b in article.blocks],
                   *[(c.where.line, removed_row(c)) for c in article.removed if c.rule != "blank_lines"]],
                  key=lambda pair: pair[0])
    body = [r for _, r in rows]
    header = E.header(E.p(E.a("← all articles", href="index.html")), E.h1({"lang": "fr"}, article.title),
                      E.p({"class": "label"}, f"Source: {article.source.name} · Engine: {book.engine or 'unknown'} · ",
                          E.a("word diff", href=f"{article.slug}.clean.diff"), " · ",
                          E.a("English diff", href=f"{article.slug}.en.diff"), " · ",
                          E.a("changes", href=f"{article.slug}.changes.txt")),
                      *[E.p({"class": "label"}, f"metadata: {k} = {v}") for k, v in sorted(article.metadata.items())],
                      legend(), filters(body))
    table = E.table(E.thead(E.tr(E.th({"class": "where"}, "line"), E.th("raw French"), E.th("cleaned French"),
                                 E.th("English"))), E.tbody(*body))
    return page(f"Review: {article.title}", header, E.main(table))


def index_page(book: Book, previous: dict[str, list[list[str]]] | None) -> etree._ElementTree:
    rows = []
    for article in book.articles:
        status = english_status(article, (previous or {}).get(article.slug) if previous is not None else None)
        segments = article.segments
        flagged = sum(1 for s in segments if is_flagged(s))
        cells = [sum(1 for b in article.blocks if b.changes), sum(len(b.changes) for b in article.blocks),
                 len(article.findings), flagged, sum(1 for v in status.values() if v == "changed"),
                 sum(1 for v in status.values() if v == "new"), sum(1 for s in segments if s.origin == "approved")]
        rows.append(E.tr(E.td(E.a({"lang": "fr"}, article.title, href=f"{article.slug}.html"), E.br(),
                              E.span({"class": "label"}, article.source.name)), *[E.td(str(n)) for n in cells]))
    heads = ["article", "repaired blocks", "repairs", "findings", "flagged segments", "English changed",
             "new French", "approved"]
    stats = [E.li(f"{k}: {v}") for k, v in book.stats.items() if isinstance(v, (str, int, float))]
    header = E.header(E.h1(f"Review: {book.title}"), E.p({"class": "label"}, f"Engine: {book.engine or 'unknown'}"),
                      *([E.ul({"class": "label"}, *stats)] if stats else []),
                      E.p(E.a("report.md", href="report.md"), " — findings, removals and glossary violations as text"))
    table = E.table({"class": "articles"}, E.thead(E.tr(*[E.th(h) for h in heads])), E.tbody(*rows))
    return page(f"Review: {book.title}", header, E.main(table))


def page(title: str, *content) -> etree._ElementTree:
    return etree.ElementTree(E.html({"lang": "en"}, E.head(
        E.meta(charset="utf-8"), E.meta(name="viewport", content="width=device-width, initial-scale=1"),
        E.title(title), E.style(CSS), E.script(SCRIPT)), E.body(*content)))
