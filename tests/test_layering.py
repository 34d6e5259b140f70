"""The layering rules of ARCHITECTURE.md, checked on the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "hrdesk"
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s)")


def _modules(exclude: str | None = None) -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if exclude is None or exclude not in path.relative_to(PACKAGE).parts
    ]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _is_sql(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SQL.search(node.value.upper()) is not None
    )


def test_nothing_outside_gui_imports_pyside6() -> None:
    offenders = [
        str(path)
        for path in _modules(exclude="gui")
        if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in _imports(path))
    ]
    assert offenders == []


def test_only_the_store_speaks_sql() -> None:
    offenders = []
    for path in _modules(exclude="store"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _is_sql(node):
                offenders.append(f"{path}:{node.lineno}")
        if "sqlcipher3" in _imports(path) or "sqlite3" in _imports(path):
            offenders.append(str(path))
    assert offenders == []


def test_the_checks_see_what_they_look_for() -> None:
    store_sql = [
        path
        for path in (PACKAGE / "store").glob("*.py")
        if any(
            isinstance(n, ast.Constant) and isinstance(n.value, str) and SQL.search(n.value.upper())
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert len(store_sql) >= 5
