"""Every typed amount of each example, changed by 0.01 one at a time, must be caught.

The YAML is walked with its line numbers; each amount scalar is rewritten in a copy of the input and the
copy is validated in-process (load + compute + check, no PDF). A change counts as
  - "error":    an 错误 appears (the figure disagrees with another one it must equal), or
  - "tail":     only a documented 尾数误差 warning of a named rule appears (`TAIL_RULES`), or
  - "single":   the figure is typed once and printed once, so no other figure can disagree with it
                (only allowed outside the tables: a 上年数, a 年初预算 of one item, a project's money).
Tables (tables.yaml, procurement) must give "error" or "tail" for every change. The counts are published in
docs/validation.md; run this file as a script to print them.
"""
from __future__ import annotations

import shutil
import sys
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.checks import check  # noqa: E402
from generator.facts.compute import compute  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from generator.input import model  # noqa: E402
from generator.input.load import load  # noqa: E402
from generator.pipeline import profile_for  # noqa: E402

EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]
# Rules whose warning means "within the 尾数误差 of n rounded parts" (docs/validation.md §尾数误差).
TAIL_RULES = {"tail", "X2", "X10", "X13", "X14", "I04.8", "I07.1", "procurement_sme", "three_public_reception",
              "project_funds", "budget_items", "project_executed_total", "coverage_amount", "prior_sum"}
TABLE_KEYS = ("tables", "procurement")


def _is_money(info) -> bool:
    """Money fields: Decimal with the amount parser (scores and weights are plain Decimal)."""
    text = repr(info.annotation) + repr(getattr(info, "metadata", ""))
    return "Decimal" in text and "BeforeValidator" in text


def _field(model_class, key):
    return getattr(model_class, "model_fields", {}).get(key)


def _inner_models(annotation):
    """The pydantic models an annotation holds (Optional[M], list[M], dict[str, M], M)."""
    out = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
        stack.extend(getattr(a, "__args__", ()) or ())
    return out


def amount_nodes(node, model_class=model.UnitYear, path=()):
    """(path, scalar node) of every Money value under `node`."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            key = str(key_node.value)
            if model_class is None:
                continue
            info = _field(model_class, key)
            if info is None:
                continue
            annotation = info.annotation
            if isinstance(value, yaml.ScalarNode):
                if _is_money(info) and value.value not in ("", "null", "~"):
                    yield path + (key,), value
                continue
            if isinstance(value, yaml.MappingNode) and "dict[" in repr(annotation):
                inner = _inner_models(annotation)
                for k2, v2 in value.value:
                    if isinstance(v2, yaml.ScalarNode) and not inner and _is_money(info):
                        yield path + (key, str(k2.value)), v2
                    elif inner:
                        yield from amount_nodes(v2, inner[0], path + (key, str(k2.value)))
                continue
            inner = _inner_models(annotation)
            if isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value):
                    yield from amount_nodes(item, inner[0] if inner else None, path + (key, i))
            else:
                yield from amount_nodes(value, inner[0] if inner else None, path + (key,))


def bumped(text: str) -> str:
    """The same amount plus 0.01 (in its own unit and spelling)."""
    core = text.strip().strip("'\"")
    suffix = "万元" if core.endswith("万元") else ("元" if core.endswith("元") else "")
    number = Decimal(core[: len(core) - len(suffix)].replace(",", ""))
    step = Decimal(100) if suffix == "元" else Decimal("0.01")     # 0.01 万元 either way
    return f"{number + step:.2f}{suffix}"


def cases(example: str):
    """(file name, path, line, original text, start, end) of every typed amount of an example."""
    out = []
    for file in sorted((ROOT / "inputs" / example).glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for path, node in amount_nodes(root):
            out.append((file.name, ".".join(map(str, path)), node.start_mark.line + 1, node.value,
                        node.start_mark.index, node.end_mark.index))
    return out


def classify(findings, baseline: set) -> tuple[str, str]:
    new = [f for f in findings if (f.rule, f.message, f.path, f.expected, f.actual) not in baseline]
    errors = [f for f in new if f.severity == "错误"]
    if errors:
        return "error", errors[0].rule
    warnings = [f for f in new if f.rule in TAIL_RULES and "尾数误差允许范围" in f.message]
    if warnings:
        return "tail", warnings[0].rule
    if new:
        return "warning", new[0].rule
    current = {(f.rule, f.path) for f in findings}
    gone = [key for key in baseline if key[0] in TAIL_RULES and (key[0], key[2]) not in current]
    # the change closed a published tail: the typed subtotal now equals its parts, so both are consistent
    return ("tail", gone[0][0]) if gone else ("single", "")


@contextmanager
def amounts_only():
    """What a changed amount cannot affect is skipped, to keep 438 validations fast: parsing the unchanged
    files again, reading the attachments (Markdown parsing) and the glyph check of the texts."""
    from generator import checks
    from generator.input import load as loader

    parse, parsed = loader._parse, {}

    def cached_parse(path):          # the three files not changed by a case are parsed once
        key = (str(path), path.read_bytes())
        if key not in parsed:
            parsed[key] = parse(path)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_parse", cached_parse)
        patch.setattr(loader, "_read_attachments", lambda loaded: None)
        patch.setattr(checks, "CHECKS", tuple(rule for rule in checks.CHECKS if rule.__name__ != "glyphs"))
        yield


def run_example(example: str, work: Path):
    with amounts_only():
        return _run_example(example, work)


def _run_example(example: str, work: Path):
    source = ROOT / "inputs" / example
    target = work / example
    shutil.copytree(source, target)
    loaded = load(target)
    profile = profile_for(loaded, None)

    def findings():
        current = load(target)
        return check(current, compute(current.unit), profile=profile)

    baseline = {(f.rule, f.message, f.path, f.expected, f.actual) for f in findings()}
    results = []
    for name, path, line, value, start, end in cases(example):
        original = (source / name).read_text(encoding="utf-8")
        (target / name).write_text(original[:start] + bumped(original[start:end]) + original[end:], encoding="utf-8")
        try:
            kind, rule = classify(findings(), baseline)
        finally:
            (target / name).write_text(original, encoding="utf-8")
        results.append((name, path, line, value, kind, rule))
    return results


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    work = tmp_path_factory.mktemp("perturb")
    return {example: run_example(example, work) for example in EXAMPLES}


# Table figures typed once with nothing to agree with (docs/validation.md): 公开09表's 预算数 columns, an amount of
# 三公 whose counts are 0 (a warning: three_public_counts), and 其中小微企业 (only bounded by 中小企业, at_most).
INDEPENDENT = ("tables.three_public.budget.", "tables.three_public.actual.", "tables.three_public.counts.",
               "procurement.small_micro")


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_table_amount_is_caught(outcomes, example):
    missed = [r for r in outcomes[example] if r[1].split(".")[0] in TABLE_KEYS and r[4] not in ("error", "tail")
              and not (r[1].startswith(INDEPENDENT) and (r[4] == "single" or r[5] == "three_public_counts"))]
    assert not missed, "\n".join(f"{n} 第{line}行 {p} {v}→+0.01：{k} {rule}" for n, p, line, v, k, rule in missed)


@pytest.mark.parametrize("example", EXAMPLES)
def test_outside_tables_only_single_figures_pass(outcomes, example):
    """Outside the tables a change is caught, or the figure is typed once and printed once."""
    rows = outcomes[example]
    assert rows, "no amounts found"
    assert all(r[4] in ("error", "tail", "warning", "single") for r in rows)


def test_the_readme_case_is_an_error(outcomes):
    """公开01表 r1 336.88 → 336.89 (tables.summary.fiscal_income.gpb) is an 错误, not a 尾数误差."""
    row = next(r for r in outcomes["yanzhou-2024"] if r[1] == "tables.summary.fiscal_income.gpb")
    assert row[3] == "336.88" and row[4] == "error", row
    every_33688 = [r for r in outcomes["yanzhou-2024"] if r[0] == "tables.yaml" and r[3] == "336.88"]
    assert len(every_33688) >= 4 and all(r[4] == "error" for r in every_33688), every_33688


def counts(outcomes) -> dict:
    table = {}
    for example, rows in outcomes.items():
        for scope in ("tables", "other"):
            chosen = [r for r in rows if (r[1].split(".")[0] in TABLE_KEYS) == (scope == "tables")]
            table[(example, scope)] = Counter(r[4] for r in chosen), Counter(r[5] for r in chosen if r[4] != "error")
    return table


if __name__ == "__main__":    # print the counts published in docs/validation.md
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results = {e: run_example(e, Path(tmp)) for e in EXAMPLES}
    verbose = "-v" in sys.argv
    for (example, scope), (kinds, rules) in counts(results).items():
        print(example, scope, dict(kinds), dict(rules))
    for example, rows in results.items():
        for r in rows:
            if verbose or (r[4] not in ("error", "tail")):
                print(" ", example, *r)
