"""The apps of Koʻmak and which imports which, read from the code (issue 17).

Every Python module of every app (a top-level package with an `apps.py`) is parsed,
without importing it, and each `import` or `from … import` that names another app,
at the top of a module or inside a function, is an arrow from the importing app to
the imported one. Migrations are left out: they keep the import paths of their day.

    python -m docs.architecture_graph            # print the Mermaid diagram
    python -m docs.architecture_graph --write    # put it into docs/architecture.md
    python -m docs.architecture_graph --cycles   # module import circles, if any

`tests/cms/test_architecture_graph.py` fails when docs/architecture.md holds another
diagram than this prints, so the picture cannot drift from the code.
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "architecture.md"
START = "<!-- import-graph: made by `python -m docs.architecture_graph --write` -->"
END = "<!-- /import-graph -->"


def apps(root: Path = REPO) -> list[str]:
    return sorted(path.parent.name for path in root.glob("*/apps.py"))


def modules(app: str, root: Path = REPO) -> dict[str, Path]:
    """Dotted module name → file, for the app's modules outside migrations."""
    found = {}
    for path in sorted((root / app).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported_names(name: str, path: Path) -> set[str]:
    """The absolute dotted names a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            names.add(stem)
            # `from package import module` imports the module too.
            names.update(f"{stem}.{alias.name}" for alias in node.names)
    return names


def module_graph(root: Path = REPO) -> dict[str, set[str]]:
    """Module → the project's modules it imports."""
    everything: dict[str, Path] = {}
    for app in apps(root):
        everything.update(modules(app, root))
    graph: dict[str, set[str]] = {}
    for name, path in everything.items():
        graph[name] = {
            target
            for target in imported_names(name, path)
            if target in everything and target != name
        }
    return graph


def app_graph(root: Path = REPO) -> dict[str, set[str]]:
    """App → the other apps it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, targets in module_graph(root).items():
        app = name.split(".")[0]
        graph[app]
        for target in targets:
            if target.split(".")[0] != app:
                graph[app].add(target.split(".")[0])
    return dict(graph)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm):
    each is a set of modules that import one another, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(groups)


def mermaid(root: Path = REPO) -> str:
    """The app graph as a Mermaid flowchart; an arrow that is part of a circle
    between apps is drawn dotted and named in a note."""
    graph = app_graph(root)
    in_circle = {app for group in circles(graph) for app in group}
    lines = ["```mermaid", "flowchart TD"]
    for app in sorted(graph):
        lines.append(f"    {app}[{app}]")
    for app in sorted(graph):
        for target in sorted(graph[app]):
            both = app in in_circle and target in in_circle
            arrow = "-.->" if both and app in graph.get(target, ()) else "-->"
            lines.append(f"    {app} {arrow} {target}")
    lines.append("```")
    groups = circles(graph)
    if groups:
        lines.append("")
        lines.append(
            "Apps that import one another (dotted: both ways): "
            + "; ".join(", ".join(group) for group in groups)
            + "."
        )
    return "\n".join(lines)


def document_with_graph(text: str, graph: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"{DOC}: the markers {START!r} and {END!r} are missing")
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{graph}\n{END}{after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the document")
    parser.add_argument("--cycles", action="store_true", help="list module circles")
    arguments = parser.parse_args()
    if arguments.cycles:
        for group in circles(module_graph()):
            print(" ⇄ ".join(group))  # noqa: T201
        return
    graph = mermaid()
    if arguments.write:
        DOC.write_text(
            document_with_graph(DOC.read_text(encoding="utf-8"), graph),
            encoding="utf-8",
        )
    else:
        print(graph)  # noqa: T201


if __name__ == "__main__":
    main()
