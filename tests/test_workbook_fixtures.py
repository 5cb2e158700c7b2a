"""The fixture workbooks' figures (tests/fixtures/workbooks/published.json, the tables as published) are the
seed publications' own: every amount printed in 公开01–09表 is found in the seed's text. So the fixtures
test the importer against the real publications, not against what this tool computes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
PUBLISHED = json.loads((ROOT / "tests" / "fixtures" / "workbooks" / "published.json").read_text(encoding="utf-8"))
SEED_OF = {"yanzhou-2024": "000", "shanxi-2024": "002", "zaozhuang-2024": "004"}
AMOUNT = re.compile(r"\d[\d,]*\.\d\d")


def seed_amounts(example: str) -> set[str]:
    text = next(SEEDS.glob(f"{SEED_OF[example]}_*.txt")).read_text(encoding="utf-8")
    # OCR splits numbers (“4, 275. 70”): read them with the spaces removed as well as as printed
    found = AMOUNT.findall(text) + AMOUNT.findall(re.sub(r"\s+", "", text))
    return {a.replace(",", "") for a in found}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed publications (shared/seeds) are not beside the repository")
@pytest.mark.parametrize("example", sorted(SEED_OF))
def test_every_fixture_amount_is_in_the_published_text(example):
    amounts = seed_amounts(example)
    cells = [(kind, cell) for kind, table in PUBLISHED[example].items() for row in table["rows"] for cell in row
             if re.fullmatch(r"[\d,]+\.\d\d", cell)]
    assert len(cells) > 100
    assert [c for c in cells if c[1].replace(",", "") not in amounts] == []
