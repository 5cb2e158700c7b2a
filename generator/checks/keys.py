"""Keys of `reasons`, `texts` and `wording` that no sentence reads: a misspelt key would silently drop the
text, so each is an 错误 with the nearest known key as a suggestion.

The known keys come from the profile itself: every quoted key its templates pass to a sentence (a literal such
as "three_public.abroad", or a prefix such as "gpb.item." ~ code) and every word of its `words:`. A prefix is
completed with the codes this input's tables hold (gpb.item.<项 of 公开05表>, gpb.class.<类> …), so a key
naming a code the tables do not have is reported too.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from ..input.model import ExpenditureByKind, IncomeByKind
from ..profile import word_key_known
from .base import ERROR, Report

_LITERAL = re.compile(r"""["']([a-z][a-z_]*(?:\.[a-z0-9_]+)*)["']""")
_PREFIX = re.compile(r"""["']([a-z][a-z_]*(?:\.[a-z_]+)*\.)["']\s*~""")
# prefixes completed by a column name rather than a code (income.html.j2, expenditure.html.j2)
_COLUMNS = {"income.": tuple(IncomeByKind.model_fields), "expenditure.": tuple(ExpenditureByKind.model_fields)}


@lru_cache(maxsize=16)
def _template_keys(dirs: tuple[str, ...]) -> tuple[frozenset, frozenset]:
    """(literal keys, prefixes) quoted in the profile's templates."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.j2")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):   # the build reports an unreadable template itself
                continue
            prefixes.update(_PREFIX.findall(text))
            literals.update(_LITERAL.findall(text))
    return frozenset(literals), frozenset(prefixes)


def _codes(r: Report, prefix: str) -> list[str]:
    """The codes a prefix can be completed with in this input."""
    f = r.facts
    if prefix.startswith("gf."):
        lines = f.gf.at_level(3)
    elif prefix.startswith("soe."):
        lines = f.soe.at_level(3)
    elif ".class" in prefix:
        lines = f.gpb.at_level(1)
    elif prefix.startswith("basic."):
        return sorted({c[:3] for c in f.basic.amounts})
    else:
        lines = f.gpb.at_level(3)
    return [line.code for line in lines]


def known_keys(r: Report) -> set[str]:
    """Every reasons/texts key a sentence of this profile can read for this input."""
    if r.profile is None:
        return set()
    literals, prefixes = _template_keys(tuple(r.profile.template_dirs()))
    keys = set(literals)
    for prefix in prefixes:
        tails = _COLUMNS.get(prefix) or _codes(r, prefix)
        keys.update(prefix + tail for tail in tails)
    return keys


def _suggest(key: str, candidates) -> str:
    guess = difflib.get_close_matches(key, sorted(candidates), n=1, cutoff=0.6)
    return f"，是否想写“{guess[0]}”？" if guess else ""


def unknown_keys(r: Report) -> None:
    if r.profile is None:
        return
    keys = known_keys(r)
    prefixes = _template_keys(tuple(r.profile.template_dirs()))[1]
    for group, label in (("reasons", "原因"), ("texts", "说明文字")):
        for key in getattr(r.data, group):
            if key in keys:
                continue
            prefix = next((p for p in prefixes if key.startswith(p) and key[len(p):].isdigit()), None)
            if prefix is not None:
                r.add(ERROR, "unknown_key", f"{group} 中的“{key}”：{key[len(prefix):]} 不是本输入中有金额的科目，"
                      f"这段{label}不会印出{_suggest(key, keys)}", f"{group}.{key}", at=(group, key))
            else:
                r.add(ERROR, "unknown_key", f"{group} 中的键“{key}”没有句子使用，这段{label}不会印出"
                      f"{_suggest(key, keys)}（可用的键见 docs/input-format.md）", f"{group}.{key}", at=(group, key))
    typed = {f"reasons.{k}" for k in r.data.reasons} | {f"texts.{k}" for k in r.data.texts}
    for index, key in enumerate(r.data.checked):
        if key not in typed:
            r.add(ERROR, "unknown_key", f"checked 中的“{key}”不是输入中的一段原因或说明文字（应写作 reasons.<键> 或 "
                  f"texts.<键>）{_suggest(key, typed)}", f"checked.{index}")
    words = (r.profile.settings.get("words") or {}) if isinstance(r.profile.settings.get("words"), dict) else {}
    for key in r.data.wording:
        if key not in words and not word_key_known(r.profile, key):   # "<section>.<word>" words one section
            r.add(ERROR, "unknown_key", f"wording 中的键“{key}”不是版式“{r.profile.name}”的措辞键，不会生效"
                  f"{_suggest(key, words)}（措辞键见版式 profile.yaml 的 words:）", f"wording.{key}", at=("wording", key))
