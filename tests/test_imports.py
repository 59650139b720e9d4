"""No import cycle between the project's own modules, counting imports inside functions too:
a cycle hidden in a function still means neither module can be understood (or moved) without the other."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("policies", "tracker")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported_names(module, source, *, is_package=False, modules=()):
    """Every module name ``module`` imports anywhere in ``source``, made absolute. ``from x import y``
    names ``x.y`` when that is a module (a submodule is what the code asked for), otherwise ``x``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[: len(package) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            yield from submodules
            if len(submodules) < len(node.names):
                yield base


def import_graph():
    """{module: modules of the project it imports}. Importing ``a.b`` runs ``a/__init__`` first, but
    that is Python's doing, not a dependency the code chose, so only the named module counts."""
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        targets = {name for name in imported_names(
                module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py", modules=modules
            ) if name in modules}
        graph[module] = sorted(targets - {module})
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return sorted(found)


class ImportCycleTests(SimpleTestCase):
    def test_the_checker_sees_imports_inside_functions_and_relative_ones(self):
        source = "from .models import A\n\ndef f():\n    from ..search import index\n    import tracker.settings\n"
        modules = {"policies.admin.models", "policies.search", "policies.search.index", "policies.ledger"}
        names = set(imported_names("policies.admin.pages", source, modules=modules))
        self.assertTrue({"policies.admin.models", "policies.search.index", "tracker.settings"} <= names)
        # A submodule imported by name is the dependency, not its package.
        self.assertNotIn("policies.search", names)
        ledger = set(imported_names("policies.admin.commitments", "from .. import ledger", modules=modules))
        self.assertEqual(ledger, {"policies.ledger"})
        self.assertIn("policies.roles", set(imported_names("policies.admin", "from ..roles import x", is_package=True)))
        self.assertIn("policies.services", import_graph()["policies.ledger"])
        self.assertEqual(cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}), [["a", "b", "c"]])
        self.assertEqual(cycles({"a": ["b"], "b": []}), [])

    def test_no_module_of_the_project_imports_itself_through_others(self):
        found = cycles(import_graph())
        self.assertEqual(found, [], "import cycles: " + "; ".join(" ⇄ ".join(c) for c in found))
