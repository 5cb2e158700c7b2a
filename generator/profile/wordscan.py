"""Which wording keys the templates of a profile use, and which {placeholders} each key receives.

Read from the templates' Jinja syntax tree (no rendering): every `words("key", a=…, b=…)` call gives the key
and the names it fills. A key passed through a macro parameter (`say.reason(…, "over_reason")`) is found by
following the macro's calls. The schema uses this to reject misspelt keys and unknown placeholders before
anything is built.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes

from ..cache import cache_dir, read_entry, write_entry

# Every word may use these: compose() fills them for all words (document._words).
COMMON_SLOTS = frozenset({"year", "prior_year", "name", "entity", "S", "TS", "level"})


def _keys(node: nodes.Node | None) -> list[str]:
    """Literal keys an expression can evaluate to: "a", "a" if x else "b"."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.CondExpr):
        return _keys(node.expr1) + _keys(node.expr2)
    return []


def _callee(node: nodes.Call) -> str | None:
    if isinstance(node.node, nodes.Name):
        return node.node.name
    if isinstance(node.node, nodes.Getattr):
        return node.node.attr
    return None


class _Scan:
    def __init__(self) -> None:
        self.received: dict[str, set[str]] = {}
        self.where: dict[str, set[str]] = {}
        # macro name → [(parameter index, parameter name, default key or None, slots it is filled with)]
        self.macro_words: dict[str, list[tuple[int, str, list[str], set[str]]]] = {}
        self.calls: list[tuple[str, nodes.Call, str]] = []

    def add(self, key: str, slots: set[str], where: str) -> None:
        self.received.setdefault(key, set()).update(slots)
        self.where.setdefault(key, set()).add(where)

    def template(self, tree: nodes.Template, name: str) -> None:
        for macro in tree.find_all(nodes.Macro):
            params = [a.name for a in macro.args]
            defaults = dict(zip(params[len(params) - len(macro.defaults):], macro.defaults))
            for call in macro.find_all(nodes.Call):
                if _callee(call) == "words" and call.args and isinstance(call.args[0], nodes.Name) \
                        and call.args[0].name in params:
                    param = call.args[0].name
                    self.macro_words.setdefault(macro.name, []).append(
                        (params.index(param), param, _keys(defaults.get(param)), {k.key for k in call.kwargs}))
        for call in tree.find_all(nodes.Call):
            callee = _callee(call)
            if callee == "words" and call.args:
                for key in _keys(call.args[0]):
                    self.add(key, {k.key for k in call.kwargs}, name)
            elif callee == "number" and call.args:       # number("items", n) reads the word marker_items
                for level in _keys(call.args[0]):
                    self.add(f"marker_{level}", {"n", "cn"}, name)
            elif callee:
                self.calls.append((callee, call, name))

    def resolve_macros(self) -> None:
        for macro, uses in self.macro_words.items():
            for index, param, default, slots in uses:
                for key in default:
                    self.add(key, slots, "narrative/_say.html.j2")
                for callee, call, name in self.calls:
                    if callee != macro:
                        continue
                    arg = call.args[index] if index < len(call.args) else next(
                        (k.value for k in call.kwargs if k.key == param), None)
                    for key in _keys(arg):
                        self.add(key, slots, name)


@lru_cache(maxsize=16)
def scan(template_dirs: tuple[str, ...]) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """(key → placeholders it receives besides COMMON_SLOTS, key → templates using it) over the profile's
    templates, nearest layer first (a nearer file hides the same name further down, as at build time).
    Parsing the templates costs ~0.3 s, so the result is kept in the cache, keyed by their contents."""
    files: dict[str, tuple[Path, str]] = {}
    for folder in template_dirs:
        for file in sorted(Path(folder).rglob("*.j2")):
            rel = str(file.relative_to(folder))
            if rel not in files and file.resolve().is_file():     # no FIFO or device (/dev/zero) is read
                try:
                    files[rel] = (file, file.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue          # reported with file and line when the build loads it
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for rel, (_, text) in sorted(files.items()):
        digest.update(f"\0{rel}\0{text}".encode("utf-8"))
    folder = cache_dir("words")
    entry = folder / f"{digest.hexdigest()}.json" if folder is not None else None
    body = read_entry(entry) if entry is not None else None
    if body is not None:
        try:
            received, where = json.loads(body)
            return ({k: frozenset(v) for k, v in received.items()}, {k: tuple(v) for k, v in where.items()})
        except (ValueError, TypeError):
            pass
    env = Environment()
    state = _Scan()
    for rel, (file, text) in files.items():
        try:
            state.template(env.parse(text, rel, str(file)), rel)
        except TemplateSyntaxError:
            continue
    state.resolve_macros()
    received = {k: sorted(v) for k, v in state.received.items()}
    where = {k: sorted(v) for k, v in state.where.items()}
    if entry is not None:
        write_entry(entry, json.dumps([received, where], ensure_ascii=False).encode("utf-8"))
    return ({k: frozenset(v) for k, v in received.items()}, {k: tuple(v) for k, v in where.items()})
