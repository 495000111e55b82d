"""The core never depends on the front end, and the front end never touches persistence."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (root / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                if node.args and isinstance(node.args[0], ast.Constant):
                    names.add(str(node.args[0].value))
        found[str(path.relative_to(root))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    bad = []
    for path, names in imported_modules(package, root).items():
        for name in names:
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path} imports {name}")
    return sorted(bad)


def test_core_never_imports_qt_or_ui():
    assert offenders("contactdesk", ("PySide6", "shiboken6", "ui")) == []


def test_ui_never_imports_sqlalchemy_or_persistence():
    assert offenders("ui", ("sqlalchemy", "alembic", "contactdesk.persistence")) == []


def test_the_checker_sees_a_forbidden_import(tmp_path):
    # The check above must be able to fail: plant a violating module and look.
    package = tmp_path / "contactdesk"
    package.mkdir()
    (package / "bad.py").write_text("from PySide6.QtWidgets import QWidget\n")
    assert offenders("contactdesk", ("PySide6",), tmp_path) == ["contactdesk/bad.py imports PySide6.QtWidgets"]


def test_importing_the_core_loads_no_qt():
    import subprocess
    import sys

    code = ("import sys, contactdesk.cli.main, contactdesk.workspace, contactdesk.services.calls, "
            "contactdesk.services.cases; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'ui'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "[]"
