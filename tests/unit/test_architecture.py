"""The shape issue 11 gave the hub, kept by reading its source (the AST, so docstrings and comments are free):

- provider differences are data: no provider name or currency written as a literal in hub/ — behaviour
  is chosen by the provider profile (providers/profiles.py) and the catalogs;
- the adapter contracts are complete: nothing in hub/ downcasts an adapter with ``assert isinstance``;
- one clock: nothing in hub/ or adapters/ reads the wall clock but hub/core/clock.py (and adapters/retry.py,
  which turns an HTTP Retry-After date into seconds against the moment it is given);
- hub/core is the shared infrastructure: it imports no feature package;
- modules stay small (under ~300 lines) and each package's ``__init__`` states its public surface.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"
FEATURES = ("quotes", "partners", "customers", "onboarding", "subscriptions", "transfers", "reports")
PROVIDER_NAMES = {"fresh_ru", "fresh_kz", "medicine", "rarus"}
CURRENCIES = {"RUB", "KZT"}
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"), ("datetime", "today")}
CLOCK_HOMES = {HUB / "core" / "clock.py", ROOT / "adapters" / "retry.py"}
MAX_LINES = 330


def sources(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py") if "migrations" not in p.parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def docstrings(module: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_provider_name_or_currency_is_a_literal_in_the_hub():
    found = []
    for path in sources(HUB):
        module = tree(path)
        skip = docstrings(module)
        for node in ast.walk(module):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and node.value in PROVIDER_NAMES | CURRENCIES:
                found.append(f"{relative(path)}:{node.lineno} {node.value!r}")
    assert found == []


def test_nothing_in_the_hub_downcasts_an_adapter():
    found = [f"{relative(path)}:{node.lineno}" for path in sources(HUB) for node in ast.walk(tree(path))
             if isinstance(node, ast.Assert) and isinstance(node.test, ast.Call)
             and isinstance(node.test.func, ast.Name) and node.test.func.id == "isinstance"]
    assert found == []


def test_only_the_clock_reads_the_wall_clock():
    found = []
    for path in sources(HUB, ROOT / "adapters"):
        if path in CLOCK_HOMES:
            continue
        for node in ast.walk(tree(path)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (func.value.id, func.attr) in WALL_CLOCK:
                found.append(f"{relative(path)}:{node.lineno} {func.value.id}.{func.attr}()")
            if isinstance(func, ast.Name) and func.id == "utcnow":
                found.append(f"{relative(path)}:{node.lineno} utcnow()")
    assert found == []


def test_the_core_imports_no_feature():
    found = []
    for path in sources(HUB / "core"):
        for node in ast.walk(tree(path)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{relative(path)}:{node.lineno} {n}" for n in names
                      if n.split(".")[:2] in [["hub", f] for f in FEATURES]]
    assert found == []


@pytest.mark.parametrize("path", sources(HUB), ids=relative)
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("package", ["core", "cli", *FEATURES])
def test_each_package_states_its_public_surface(package):
    init = HUB / package / "__init__.py"
    module = tree(init)
    assert ast.get_docstring(module), f"{relative(init)} has no docstring saying what the package is"
    exported = any(isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                   for node in module.body)
    assert exported or "public surface" in ast.get_docstring(module).lower(), \
        f"{relative(init)} states neither __all__ nor its public surface"
