"""The self-contained bundle: built from the spec, then run as council IT would run it, with
nothing from the checkout, against a fresh SQLite file and an empty user profile."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile

import pytest
from PIL import Image

from .conftest import APP_ID, project_version

pytestmark = pytest.mark.slow

DEMO_ADMIN, DEMO_PASSWORD = "helen.firth", "streetpride demo desk"  # contactdesk/demo
SIZE_LIMIT_MB = 200


@pytest.fixture
def run_bundled(bundle, tmp_path):
    """Run the bundled `contactdesk` in an empty profile whose system settings file presets a
    fresh database, as an administrator would for every user."""
    database = tmp_path / "council" / "contactdesk.sqlite3"
    database.parent.mkdir()
    system_file = tmp_path / "system" / "config.toml"
    system_file.parent.mkdir()
    system_file.write_text(f'[database]\nurl = "sqlite:///{database}"\n', encoding="utf-8")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CONTACTDESK_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               CONTACTDESK_SYSTEM_CONFIG=str(system_file), QT_QPA_PLATFORM="offscreen")

    def run(*args: str, stdin: str | None = None, extra_env: dict | None = None):
        done = subprocess.run([str(bundle.executable), *args], input=stdin, capture_output=True,
                              text=True, timeout=300, cwd=tmp_path, env={**env, **(extra_env or {})})
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        return done

    run.database = database
    run.system_file = system_file
    return run


def test_the_bundle_migrates_loads_demo_data_signs_in_and_writes_a_pdf(run_bundled, tmp_path):
    assert run_bundled("--version").stdout.strip() == f"contactdesk {project_version()}"

    assert "schema created" in run_bundled("db", "upgrade").stdout
    assert run_bundled.database.is_file()  # the database the system settings file names
    assert DEMO_PASSWORD in run_bundled("demo-data", "--days", "3").stdout

    # The desktop app signs in from standard input, opens the main window and exits 0 once a
    # call could be taken on it.
    screenshot = tmp_path / "main-window.png"
    shown = run_bundled("gui", "--user", DEMO_ADMIN, "--password-stdin", stdin=DEMO_PASSWORD + "\n",
                        extra_env={"CONTACTDESK_START_PROBE": "1",
                                   "CONTACTDESK_SCREENSHOT": str(screenshot)})
    assert [line.split()[0] for line in shown.stdout.splitlines()] == ["first-paint",
                                                                      "call-form-usable"]
    with Image.open(screenshot) as image:  # the main window as the bundle drew it
        assert image.size[0] >= 1000 and image.size[1] >= 600, image.size
        assert len(image.convert("RGB").getcolors(1 << 20) or ()) > 50  # drawn, not blank

    pdf = tmp_path / "daily.pdf"
    run_bundled("report", "daily", "--date", "yesterday", "--out", str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Daily call summary" in text and "Answered" in text

    settings = run_bundled("config", "show").stdout
    assert f"system settings: {run_bundled.system_file} (sets database.url)" in settings


def test_the_bundle_carries_its_files_and_leaves_out_what_it_never_uses(bundle):
    internal = bundle.folder / "_internal"
    migrations = sorted(p.name for p in (internal / "db" / "versions").glob("*.py"))
    assert "0001_initial_schema.py" in migrations and (internal / "db" / "env.py").is_file()
    for needed in ("resources/fonts/DejaVuSans.ttf", "resources/styles/high-contrast.qss",
                   "resources/icons/contactdesk.svg", "contactdesk/data/common-passwords.txt",
                   "contactdesk/demo/gazetteer.csv"):
        assert (internal / needed).is_file(), needed
    names = {p.name for p in internal.rglob("*")}
    assert not {n for n in names if n.startswith(("libQt6WebEngine", "libQt6Qml", "libQt6Quick"))}
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    size_mb = sum(p.stat().st_size for p in bundle.folder.rglob("*")
                  if p.is_file() and not p.is_symlink()) / 2**20
    print(f"\nbundle: {size_mb:.0f} MB unpacked, archive {bundle.archive.stat().st_size / 2**20:.0f} MB,"
          f" built in {bundle.build_seconds:.0f} s")
    assert size_mb < SIZE_LIMIT_MB


def test_the_archive_is_versioned_and_holds_the_desktop_integration(bundle):
    assert bundle.archive.name.startswith(f"contactdesk-{project_version()}-")
    with tarfile.open(bundle.archive) as archive:
        names = set(archive.getnames())
    for member in ("contactdesk/contactdesk", f"contactdesk/share/applications/{APP_ID}.desktop",
                   f"contactdesk/share/metainfo/{APP_ID}.metainfo.xml",
                   "contactdesk/share/icons/hicolor/256x256/apps/contactdesk.png",
                   "contactdesk/share/icons/hicolor/scalable/apps/contactdesk.svg",
                   "contactdesk/share/contactdesk/config.example.toml"):
        assert member in names, member


def test_the_installed_metainfo_names_this_release_and_validates(bundle):
    metainfo = bundle.folder / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert f'<release version="{project_version()}"' in metainfo.read_text(encoding="utf-8")
    assert shutil.which("appstreamcli"), "appstreamcli missing: run `make setup-test`"
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
