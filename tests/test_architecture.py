"""The package tree is the pipeline: stages import only earlier stages, no cycles, small modules, and only
the public API of dependencies (no private attributes, no ctypes)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# input → facts → checks → charts → compose → render; shared packages may be used by every stage
STAGES = ["input", "facts", "checks", "charts", "compose", "render"]
SHARED = {"errors", "cache", "profile", "fonts", "catalogue"}
ORCHESTRATORS = {"pipeline", "outputs", "cli", "batch", "serve", "compare", "__main__", "__init__"}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "_templates" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> set[str]:
    """Modules of generator/ that `name` imports (relative imports resolved)."""
    is_package = path.name == "__init__.py"
    package = name.split(".") if is_package else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("generator"):
                target = node.module.removeprefix("generator").lstrip(".")
            else:
                continue
            out.add(target)
            out.update(f"{target}.{alias.name}" if target else alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("generator.") for a in node.names if a.name.startswith("generator."))
    known = modules()
    return {t for t in out if t in known and t != name}


def top(name: str) -> str:
    return name.split(".")[0]


def test_each_stage_imports_only_earlier_stages_and_shared_packages():
    wrong = []
    for name, path in modules().items():
        here = top(name)
        if here in ORCHESTRATORS or here not in STAGES + sorted(SHARED):
            continue
        for target in imports_of(name, path):
            there = top(target)
            if there == here:
                continue
            if here in SHARED:
                allowed = there in SHARED or there == "input"
            else:
                allowed = there in SHARED or (there in STAGES and STAGES.index(there) < STAGES.index(here))
            if not allowed:
                wrong.append(f"{name} → {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    graph = {name: imports_of(name, path) for name, path in modules().items()}
    # a package's __init__ importing its own submodules is how packages expose them: not a cycle
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(node, trail):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_modules_are_small_and_the_top_level_is_short():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert not long, long
    top_level = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top_level) <= 8, top_level


def _dependency_names(tree: ast.Module) -> set[str]:
    """Names bound by imports of third-party packages (the standard library's os._exit is its public API)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names
                         if not a.name.startswith("generator") and a.name.split(".")[0] not in sys.stdlib_module_names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and not node.module.startswith("generator") and node.module.split(".")[0] not in sys.stdlib_module_names:
            names.update(a.asname or a.name for a in node.names)
    return names


def _base_name(node) -> str:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_public_apis_of_dependencies(path):
    """No `obj._private` on anything imported from a dependency, no ctypes, no subclass hooks named _x."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dependencies = _dependency_names(tree)
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            if any(n and (n == "ctypes" or n.startswith("ctypes.")) for n in names):
                bad.append(f"line {node.lineno}: ctypes")
            if isinstance(node, ast.ImportFrom) and any(a.name.startswith("_") for a in node.names) \
                    and not node.level and not (node.module or "").startswith("generator"):
                bad.append(f"line {node.lineno}: imports a private name from {node.module}")
            private_module = [n for n in names if n and not n.startswith(("generator", "__future__"))
                              and any(part.startswith("_") for part in n.split("."))]
            if private_module and not getattr(node, "level", 0):
                bad.append(f"line {node.lineno}: imports private module {private_module[0]}")
        if isinstance(node, ast.ClassDef) and any(_base_name(b) in dependencies for b in node.bases):
            own = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
            own |= {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) \
                        and inner.value.id == "self" and inner.attr.startswith("_") \
                        and not inner.attr.startswith("__") and inner.attr not in own:
                    bad.append(f"line {inner.lineno}: {node.name} uses its base's private self.{inner.attr}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in dependencies:
                bad.append(f"line {node.lineno}: {root.id}…{node.attr}")
    assert not bad, bad
