"""N synthetic, valid and varied units for the batch bench, from the examples in inputs/ (fixed seed).

Each unit is one example (its 项 rows, projects and narrative) with
- a new unit name (city, district, office drawn from lists; everywhere the example's name appears),
- every money figure — tables, last year's figures, the budget, procurement, project funds — multiplied by
  the same whole factor k, so every sum still adds up exactly (a typed total's rounding tail grows with k:
  only the factors with which `juesuan validate` finds no errors in that example are used),
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
FACTORS = (1, 2, 3, 4)
CITIES = ("青州", "临清", "曲阜", "寿光", "龙口", "滕州", "乐陵", "邹城", "荣成", "肥城", "新泰", "诸城")
DISTRICTS = ("东城", "西湖", "南山", "北关", "河东", "岱岳", "兰陵", "高新", "经开", "滨海")
OFFICES = ("政务服务中心", "档案馆", "机关事务服务中心", "大数据中心", "社会治理服务中心", "融媒体中心",
           "公共资源交易中心", "退役军人服务中心", "综合行政执法大队", "统计调查队")
SUFFIXES = ("（一期）", "（二期）", "（续建）", "（提升）", "（专项）")
# where the money lies, per file: (path prefix, keys below it that are not money)
MONEY = {"tables.yaml": [(("tables",), {"counts"})],
         "narrative.yaml": [(("prior",), set()), (("budget",), set()), (("procurement",), set()),
                            (("office_running",), set()), (("assets",), {"vehicles"})],
         "performance.yaml": [(("performance", "projects"), {"indicators"}),
                              (("performance", "coverage_amount"), set())]}


class DecimalLoader(yaml.SafeLoader):
    """Figures as Decimal, so scaling them is exact."""


DecimalLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))
yaml.SafeDumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float", format(value, "f")))


def _scale(node, factor: int, skip: set, key: str = ""):
    if key in skip:
        return node
    if isinstance(node, dict):
        if "funds" in node and "indicators" in node:            # a project: only its funds are money
            return {**node, "funds": _scale(node["funds"], factor, skip)}
        return {k: _scale(v, factor, skip, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_scale(v, factor, skip) for v in node]
    if isinstance(node, bool) or not isinstance(node, (int, Decimal)):
        return node
    return node * factor


def scaled(name: str, data: dict, factor: int) -> dict:
    for prefix, skip in MONEY.get(name, []):
        parent = data
        for part in prefix[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and prefix[-1] in parent:
            parent[prefix[-1]] = _scale(parent[prefix[-1]], factor, skip)
    return data


def project_names(example: Path) -> list[str]:
    data = yaml.load((example / "performance.yaml").read_text(encoding="utf-8"), DecimalLoader) or {}
    return [p["name"] for p in (data.get("performance") or {}).get("projects", []) if p.get("name")]


def write_unit(example: Path, target: Path, factor: int, rng: random.Random) -> None:
    loaded = {f.name: yaml.load(f.read_text(encoding="utf-8"), DecimalLoader) for f in sorted(example.glob("*.yaml"))}
    old_name = loaded["unit.yaml"]["unit"]["name"]
    new_name = f"{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}区{rng.choice(OFFICES)}"
    suffix = rng.choice(SUFFIXES)
    renames = [(old_name, new_name)] + [(p, p + suffix) for p in project_names(example)]
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(example, target, ignore=shutil.ignore_patterns("*.yaml"))
    for name, data in loaded.items():
        text = yaml.safe_dump(scaled(name, data, factor), allow_unicode=True, sort_keys=False, width=200)
        for old, new in renames:
            text = text.replace(old, new)
        (target / name).write_text(text, encoding="utf-8")


def errors_in(unit: Path) -> list[str]:
    from generator.checks import check
    from generator.facts.compute import compute
    from generator.input.load import load

    loaded = load(unit)
    facts = compute(loaded.unit, loaded.prior.unit if loaded.prior else None)
    return [str(f) for f in check(loaded, facts) if f.severity == "错误"]


def usable_factors(scratch: Path) -> dict[str, list[int]]:
    """For each example, the factors with which its scaled copy has no validation errors."""
    found = {}
    for example in EXAMPLES:
        found[example] = []
        for factor in FACTORS:
            unit = scratch / f"probe-{example}-{factor}"
            write_unit(ROOT / "inputs" / example, unit, factor, random.Random(0))
            if not errors_in(unit):
                found[example].append(factor)
            shutil.rmtree(unit)
    return found


def make(count: int, outdir: Path, seed: int = 7, check: bool = False) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    factors = usable_factors(outdir)
    rng = random.Random(seed)
    written = []
    for index in range(count):
        example = EXAMPLES[index % len(EXAMPLES)]
        factor = rng.choice(factors[example] or [1])
        target = outdir / f"u{index:04d}-{example.split('-')[0]}-x{factor}"
        write_unit(ROOT / "inputs" / example, target, factor, rng)
        if check and (problems := errors_in(target)):
            raise SystemExit(f"{target}：校验错误\n" + "\n".join(problems[:5]))
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
