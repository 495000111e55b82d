"""Render resources/icons/contactdesk.svg to the PNG sizes desktops expect, and a Windows .ico.

    python packaging/make_icons.py OUT_DIR

Writes OUT_DIR/hicolor/<N>x<N>/apps/contactdesk.png (the freedesktop icon theme layout, ready
to copy under /usr/share/icons or ~/.local/share/icons) and OUT_DIR/contactdesk.ico. Qt renders
the SVG (it is already a dependency); Pillow, which reportlab brings, writes the .ico.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "contactdesk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (fonts need one)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out_dir / "hicolor" / f"{size}x{size}" / "apps" / "contactdesk.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path)):
            raise SystemExit(f"make_icons: could not write {path}")
        written.append(path)
    return written


def write_ico(pngs: list[Path], out_dir: Path) -> Path:
    from PIL import Image

    largest = Image.open(pngs[SIZES.index(256)])
    ico = out_dir / "contactdesk.ico"
    largest.save(ico, sizes=[(s, s) for s in SIZES if s <= 256])
    return ico


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    pngs = render(out_dir)
    write_ico(pngs, out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
