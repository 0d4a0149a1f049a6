"""The layers of docs/architecture.md, read from the import graph (``ast``, imports inside
functions included): every import points down, and no module imports itself back."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "triangle"

# Lowest first.  The facade (``triangle`` itself and ``__main__``) stands above them all.
LAYERS = ("common", "solvers", "scenario", "partnership", "wedge", "analysis", "presentation")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str) -> str | None:
    """The module ``name`` names (a module, a package, or a name inside one)."""
    while name:
        rel = Path(*name.split("."))
        if (PACKAGE.parent / rel).with_suffix(".py").exists() or (PACKAGE.parent / rel).is_dir():
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path) -> set[str]:
    """Every module of :mod:`triangle` that ``path`` imports, anywhere in the file."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "triangle" or name.startswith("triangle."):
                target = _resolve(name)
                if target:
                    found.add(target)
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return len(LAYERS)
    return LAYERS.index(parts[1])


GRAPH = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_belongs_to_a_layer():
    for module in GRAPH:
        assert layer(module) >= 0, module


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module):
    up = sorted(t for t in GRAPH[module] if layer(t) > layer(module))
    assert not up, f"{module} imports {up} from a higher layer"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of module imports, or None (depth-first search with colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    # A package's __init__ re-exporting its own modules is no cycle: drop edges into __init__s
    # from their own modules' point of view by looking at modules only.
    modules = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in GRAPH.items()}
    assert find_cycle(modules) is None


def test_the_detector_finds_a_cycle_and_an_upward_import():
    """The checks above can fail: a made-up graph with a cycle, and an upward import."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert layer("triangle.wedge.verdict") < layer("triangle.presentation.plot")
    assert _resolve("triangle.common.hooks.register") == "triangle.common.hooks"


@pytest.mark.parametrize("name", LAYERS)
def test_each_layer_says_what_it_owns_and_may_import(name):
    doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text())) or ""
    assert "Owns:" in doc and "May import:" in doc
