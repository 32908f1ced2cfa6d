"""Onboarding, customers, partners and the error translation choose by profile and catalog data: no provider
name nor currency written in them, no wall clock read (issue 11)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "hub"
FILES = [*sorted((ROOT / "onboarding").glob("*.py")), *sorted((ROOT / "customers").glob("*.py")),
         *sorted((ROOT / "partners").glob("*.py")),
         *(ROOT / "core" / name for name in ("exceptions.py", "errors.py", "problems.py"))]
LITERAL = re.compile(r"""["'](fresh_ru|fresh_kz|medicine|rarus|RUB|KZT)["']""")
WALL_CLOCK = re.compile(r"\butcnow\(|datetime\.now\(|date\.today\(")


def test_no_provider_or_currency_literals():
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in FILES
             for n, line in enumerate(path.read_text().splitlines(), 1) if LITERAL.search(line)]
    assert found == []


def test_no_wall_clock():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in FILES
             for n, line in enumerate(path.read_text().splitlines(), 1) if WALL_CLOCK.search(line)]
    assert found == []
