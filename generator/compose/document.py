"""Stage 5: profile + Jinja2 templates → ONE semantic HTML document (the single source of content).

Templates run in a SandboxedEnvironment with autoescaping: input text is always data, never template
code, and a province's template cannot reach Python internals.
"""
from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from decimal import Decimal
from typing import Any

from jinja2 import pass_context, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .. import catalogue
from ..profile import numfmt
from ..facts.compute import CLASS_CODES, Facts
from .markdown import to_html
from .sandbox import bounded_environment, guard_filters
from ..input.money import ZERO
from ..facts.narrative import Narrative
from ..profile import Profile, ProfileError, check_wording, fill


@dataclass
class Entry:
    """One line of the 目录 and one bookmark: the body heading is rendered from the same title."""
    anchor: str
    title: str
    children: list["Entry"] = field(default_factory=list)


def _words(profile: Profile, facts: Facts) -> dict[str, Any]:
    unit = facts.unit
    return {"year": unit.year, "prior_year": unit.year - 1, "name": unit.name, "entity": unit.entity,
            "S": unit.scope, "TS": facts.table_scope, "level": unit.level}


def _wording(profile: Profile, facts: Facts) -> dict[str, str]:
    """The profile's wording strings with the input's `wording:` overrides applied."""
    return {**profile.settings.get("words", {}), **facts.data.wording}


def cover_title(profile: Profile, facts: Facts) -> str:
    return facts.unit.cover_title or fill(profile.settings["cover"]["title"], **_words(profile, facts))


def document_title(profile: Profile, facts: Facts) -> str:
    """The cover's title and lines in one string: the PDF title and the output file name."""
    slots = _words(profile, facts)
    return cover_title(profile, facts) + "".join(fill(line, **slots) for line in profile.settings["cover"]["lines"])


def build_outline(profile: Profile, facts: Facts, attachments: list["Attachment"]) -> list[Entry]:
    s = profile.settings
    slots = _words(profile, facts)
    parts = s["parts"]
    overview = Entry("part-overview", fill(parts["overview"], **slots), [
        Entry("overview-duties", fill(s["overview_items"]["duties"], **slots)),
        Entry("overview-organization", fill(s["overview_items"]["organization"], **slots))])
    marker = _wording(profile, facts)["marker_tables"]
    tables = Entry("part-tables", fill(parts["tables"], **slots), [
        Entry(f"table-{t['role']}", fill(marker, n=i, cn=numfmt.chinese_number(i)) + fill(t["title"], **slots))
        for i, t in enumerate(s["tables"], 1)])
    sections = Entry("part-narrative", fill(parts["narrative"], **slots), [
        Entry(f"section-{sec['id']}", fill(sec["title"], **slots)) for sec in s["sections"]])
    glossary = Entry("part-glossary", fill(parts["glossary"], **slots))
    attachments = Entry("part-attachments", fill(parts["attachments"], **slots),
                        [item.entry for item in attachments])
    return [overview, tables, sections, glossary, attachments]


@dataclass
class Attachment:
    kind: str            # summary | projects | report | markdown | pdf
    entry: Entry
    body: str = ""       # Markdown text for reports and markdown attachments
    source: object = None


def _split_title(markdown: str) -> tuple[str | None, str]:
    """A report's leading "# 标题" becomes its 目录 entry; the rest is its body."""
    lines = markdown.lstrip("\ufeff").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("# "):
        return lines[0][2:].strip(), "\n".join(lines[1:])
    return None, "\n".join(lines)


def attachment_items(profile: Profile, facts: Facts, narrative: Narrative, documents: dict[str, str]
                     ) -> list[Attachment]:
    """第五部分's items in order: self-evaluation summary, project tables, key reports, other attachments."""
    words = _wording(profile, facts)
    slots = _words(profile, facts)
    items: list[Attachment] = []
    if narrative.projects and profile.settings.get("performance", {}).get("summary_table", True):
        items.append(Attachment("summary", Entry("attachment-summary", fill(words["att_summary"], **slots))))
    if any(p.source.publish_table for p in narrative.projects):
            items.append(Attachment("projects", Entry("attachment-projects", fill(words["att_projects"], **slots))))
    for i, key in enumerate(facts.data.performance.key_evaluations, 1):
        if key.report and key.report in documents:
            title, body = _split_title(documents[key.report])
            title = title or fill(words["att_report"], project=key.project, **slots)
            items.append(Attachment("report", Entry(f"attachment-report-{i}", title), body, key))
    for i, extra in enumerate(facts.data.attachments, 1):
        kind = "markdown" if extra.markdown else "pdf"
        body = documents.get(extra.markdown, "") if extra.markdown else ""
        items.append(Attachment(kind, Entry(f"attachment-extra-{i}", extra.title), _split_title(body)[1], extra))
    return items


def environment(profile: Profile) -> SandboxedEnvironment:
    env = bounded_environment(profile, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=False)
    fmt = profile.settings.get("number_format", {})
    env.filters.update({
        "cell": lambda v: numfmt.table_cell(v, fmt),
        "amt": lambda v: numfmt.amount(v, fmt),
        "pct": lambda v: numfmt.percent(v, fmt),
        "score": numfmt.score,
        "cn": numfmt.chinese_number,
        "markdown": lambda text, shift=0: Markup(to_html(text, shift)),
        "economic_name": catalogue.economic_name,
        "exact": numfmt.exact,
    })
    guard_filters(env)
    return env


def compose(facts: Facts, narrative: Narrative, profile: Profile, draft: bool = True,
            findings: list | None = None, documents: dict[str, str] | None = None,
            input_dir: Path | None = None, charts: dict | None = None) -> str:
    """The publication as one HTML document; `charts` as the charts stage drew them (none when None)."""
    unit = facts.unit
    slots = _words(profile, facts)
    check_wording(profile, facts.data.wording, "输入的 wording")
    wording = _wording(profile, facts)

    @pass_context
    def words(context, key: str, **extra: Any) -> str:
        """A wording string with its {slots} filled. Inside a 第三部分 section (the template variable
        `section`), "<section>.<key>" is tried first, so a profile can word one section differently."""
        section = context.get("section")
        pattern = wording.get(f"{section}.{key}") if section else None
        if pattern is None:
            pattern = wording.get(key)
        if pattern is None:
            raise ProfileError(f"版式中缺少措辞“{key}”")
        if any(isinstance(v, Markup) for v in extra.values()):    # a draft placeholder keeps its markup
            return Markup(fill(str(escape(pattern)), **{**slots, **{k: escape(v) for k, v in extra.items()}}))
        return fill(pattern, **{**slots, **extra})

    @pass_context
    def number(context, level: str, n: int) -> str:
        """A list marker (1、 （一） …): the word marker_<level>, which a section may word differently."""
        return words(context, f"marker_{level}", n=n, cn=numfmt.chinese_number(n))

    attachments = attachment_items(profile, facts, narrative, documents or {})
    charts = charts or {}
    outline = build_outline(profile, facts, attachments)
    publish = unit.publish_date or _default_publish_date(unit.year)
    title = document_title(profile, facts)
    context = {"unit": unit, "facts": facts, "narrative": narrative, "settings": profile.settings,
               # the one-letter names of earlier releases, for a province's own copied templates
               "u": unit, "f": facts, "n": narrative, "P": profile.settings, "S": unit.scope,
               "TS": facts.table_scope, "outline": outline, "title": title, "number": number,
               "headers": (profile.settings.get("labels") or {}).get("headers") or {},
               "labels": profile.settings.get("labels") or {},
               "gaps": (profile.settings.get("labels") or {}).get("gaps") or {},
               "cover_title": cover_title(profile, facts), "words": words,
               "fill": lambda pattern, **kw: fill(pattern, **{**slots, **kw}), "draft": draft,
               "findings": findings or [], "slots": slots, "u_overview": facts.data.overview,
               "classes": [(code, fill(wording["marker_table_rows"], n=i, cn=numfmt.chinese_number(i))
                            + catalogue.functional_name(code)) for i, code in enumerate(CLASS_CODES, 1)],
               "basic_detail_grid": basic_detail_grid(profile.settings, facts),
               "glossary": glossary(profile.settings, facts, slots, wording["item_name"]),
               "attachments": attachments,
               "charts": charts, "data_uri": _data_uri,
               "flagged": flagged_cells(facts, [f for f in findings or [] if f.severity == "错误"]) if draft else set(),
               "flag": _sentence_flag([f.path for f in findings or [] if f.severity == "错误"] if draft else []),
               "where": lambda file: _relative(file, input_dir),
               "publish_date": publish.isoformat(),
               "publish_date_text": fill(profile.settings["cover"]["date"], year=publish.year,
                                         month=publish.month, day=publish.day)}
    env = environment(profile)
    try:
        return env.get_template("document.html.j2").render(context)
    except TemplateSyntaxError as exc:
        raise ProfileError(f"模板语法错误：{exc.message}", exc.filename or exc.name, exc.lineno) from None
    except TemplateError as exc:
        raise ProfileError(f"模板错误：{exc}") from None


def _relative(file: str, root: Path | None) -> str:
    """A finding's file as the user knows it inside the input directory (no machine paths in the PDF)."""
    path = Path(file)
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return path.name


def _data_uri(data: bytes | str, mime: str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _default_publish_date(year: int) -> dt.date:
    return dt.date(year + 1, 1, 1)


@dataclass
class GridCell:
    code: str
    name: str
    amount: Decimal
    na: bool


@dataclass
class Grid:
    groups: int
    rows: list[list[GridCell | None]]


def basic_detail_grid(settings: dict, facts: Facts) -> Grid:
    """公开06表 codes poured into side-by-side column groups, each read top-down (tables.md §2.6)."""
    layout = settings["table_layout"]
    codes = [str(c) for c in layout["basic_detail_codes"]]
    not_applicable = {str(g) for g in layout.get("basic_detail_na", [])}
    columns: list[list[str]] = []
    for spec in layout["basic_detail_columns"]:
        column: list[str] = []
        for item in spec:  # an int group code brings its items; a quoted code is one line
            column.extend([c for c in codes if c[:3] == str(item)] if isinstance(item, int) else [str(item)])
        columns.append(column)
    depth = max((len(c) for c in columns), default=0)
    amounts = facts.basic.amounts

    def cell(code: str) -> GridCell:
        return GridCell(code, catalogue.economic_name(code), amounts.get(code, ZERO), code[:3] in not_applicable)

    rows = [[cell(col[r]) if r < len(col) else None for col in columns] for r in range(depth)]
    return Grid(len(columns), rows)


@dataclass
class GlossaryItem:
    number: int
    term: str
    text: str


def glossary(settings: dict, facts: Facts, slots: dict, item_name: str) -> list[GlossaryItem]:
    """Standard terms from the profile, then one entry per 项 with spending (GPB first, then GF, SOE), named
    by the word `item_name`."""
    items = [GlossaryItem(0, fill(t["term"], **slots), fill(t["text"], **slots))
             for t in settings.get("glossary", [])]
    items += [GlossaryItem(0, e.term, e.text) for e in facts.data.glossary.extra]
    if settings.get("glossary_codes", True):
        overrides = facts.data.glossary.codes
        seen: list[str] = []
        for table in (facts.gpb, facts.gf, facts.soe, facts.expenditure):
            seen += [line.code for line in table.at_level(3) if line.code not in seen]
        for code in seen:
            text = overrides.get(code) or (catalogue.functional(code) or {}).get("explanation")
            if not text:
                continue
            names = [catalogue.functional_name(code[:3]), catalogue.functional_name(code[:5]),
                     catalogue.functional_name(code)]
            term = fill(item_name, class_name=names[0], kind_name=names[1], item_name=names[2])
            items.append(GlossaryItem(0, term, text))
    for number, item in enumerate(items, 1):
        item.number = number
    return items


def _sentence_flag(paths: list[str]):
    """flag("budget.", "prior.total") → ' flagged' when an error concerns one of those inputs (drafts only)."""
    def flag(*prefixes: str) -> str:
        return " flagged" if any(p.startswith(prefix) for p in paths for prefix in prefixes) else ""
    return flag


def flagged_cells(facts: Facts, findings: list) -> set[tuple[str, str, str]]:
    """(table, code, column) of every table cell a finding points at, so a draft can mark it.

    A finding's path names the input field (tables.income.rows.3.fiscal); the printed cell is found
    through that row's code. The 合计 row has the code ""."""
    cells: set[tuple[str, str, str]] = set()
    for finding in findings:
        parts = (getattr(finding, "path", "") or "").split(".")
        if len(parts) < 4 or parts[0] != "tables":
            continue
        table = getattr(facts.data.tables, parts[1], None)
        if parts[2] == "total":
            cells.add((parts[1], "", parts[3]))
        elif parts[2] == "rows" and parts[3].isdigit() and table is not None:
            rows = getattr(table, "rows", [])
            index = int(parts[3])
            if index < len(rows):
                cells.add((parts[1], rows[index].code, parts[4] if len(parts) > 4 else "total"))
    return cells
