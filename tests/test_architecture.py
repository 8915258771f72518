"""The layout is the architecture: which part of kg may import which, and no import cycles.

Read from the source with `ast` (every import, also those inside functions), so a new module
that reaches across the layers fails here before a reviewer has to spot it.
"""

import ast
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
BASE = {"kg.errors", "kg.project", "kg.progress", "kg.memory"}
MODEL = BASE | {"kg.model"}
# Each part of kg, and the parts it may import (its own modules always).
ALLOWED: dict[str, set[str]] = {
    "kg.errors": set(),
    "kg.project": {"kg.errors"},
    "kg.progress": set(),
    "kg.memory": set(),
    "kg.resources": set(),
    "kg.model": BASE,
    "kg.ingest": MODEL,
    "kg.emit": MODEL | {"kg.ingest"},
    "kg.store": MODEL,
    "kg.validate": MODEL | {"kg.store"},
    "kg.query": MODEL | {"kg.store"},
    "kg.analysis": MODEL | {"kg.store", "kg.query"},
    "kg.serve": MODEL | {"kg.store", "kg.query", "kg.review", "kg.analysis"},
    "kg.pipeline": MODEL | {"kg.ingest", "kg.emit", "kg.store", "kg.validate"},
    "kg.review": MODEL | {"kg.ingest", "kg.emit"},
    "kg.cli": BASE,  # commands are named as strings and imported lazily
    "kg.__main__": {"kg.cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name == "kg" or name.startswith("kg.")}


PATHS = {module_name(path): path for path in sorted(KG.rglob("*.py"))}


@cache
def imports(module: str) -> set[str]:
    """What a module imports, read when a test asks (not at collection, in every worker)."""
    return imports_of(PATHS[module])


def test_every_part_of_kg_has_rules() -> None:
    assert {part_of(m) for m in PATHS if m != "kg"} <= set(ALLOWED)


@pytest.mark.parametrize("module", sorted(PATHS))
def test_imports_go_only_where_the_layers_allow(module: str) -> None:
    part = part_of(module)
    allowed = ALLOWED.get(part, set()) | {part}
    wrong = sorted(name for name in imports(module) if part_of(name) not in allowed)
    assert not wrong, f"{module} ({part}) may import only {sorted(allowed)}, not {wrong}"


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for module in PATHS:
        names = imports(module)
        graph.add_node(module)
        for name in names:
            target = name if name in PATHS else name.rsplit(".", 1)[0]
            if target in PATHS and target != module and target != "kg":
                graph.add_edge(module, target)
    assert list(nx.simple_cycles(graph)) == []


def test_the_rules_can_fail() -> None:
    """A deliberate violation is caught: the store must not reach up into validation."""
    part = part_of("kg.store.embedded")
    assert part_of("kg.validate.report") not in ALLOWED[part] | {part}
