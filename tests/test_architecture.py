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


# The front end's only ways into the core: the front door and modules without SQL.
UI_MAY_IMPORT = ("contactdesk.workspace", "contactdesk.domain", "contactdesk.dtos",
                 "contactdesk.formats", "contactdesk.auth.credentials", "contactdesk.config")


def core_imports_of(package: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(file, module) for every import of a contactdesk module, relative ones resolved."""
    found = []
    for path in (root / package).rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = parts[:len(parts) - node.level] if node.level else []
                module = ".".join([*base, node.module] if node.module else base)
                names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            else:
                continue
            found += [(str(path.relative_to(root)), n) for n in names
                      if n == "contactdesk" or n.startswith("contactdesk.")]
    return found


def test_ui_imports_only_the_front_door_and_plain_modules():
    bad = [f"{path} imports {name}" for path, name in core_imports_of("ui")
           if not any(name == ok or name.startswith(ok + ".") for ok in UI_MAY_IMPORT)]
    assert bad == []


def test_reports_render_what_they_are_given():
    assert offenders("contactdesk/reports", ("sqlalchemy",)) == []
    bad = [f"{path} imports {name}" for path, name in core_imports_of("contactdesk/reports")
           if name.startswith(("contactdesk.services", "contactdesk.persistence",
                               "contactdesk.workspace"))]
    assert bad == []


def test_plain_modules_run_no_sql_and_lower_layers_never_reach_up():
    for plain in ("contactdesk/domain", "contactdesk/dtos"):
        assert offenders(plain, ("sqlalchemy", "alembic", "psycopg")) == []
    upward = [f"{path} imports {name}" for package in ("contactdesk/persistence",
                                                       "contactdesk/telephony",
                                                       "contactdesk/domain", "contactdesk/dtos")
              for path, name in core_imports_of(package)
              if name.startswith(("contactdesk.services", "contactdesk.workspace",
                                  "contactdesk.cli"))]
    assert upward == []


def test_the_import_checker_resolves_relative_imports(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "view.py").write_text(
        "from contactdesk.services.cases import get_case\nfrom contactdesk.dtos.cases import X\n")
    (tmp_path / "contactdesk" / "reports").mkdir(parents=True)
    (tmp_path / "contactdesk" / "reports" / "daily.py").write_text(
        "from ..services import daily_summary\n")
    assert core_imports_of("ui", tmp_path) == [
        ("ui/view.py", "contactdesk.services.cases"), ("ui/view.py", "contactdesk.dtos.cases")]
    assert core_imports_of("contactdesk/reports", tmp_path) == [
        ("contactdesk/reports/daily.py", "contactdesk.services")]
