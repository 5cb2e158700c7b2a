"""YAML reading with line numbers, via libyaml (PyYAML's C loader; pure-Python parsers cost ~0.2 s a build).

Floats keep their source text ("336.88" stays "336.88", "1.234" is not silently rounded) so the
Decimal money parser sees exactly what the user typed; duplicate keys are reported, not overwritten.
"""
from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SettingsLoader(_Loader):  # type: ignore[misc, valid-type]
    """Profiles and catalogues: ordinary YAML numbers (sizes, thresholds)."""


class Loader(SettingsLoader):
    """Inputs: a float keeps its source text so money is parsed exactly as typed."""


Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: node.value.replace("_", ""))
# Dates stay text so a pydantic date field and a free-text field treat them alike.
Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


class DuplicateKey(ValueError):
    def __init__(self, key: str, line: int):
        super().__init__(key)
        self.key, self.line = key, line


def load_with_nodes(text: str, loader_class: type = Loader) -> tuple[Any, yaml.Node | None]:
    """(data, root node); raises yaml.YAMLError (with marks) or DuplicateKey."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_duplicates(node)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


def load(text: str) -> Any:
    return load_with_nodes(text)[0]


def load_settings(text: str) -> Any:
    return load_with_nodes(text, SettingsLoader)[0]


class RefusedYAML(yaml.YAMLError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


MAX_EXPANDED_NODES = 200_000   # far above any real input; an alias bomb expands to billions


def _check_duplicates(node: yaml.Node, depth: int = 0, budget: list[int] | None = None) -> None:
    """Duplicate keys are errors. Aliases are allowed (generated YAML uses them) but their expansion is
    counted, so a few nested aliases cannot blow up into billions of nodes downstream."""
    budget = [MAX_EXPANDED_NODES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise RefusedYAML("YAML 内容展开后过大（锚点与别名引用过多），请直接写出内容", node.start_mark.line + 1)
    if depth > 100:
        raise RefusedYAML("嵌套过深（超过 100 层）", node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise DuplicateKey(name, key.start_mark.line + 1)
            seen.add(name)
            _check_duplicates(value, depth + 1, budget)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicates(item, depth + 1, budget)


def line_of(node: yaml.Node | None, path: tuple) -> int | None:
    """1-based line of the deepest node along `path` (mapping keys or sequence indexes)."""
    line = None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def top_level_line(node: yaml.Node, key: str) -> int | None:
    return line_of(node, (key,))
