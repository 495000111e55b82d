"""The bundle is built once per test run (a few minutes) and shared by the tests that need it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "uk.gov.contactdesk.ContactDesk"


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


@dataclass(frozen=True)
class Bundle:
    folder: Path  # the one-folder bundle
    archive: Path  # the versioned .tar.gz
    build_seconds: float

    @property
    def executable(self) -> Path:
        return self.folder / ("ContactDesk.exe" if sys.platform == "win32" else "contactdesk")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Bundle:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("pyinstaller is not installed: run `make setup-test` (it is in the test extra)")
    out = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    done = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh"), "--out", str(out),
                           "--work", str(tmp_path_factory.mktemp("build"))],
                          cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PY": sys.executable})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    archives = list(out.glob("contactdesk-*.tar.gz"))
    assert len(archives) == 1, archives
    return Bundle(out / "contactdesk", archives[0], time.monotonic() - started)
