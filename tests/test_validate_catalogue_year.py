"""A 科目 catalogue per year (issue 20 item 6): the publication year selects the edition; a profile
(catalogue-<year>.yaml) or an input (catalogue:) adds or renames codes; the tables' 科目 names and the
名词解释 come from that same edition."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import edited_clean
from generator import catalogue
from generator.checks import check
from generator.facts.compute import compute
from generator.input.load import load
from generator.pipeline import run

OLD_2080506 = "反映机关事业单位实施养老保险制度由单位实际缴纳的职业年金支出。"
NEW_2080506 = "反映机关事业单位实施养老保险制度由单位实际缴纳的职业年金支出（含职业年金补记支出）。"


def with_code(year: int, code: str = "2060499"):
    """The clean fixture in `year`, with 1.00 of basic spending moved from 2010301 to `code` and 2080506."""
    def edit(data):
        data["unit"]["year"] = year
        for table, column in (("income", "fiscal"), ("expenditure", "basic"), ("gpb", "basic")):
            rows = data["tables"][table]["rows"]
            rows[0][column] = 78.00
            rows += [{"code": code, column: 1.00}, {"code": "2080506", column: 1.00}]
        data["budget"]["gpb_items"]["2010301"] = 76.00
        data["budget"]["gpb_items"][code] = 1.00
        data["budget"]["gpb_items"]["2080506"] = 1.00
        data["prior"]["gpb_classes"] = {}
    return edit


def write(tmp_path: Path, edit, extra: dict | None = None) -> Path:
    return edited_clean(tmp_path, edit, extra)


def errors(folder: Path):
    loaded = load(folder)
    return [f for f in check(loaded, compute(loaded.unit)) if f.severity == "错误"]


@pytest.mark.parametrize("year, name, explanation", [(2023, "技术与开发", OLD_2080506), (2020, "技术与开发", OLD_2080506),
                                                    (2024, "技术研究与开发", NEW_2080506),
                                                    (2025, "技术研究与开发", NEW_2080506)])
def test_the_year_selects_the_edition(year, name, explanation):
    edition = catalogue.build(year)
    assert edition.year == year and edition.functional_name("20604") == name
    assert edition.functional("2080506")["explanation"] == explanation


def test_codes_of_one_edition_only():
    assert catalogue.build(2025).functional("2170404")["name"] == "中央金融机构注资特别国债支出"
    assert catalogue.build(2024).functional("2170404") is None
    assert catalogue.build(2024).functional("22006") is not None and catalogue.build(2023).functional("22006") is None
    assert catalogue.build(2019).year == 2020 and catalogue.build(2031).year == 2025


def test_a_code_of_a_later_edition_is_an_error_in_an_earlier_year(tmp_path):
    def edit(data):
        with_code(2024, "2170404")(data)
    hits = [f for f in errors(write(tmp_path, edit)) if f.rule == "catalogue"]
    assert hits and "2170404 不在 2024 年政府收支分类科目（2024年版）中" in hits[0].message
    assert hits[0].path == "tables.income.rows.5.code" and hits[0].line is not None


def test_a_2023_name_typed_in_a_2024_input_is_an_error(tmp_path):
    def edit(data):
        with_code(2024)(data)
        data["tables"]["gpb"]["rows"][-2]["name"] = "其他技术与开发支出"
    hit = next(f for f in errors(write(tmp_path, edit)) if f.rule == "code_name")
    assert "“其他技术与开发支出”与 2024 年科目目录的名称“其他技术研究与开发支出”不同" in hit.message
    assert hit.path == "tables.gpb.rows.4.name"


def test_a_2023_publication_prints_2023_names_and_explanations(tmp_path):
    """The issue's case: 款 20604 and 2080506's explanation in a 2023 publication, nothing overridden."""
    folder = write(tmp_path, with_code(2023))
    assert errors(folder) == []
    html = run(folder, formats=()).html
    assert "技术与开发" in html and "技术研究与开发" not in html
    assert "其他技术与开发支出" in html
    assert OLD_2080506 in html and "含职业年金补记支出" not in html


def test_profile_and_input_change_files(tmp_path):
    """A profile renames a code for 2023 in catalogue-2023.yaml; the input's own block wins over it."""
    profile = tmp_path / "my-profile"
    profile.mkdir()
    (profile / "profile.yaml").write_text("name: my-profile\nextends: shandong-2024\n", encoding="utf-8")
    (profile / "catalogue-2023.yaml").write_text(
        'names: {"2060499": 其他科技研发支出}\nexplanations: {"2060499": 反映其他科技研发支出。}\n', encoding="utf-8")
    folder = write(tmp_path, with_code(2023))
    data = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    data["unit"]["profile"] = "../my-profile"
    (folder / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run(folder, formats=())
    assert not [f for f in result.findings if f.severity == "错误"]
    assert "其他科技研发支出" in result.html and "反映其他科技研发支出。" in result.html
    (folder / "catalogue.yaml").write_text('catalogue:\n  names: {"2060499": 本地科技支出}\n', encoding="utf-8")
    assert "本地科技支出" in run(folder, formats=()).html


def test_a_bad_profile_change_file_is_an_error_naming_it(tmp_path):
    profile = tmp_path / "my-profile"
    profile.mkdir()
    (profile / "profile.yaml").write_text("name: my-profile\nextends: shandong-2024\n", encoding="utf-8")
    (profile / "catalogue-2023.yaml").write_text("added: 新科目\nrenamed: {}\n", encoding="utf-8")
    folder = write(tmp_path, with_code(2023))
    data = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    data["unit"]["profile"] = "../my-profile"
    (folder / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    hits = [f for f in errors(folder) if f.rule == "catalogue"]
    messages = " / ".join(f.message for f in hits)
    assert "catalogue-2023.yaml" in messages and "未知的键“renamed”" in messages and "added 应为" in messages
