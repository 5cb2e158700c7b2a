"""N synthetic, valid and varied units for the batch bench, from the examples in inputs/ (fixed seed).

Each unit is one example (its 项 rows, projects and narrative) with
- a new unit name (city, district, office drawn from lists; everywhere the example's name appears),
- a random amount more basic expenditure in one 项 (its rows, the totals above it in every table, 基本工资
  in 公开06表: `grown`), and last year's figures moved by another amount (`prior_moved`), so every sum
  still adds up; a figure the checks still find off (none so far) is set to what they expect (`repair`),
- its projects renamed (a suffix per unit), in every file that names them.

    .venv/bin/python bench/make_units.py 200 /tmp/units [--seed 7] [--check]

--check validates every unit written (in-process, as `juesuan validate` does) and fails on any error.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024")
CITIES = ("青州", "临清", "曲阜", "寿光", "龙口", "滕州", "乐陵", "邹城", "荣成", "肥城", "新泰", "诸城")
DISTRICTS = ("东城", "西湖", "南山", "北关", "河东", "岱岳", "兰陵", "高新", "经开", "滨海")
OFFICES = ("政务服务中心", "档案馆", "机关事务服务中心", "大数据中心", "社会治理服务中心", "融媒体中心",
           "公共资源交易中心", "退役军人服务中心", "综合行政执法大队", "统计调查队")
SUFFIXES = ("（一期）", "（二期）", "（续建）", "（提升）", "（专项）")
class DecimalLoader(yaml.SafeLoader):
    """Figures as Decimal, so scaling them is exact."""


DecimalLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))
yaml.SafeDumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float", format(value, "f")))


def grown(tables: dict, amount: Decimal) -> dict:
    """`amount` more basic expenditure paid from the general budget, in one 项: its row, its 款 and 类 rows and
    the total row in 公开02/03/05表, 基本工资 and 人员经费合计 in 公开06表, and every total of 公开01/04表 that
    contains it. Every figure on the way moves by the same amount, so the example's rounding tails stay as
    they were and every sum the checks make still holds."""
    rows = {name: (tables.get(name) or {}).get("rows") or [] for name in ("income", "expenditure", "gpb")}
    codes = [str(r.get("code")) for r in rows["expenditure"] if len(str(r.get("code", ""))) == 7 and r.get("basic")]
    code = next((c for c in codes if any(str(r.get("code")) == c and r.get("fiscal") for r in rows["income"])
                 and any(str(r.get("code")) == c for r in rows["gpb"])), None)
    detail = (tables.get("basic_detail") or {}).get("items") or {}
    if code is None or "30101" not in detail:
        return tables

    def add(block: dict, *fields: str) -> None:
        for field in fields:
            if block.get(field) is not None:      # a figure left out is derived from the others
                block[field] += amount

    for name, fields in (("income", ("total", "fiscal")), ("expenditure", ("total", "basic")),
                         ("gpb", ("total", "basic"))):
        for row in rows[name]:
            if code.startswith(str(row.get("code"))):
                add(row, *fields)
        if isinstance(tables[name].get("total"), dict):
            add(tables[name]["total"], *fields)
    detail["30101"] += amount
    if detail.get("301") is not None:
        detail["301"] += amount
    add(tables["basic_detail"], "personnel_total")
    summary = tables.get("summary") or {}
    for field in ("income_total", "expenditure_total", "grand_total", "fiscal_grand_total"):
        if isinstance(summary.get(field), (int, Decimal)):
            add(summary, field)
    if isinstance(summary.get("fiscal_income"), dict):
        add(summary["fiscal_income"], "gpb")
    return tables


def project_names(example: Path) -> list[str]:
    data = yaml.load((example / "performance.yaml").read_text(encoding="utf-8"), DecimalLoader) or {}
    return [p["name"] for p in (data.get("performance") or {}).get("projects", []) if p.get("name")]


def prior_moved(narrative: dict, amount: Decimal) -> dict:
    """Last year's fiscal income, basic expenditure and their totals, all moved by `amount`."""
    prior = narrative.get("prior")
    if not isinstance(prior, dict):
        return narrative
    for block, field in ((prior, "total"), (prior.get("income"), "fiscal"), (prior.get("expenditure"), "basic"),
                         (prior, "fiscal_total"), (prior, "gpb_expenditure")):
        if isinstance(block, dict) and isinstance(block.get(field), (int, Decimal)) and block[field]:
            block[field] = max(Decimal(0), block[field] + amount)
    return narrative


def write_unit(example: Path, target: Path, rng: random.Random, amount: Decimal, prior: Decimal) -> None:
    loaded = {f.name: yaml.load(f.read_text(encoding="utf-8"), DecimalLoader) for f in sorted(example.glob("*.yaml"))}
    old_name = loaded["unit.yaml"]["unit"]["name"]
    new_name = f"{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}区{rng.choice(OFFICES)}"
    suffix = rng.choice(SUFFIXES)
    renames = [(old_name, new_name)] + [(p, p + suffix) for p in project_names(example)]
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(example, target, ignore=shutil.ignore_patterns("*.yaml"))
    for attachment in sorted(target.rglob("*"), reverse=True):     # a report named after its project
        renamed = attachment.name
        for old, new in renames:
            renamed = renamed.replace(old, new)
        if renamed != attachment.name:
            attachment.rename(attachment.with_name(renamed))
    grown(loaded["tables.yaml"]["tables"], amount)
    prior_moved(loaded["narrative.yaml"], prior)
    for name, data in loaded.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
        for old, new in renames:
            text = text.replace(old, new)
        (target / name).write_text(text, encoding="utf-8")


def findings_in(unit: Path) -> list:
    from generator.checks import check
    from generator.facts.compute import compute
    from generator.input.load import load

    loaded = load(unit)
    facts = compute(loaded.unit, loaded.prior.unit if loaded.prior else None)
    return [f for f in check(loaded, facts) if f.severity == "错误"]


def errors_in(unit: Path) -> list[str]:
    return [str(f) for f in findings_in(unit)]


def _set(data, path: str, value: Decimal) -> bool:
    parts = [int(p) if p.isdigit() and (p == "0" or not p.startswith("0")) and len(p) < 6 else p
             for p in path.split(".")]
    node = data
    for part in parts[:-1]:
        try:
            node = node[part] if not isinstance(node, dict) else node.get(part, node.get(str(part)))
        except (IndexError, TypeError):
            return False
        if node is None:
            return False
    last = parts[-1]
    if isinstance(node, dict):
        last = last if last in node else str(last)
        if last not in node:
            return False
    elif not isinstance(node, list) or not isinstance(last, int) or last >= len(node):
        return False
    current = node[last]
    if isinstance(current, bool) or not isinstance(current, (int, Decimal)) or current == value:
        return False                 # only a typed figure is corrected, never a block
    node[last] = value
    return True


def repair(unit: Path, rounds: int = 8) -> bool:
    """Set each figure the checks find wrong to the one they expect; True when no error is left."""
    for _ in range(rounds):
        findings = findings_in(unit)
        if not findings:
            return True
        files: dict[Path, dict] = {}
        changed = False
        for finding in findings:
            if finding.expected is None or not finding.path or not finding.file:
                continue
            file = Path(finding.file)
            if file not in files:
                files[file] = yaml.load(file.read_text(encoding="utf-8"), DecimalLoader)
            try:
                expected = Decimal(str(finding.expected).replace(",", ""))
            except ArithmeticError:
                continue
            changed |= _set(files[file], finding.path, expected)
        if not changed:
            return False
        for file, data in files.items():
            file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    return not findings_in(unit)


def make(count: int, outdir: Path, seed: int = 7, check: bool = False) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    for index in range(count):
        example = EXAMPLES[index % len(EXAMPLES)]
        amount = Decimal(rng.randint(0, 50_000)) / 100                  # 0–500 万元
        prior = Decimal(rng.randint(-3_000, 3_000)) / 100               # ±30 万元
        target = outdir / f"u{index:04d}-{example.split('-')[0]}"
        write_unit(ROOT / "inputs" / example, target, rng, amount, prior)
        if not repair(target) and check:
            raise SystemExit(f"{target}：校验错误\n" + "\n".join(errors_in(target)[:5]))
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    units = make(args.count, args.outdir, args.seed, args.check)
    print(f"{len(units)} units in {args.outdir}")


if __name__ == "__main__":
    main()
