"""Fuzz: mutated example inputs through load → check → compose (HTML); a few of them through the PDF.

Mutations act on the YAML text (lines deleted, duplicated, swapped, re-indented or repeated; numbers and
signs changed; scalars swapped for other types; strings, unicode and template syntax injected; deep
nesting; truncation) and on the parsed structure (values replaced, keys deleted, items duplicated).
Only InputError, ProfileError and BuildError may escape, and every case must finish within its deadline.
derandomize=True: CI runs the same cases every time.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from generator.pipeline import BuildError, run
from generator.checks.rules import RULES
from generator.input.load import InputError, read_tree
from generator.profile import ProfileError

ALLOWED = (InputError, ProfileError, BuildError)
FIXTURE = Path(__file__).parent / "fixtures" / "clean-2024.yaml"
NAMES = ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024", "clean-2024")
COMMON = dict(derandomize=True, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _source(name: str) -> Path:
    return FIXTURE if name == "clean-2024" else INPUTS / name


@pytest.fixture(scope="module", autouse=True)
def same_cases_in_any_suite():
    """Hypothesis also draws literals found in the local modules imported so far, so the cases would depend on
    which test files were collected; without those draws derandomize gives the same cases in every run."""
    from hypothesis.internal.conjecture import providers

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(providers.HypothesisProvider, "_maybe_draw_constant", lambda self, *a, **k: None, raising=False)
        yield


class Work(tuple):
    def __repr__(self) -> str:     # keep Hypothesis' falsifying-example report short
        return "work"


@pytest.fixture(scope="module")
def work():
    """Per example: a copy (text cases overwrite one file and restore it) and a folder for one merged file."""
    root = Path(tempfile.mkdtemp(prefix="juesuan-fuzz-"))
    texts, trees = {}, {}
    for name in NAMES:
        folder = root / name
        if name == "clean-2024":
            folder.mkdir()
            shutil.copy(FIXTURE, folder / "unit.yaml")
        else:
            shutil.copytree(INPUTS / name, folder)
        for file in sorted(folder.glob("*.yaml")):
            texts[(name, file.name)] = file.read_text(encoding="utf-8")
        merged = root / f"{name}-merged"
        shutil.copytree(folder, merged, ignore=shutil.ignore_patterns("*.yaml"))
        trees[name] = read_tree(folder)[0]
    yield Work((root, texts, trees))
    shutil.rmtree(root, ignore_errors=True)


def pipeline(path: Path, formats=("html",)) -> None:
    try:
        result = run(path, formats)
    except ALLOWED:
        return
    assert all(f.rule in RULES and f.severity in ("错误", "警告") for f in result.findings)
    assert isinstance(result.html, str) and all(isinstance(v, bytes) for v in result.outputs.values())


# ---------------------------------------------------------------- text mutations

NUMBERS = ["-1", "0", "-0", "1e400", "9" * 30, "999999999999.99", "1.234", "nan", ".inf", "-.inf", "0x1F", "1_000.5",
           "3.", "１２", "1e-9", "00012", "+5", "1,2,3", "12345.6元", "-5元", "1.5万元", "10000000000000元", "0.001元",
           "-0.00", "2147483648", "-99999999999999999999"]
SCALARS = ["[]", "{}", "null", "~", "true", "no", "'文字'", "[1, 2]", "{a: 1}", "2024-01-01", "2024-13-45",
           "\"<script>alert(1)</script>\"", "!!binary aGVsbG8=", "!!python/object/apply:os.system [ls]", "*nope",
           "&x 5", "|", ">-", "\"\\0\"", "'{{ 7*7 }}'", "\"\\ud800\"", "!!float 1", "!!int x", "? a", "---", "...",
           "'" + "长" * 3000 + "'"]
INJECT = ["{{ 7*7 }}", "{% for x in range(10**9) %}x{% endfor %}", "<img src=\"file:///etc/passwd\">", "\u202e", "𠀀",
          "😀", "\ufeff", "\u3000", "\x00", "\t", "'", "\"", ": ", "- ", "#", "&a", "*a", "%", "@", "`", "\\",
          "本部门", "我单位", "本部门（单位）", "../../etc/passwd", "\u0301", "ａ", "\r\n", "\x7f", "\x1b[31m", "{S}",
          "{year", "]]]]", "}}}"]

index = st.integers(0, 10**6)
amounts = st.integers(0, 10**11).map(lambda c: f"{c // 100}.{c % 100:02d}") | st.sampled_from(["0", "0.01", "1", "100"])
text_op = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("number"), index, amounts | amounts | st.sampled_from(NUMBERS)),
    st.tuples(st.just("sign"), index),
    st.tuples(st.just("scalar"), index, st.sampled_from(SCALARS)),
    st.tuples(st.just("inject"), index, index, st.sampled_from(INJECT) | st.text(min_size=1, max_size=8)),
    st.tuples(st.just("nest"), index, st.sampled_from([50, 99, 101, 300, 3000]), st.sampled_from("[{")),
    st.tuples(st.just("truncate"), index),
    st.tuples(st.just("indent"), index, st.sampled_from([-4, -2, 1, 2, 4])),
    st.tuples(st.just("repeat"), index, st.sampled_from([2, 50, 400])),
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def mutate_text(text: str, ops) -> str:
    lines = text.split("\n")
    for op in ops:
        kind, i = op[0], op[1] % max(1, len(lines))
        line = lines[i] if lines else ""
        if kind == "delete" and lines:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            j = op[2] % max(1, len(lines))
            if lines:
                lines[i], lines[j] = lines[j], lines[i]
        elif kind == "number":
            lines[i] = _NUMBER.sub(op[2], line, count=1) if lines else op[2]
        elif kind == "sign":
            lines[i] = _NUMBER.sub(lambda m: "-" + m.group(0), line, count=1) if lines else "-"
        elif kind in ("scalar", "nest"):
            value = op[2] if kind == "scalar" else op[3] * op[2] + ("]" if op[3] == "[" else "}") * op[2]
            head, sep, _ = line.partition(": ")
            lines[i] = f"{head}{sep}{value}" if sep else f"{line} {value}"
        elif kind == "inject":
            pos = op[2] % (len(line) + 1)
            lines[i] = line[:pos] + op[3] + line[pos:]
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[: op[1] % (len(joined) + 1)].split("\n")
        elif kind == "indent":
            lines[i] = " " * op[2] + line if op[2] > 0 else line[-op[2]:]
        elif kind == "repeat":
            lines[i:i] = [line] * op[2]
    return "\n".join(lines)


def text_cases(names=NAMES):
    files = st.sampled_from(names).flatmap(
        lambda name: st.tuples(st.just(name), st.sampled_from(_FILES[name]), st.lists(text_op, min_size=1, max_size=4)))
    return files


_FILES = {name: [p.name for p in sorted((_source(name).glob("*.yaml") if _source(name).is_dir() else []))]
          or ["unit.yaml"] for name in NAMES}


def apply_text_case(work, case) -> Path:
    root, texts, _ = work
    name, file, ops = case
    folder = root / name
    for (n, f), original in texts.items():   # restore what an earlier case changed
        if n == name:
            (folder / f).write_text(original, encoding="utf-8")
    (folder / file).write_text(mutate_text(texts[(name, file)], ops), encoding="utf-8", errors="surrogatepass")
    return folder


@settings(max_examples=580, deadline=dt.timedelta(seconds=15), **COMMON)   # 15 s: a shared, loaded CI host
@given(case=text_cases())
def test_text_mutations(work, case):
    pipeline(apply_text_case(work, case))


# ---------------------------------------------------------------- structure mutations

values = st.one_of(
    amounts.map(float), st.integers(0, 100), st.sampled_from(["部门", "单位", "优", "差", "事业单位", "2010301", "30101"]),
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(NUMBERS + INJECT), st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.sampled_from(["code", "name", "total", "basic", "x", "2010301", "301"]),
                    st.integers(-5, 5) | st.text(max_size=4), max_size=3),
    st.integers(1, 120).map(lambda n: [] if n < 2 else eval("[" * n + "]" * n)),   # noqa: S307 — literal nesting
)
tree_op = st.tuples(st.sampled_from(["set", "delete", "duplicate", "swap"]), index, index, values)


def _paths(node, prefix=()):
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


def mutate_tree(tree, ops):
    tree = copy.deepcopy(tree)
    for kind, a, b, value in ops:
        paths = [p for p in _paths(tree) if p]
        if not paths:
            break
        path = paths[a % len(paths)]
        parent = tree
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if kind == "set":
            parent[key] = value
        elif kind == "delete":
            del parent[key]
        elif kind == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[f"{key}_"] = copy.deepcopy(parent[key])
        elif kind == "swap":
            other = paths[b % len(paths)]
            if other[:-1] == path[:-1]:
                parent[key], parent[other[-1]] = parent[other[-1]], parent[key]
    return tree


@settings(max_examples=420, deadline=dt.timedelta(seconds=15), **COMMON)
@given(name=st.sampled_from(NAMES), ops=st.lists(tree_op, min_size=1, max_size=3))
def test_structure_mutations(work, name, ops):
    root, _, trees = work
    folder = root / f"{name}-merged"
    text = yaml.safe_dump(mutate_tree(trees[name], ops), allow_unicode=True, sort_keys=False)
    (folder / "all.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    pipeline(folder)


# ---------------------------------------------------------------- the full PDF on a few mutated inputs

@settings(max_examples=10, deadline=dt.timedelta(seconds=60), **COMMON)
@given(case=text_cases(("zaozhuang-2024", "shanxi-2024", "clean-2024")))
def test_mutations_through_pdf(work, case):
    pipeline(apply_text_case(work, case), ("pdf",))


# ---------------------------------------------------------------- every value that validates builds

from decimal import Decimal  # noqa: E402

from generator.input import model  # noqa: E402

MAX_CENTS = int(model.MAX_AMOUNT * 100) - 1
any_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200).filter(str.strip)
odd_titles = st.sampled_from(["..", ".", " . ", "../../x", "a/b\\c", "CON", "\u202e\u0000\x7f", "．．"]) | any_text
wan = st.integers(0, MAX_CENTS).map(lambda c: f"{c // 100}.{c % 100:02d}")
yuan = st.integers(0, MAX_CENTS * 100).map(lambda f: f"{f // 100}.{f % 100:02d}元")
money = st.one_of(st.sampled_from(["0", "0.01"]), wan, yuan)
score = st.integers(0, 10000).map(lambda c: Decimal(c) / 100)
count = st.integers(0, model.MAX_COUNT)
day = st.dates(dt.date(2000, 1, 1), dt.date(2101, 12, 31))


@st.composite
def bounded_inputs(draw):
    """The clean unit-year with values drawn from the schema's own bounds (max lengths, amount ceiling,
    share and score ranges, dates, counts): each one validates, so each must build."""
    data = copy.deepcopy(_CLEAN)
    unit = data["unit"]
    unit["name"] = draw(any_text)
    unit["year"] = draw(st.integers(2001, 2100))
    if draw(st.booleans()):
        unit["cover_title"] = draw(odd_titles)
    if draw(st.booleans()):
        unit["publish_date"] = draw(day).isoformat()
    tables = data["tables"]
    tables["income"]["rows"][0]["fiscal"] = draw(money)
    tables["expenditure"]["rows"][0]["basic"] = draw(money)
    tables["gpb"]["rows"][0]["basic"] = draw(money)
    tables["basic_detail"]["items"]["30101"] = draw(money)
    tables["three_public"]["counts"]["domestic_people"] = draw(count)
    data["assets"]["vehicles"]["law_enforcement"] = draw(count)
    data["procurement"]["goods"] = draw(money)
    performance = data["performance"]
    performance["coverage_share"] = str(draw(score))
    performance["key_evaluations"][0]["score"] = str(draw(score))
    performance["key_evaluations"][0]["amount"] = draw(money)
    for project in performance.get("projects", [])[:1]:
        project["name"] = draw(any_text.map(lambda t: t[:300]))
        for indicator in project.get("indicators", [])[:2]:
            indicator["weight"], indicator["score"] = str(draw(score)), str(draw(score))
    data["prior"]["total"] = draw(money)
    data["reasons"] = {"total": draw(st.text(max_size=300))}
    return data


_CLEAN = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def _build_bounded(tmp_root: Path, data: dict, formats) -> list[Path]:
    from generator.outputs import write_outputs

    folder = Path(tempfile.mkdtemp(dir=tmp_root))
    (folder / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8",
                                      errors="surrogatepass")
    try:
        result = run(folder, formats)
    except (InputError, BuildError) as exc:
        # only what the schema's bounds cannot express (cross-field checks) may refuse; never a value range
        assert "不能大于" not in str(exc) and "过长" not in str(exc) and "过大" not in str(exc), str(exc)
        return []
    written = write_outputs(result, folder / "out")
    assert written and all(p.exists() and len(p.name.encode("utf-8")) <= 200 for p in written)
    assert all(not p.name.startswith(".") for p in (folder / "out").iterdir())
    return written


@settings(max_examples=15, deadline=dt.timedelta(seconds=20), **COMMON)
@given(data=bounded_inputs())
def test_values_within_the_schema_bounds_build(work, data):
    _build_bounded(work[0], data, ("html",))


def test_the_largest_values_the_schema_allows_build_a_pdf(work):
    data = copy.deepcopy(_CLEAN)
    top = f"{MAX_CENTS // 100}.{MAX_CENTS % 100:02d}"
    data["unit"].update(name="测" * 200, publish_date="2101-12-31", year=2100)
    data["tables"]["income"]["rows"][0]["fiscal"] = top
    data["tables"]["basic_detail"]["items"]["30101"] = f"{MAX_CENTS}元"
    data["tables"]["three_public"]["counts"]["domestic_people"] = model.MAX_COUNT
    data["performance"]["coverage_share"] = "100.00"
    data["performance"]["key_evaluations"][0].update(score="0.01", amount=top)
    written = _build_bounded(work[0], data, ("pdf",))
    assert len(written) == 1 and re.fullmatch(r"2100年度测{45}-[0-9a-f]{8}\.pdf", written[0].name), written


@pytest.mark.parametrize("title, stem", [
    ("..", "决算公开"), (" . ", "决算公开"), ("../../etc/x", "_.._etc_x"), (".隐藏", "隐藏"), ("a\x00b:c", "a_b_c"),
    ("决算" * 40, "决算" * 25 + "决-"), ("x" * 300, "x" * 51 + "-")])
def test_output_names_are_safe_and_short(title, stem):
    from generator.outputs import safe_stem

    made = safe_stem(title)
    assert made.startswith(stem) and len(made) <= 60 and len(made.encode("utf-8")) <= 180
    assert not made.startswith(".") and "/" not in made and "\x00" not in made


# ---------------------------------------------------------------- what the loader says about bad values

def _load_text(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "unit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        from generator.input.load import load

        load(folder)
    return str(caught.value)


def test_nul_byte_is_named_with_its_line(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("  scope: 单位", "  scope: 单\x00位")
    line = text[: text.index("\x00")].count("\n") + 1
    assert f"unit.yaml 第{line}行：文件含有不允许的控制字符（U+0000）" in _load_text(tmp_path, text)


def test_a_huge_bad_value_is_not_echoed_in_full(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("gpb_total: 118.00", "gpb_total: '" + "x" * 1_000_000 + "'")
    message = _load_text(tmp_path, text)
    assert "budget.gpb_total" in message and len(message) < 2000 and re.search(r"共 10000\d\d 字符", message)


@pytest.mark.parametrize("change, expected", [
    (("    - {project: 测试项目, amount: 20.00, score: 95, grade: 优}",
      "    - {project: 测试项目, amount: 20.00, score: 95, grade: 优, report: ''}"), "report：不能为空"),
    (('"2010301": 78.00,', '"２０１０３０１": 78.00,'), "科目编码应为半角数字"),
    (("score: 95,", "score: 1E-999999,"), "小数位数过多"),
    (("  year: 2024", "  year: 2024\n  publish_date: 9999-12-31"), "不能大于 2101-12-31"),
    (("gpb_total: 118.00", "gpb_total: " + "9" * 32 + "元"), "金额过大"),
])
def test_values_outside_the_bounds_are_reported(tmp_path, change, expected):
    text = FIXTURE.read_text(encoding="utf-8")
    assert change[0] in text
    assert expected in _load_text(tmp_path, text.replace(change[0], change[1], 1))
