"""Structure rules read from the source: routes stay short (STYLE §10.5, §12)."""

from __future__ import annotations

import ast
from pathlib import Path

GUP = Path(__file__).resolve().parent.parent / "gup"
ROUTE_MODULES = ("views.py", "api.py", "backoffice.py", "admin_views.py")
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
MAX_LINES = 40
MAX_LONG_ROUTES = 5  # issue 7: at most five routes longer than 40 lines, helpers included (30 before)


def _is_route(node: ast.FunctionDef | ast.ClassDef) -> bool:
    """Decorated with `<bp>.route(...)`, `<bp>.get(...)`… (Flask and flask-smorest blueprints alike)."""
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
            return True
    return False


def _length(node: ast.AST) -> int:
    """Lines of a definition, decorators excluded."""
    return node.end_lineno - node.lineno + 1


def _called_names(node: ast.AST) -> set[str]:
    """Bare names a definition calls or passes around (`_helper(...)`, `call(_helper, ...)`)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def route_lengths(path: Path) -> dict[str, int]:
    """Each route of a module with its lines plus those of the same-module functions it reaches."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    routes = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
              and _is_route(n)]
    route_names = {r.name for r in routes}
    lengths = {}
    for route in routes:
        seen: set[str] = set()
        todo = [route]
        total = 0
        while todo:
            node = todo.pop()
            total += _length(node)
            for name in _called_names(node):
                if name in functions and name not in seen and name != route.name and name not in route_names:
                    seen.add(name)
                    todo.append(functions[name])
        lengths[f"{path.relative_to(GUP.parent)}::{route.name}"] = total
    return lengths


def all_route_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for path in sorted(GUP.rglob("*.py")):
        if path.name in ROUTE_MODULES:
            lengths.update(route_lengths(path))
    return lengths


def test_routes_are_found():
    lengths = all_route_lengths()
    assert "gup/findings/views.py::detail" in lengths
    assert "gup/hotline/api.py::list_reports" in lengths
    assert len(lengths) > 100


def test_routes_are_short():
    long_routes = {name: n for name, n in all_route_lengths().items() if n > MAX_LINES}
    listing = "\n".join(f"  {n:4d}  {name}" for name, n in sorted(long_routes.items(), key=lambda kv: -kv[1]))
    assert len(long_routes) <= MAX_LONG_ROUTES, (
        f"{len(long_routes)} routes are longer than {MAX_LINES} lines with the same-module helpers they call "
        f"(at most {MAX_LONG_ROUTES}):\n{listing}")
