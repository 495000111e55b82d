"""The desktop entry and AppStream metadata pass the freedesktop validators, and name the same
application id, executable and icon as the bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import APP_ID, ROOT

PACKAGING = ROOT / "packaging"


def validator(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: run `make setup-test` (desktop-file-utils, appstream)")
    return found


def test_the_desktop_entry_validates_and_starts_the_app():
    entry = PACKAGING / f"{APP_ID}.desktop"
    done = subprocess.run([validator("desktop-file-validate"), str(entry)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert "Exec=contactdesk gui" in lines and "Icon=contactdesk" in lines


def test_the_appstream_metainfo_validates_and_launches_the_desktop_entry():
    metainfo = PACKAGING / f"{APP_ID}.metainfo.xml"
    done = subprocess.run([validator("appstreamcli"), "validate", "--no-net", str(metainfo)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    text = metainfo.read_text(encoding="utf-8")
    assert f"<id>{APP_ID}</id>" in text
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in text


def test_the_icons_are_rendered_from_the_svg_source_at_every_size(tmp_path):
    done = subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)],
                          capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    from PIL import Image

    for size in (16, 32, 48, 256, 512):
        with Image.open(tmp_path / f"hicolor/{size}x{size}/apps/contactdesk.png") as image:
            assert image.size == (size, size)
            assert image.getpixel((size // 2, size // 8))[3] == 255  # drawn, not blank
    with Image.open(tmp_path / "contactdesk.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
