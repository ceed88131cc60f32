"""The import graph runs one way: extract imports nothing of kg; kg reaches the extractor only through
kg.reports (the pipeline from files to a graph) and otherwise reads extract's contract modules (errors,
records, registry); no cycles anywhere, function-level imports included."""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = {"extract.errors", "extract.records", "extract.registry"}  # what kg may import from extract
PIPELINE = "kg.reports"  # the one kg module that runs the extractor


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Every project module and the project modules it imports, wherever in the file the import is."""
    files = sorted([*ROOT.glob("kg/**/*.py"), *ROOT.glob("extract/**/*.py")])
    modules = {_module_name(f): f for f in files}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph.add_edges_from((name, t) for t in targets if t in modules and t != name)
    return graph


def test_the_import_graph_has_no_cycles() -> None:
    assert list(nx.simple_cycles(import_graph())) == []


def test_extract_imports_nothing_of_kg() -> None:
    graph = import_graph()
    assert [(a, b) for a, b in graph.edges if a.startswith("extract") and b.startswith("kg")] == []


def test_kg_reaches_the_extractor_only_through_the_pipeline() -> None:
    graph = import_graph()
    crossing = {(a, b) for a, b in graph.edges if a.startswith("kg") and b.startswith("extract")}
    assert crossing, "kg must use extract somewhere: the test would not see a renamed package"
    assert {(a, b) for a, b in crossing if b not in CONTRACT and a != PIPELINE} == set()


def test_the_walker_sees_function_level_imports(tmp_path: Path) -> None:
    """The checks above rely on ast.walk finding imports inside functions (how cycles used to hide)."""
    source = "def f():\n    from kg.store import open_store\n"
    found = [n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)]
    assert found == ["kg.store"]
