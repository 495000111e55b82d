"""The app's stylesheets: the normal look and a high-contrast variant."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
STYLES = RESOURCES / "styles"
ICONS = RESOURCES / "icons"
THEMES = {"normal": "contactdesk.qss", "high-contrast": "high-contrast.qss"}


def stylesheet(theme: str = "normal") -> str:
    """The stylesheet text for ``theme``; empty (Qt's default look) if the file is missing."""
    path = STYLES / THEMES.get(theme, THEMES["normal"])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    # Stylesheet urls are read from the working directory: give them the icons' absolute path.
    return text.replace("@ICONS@", ICONS.as_posix())


def mark(widget, prop: str, on: bool) -> None:
    """Set a dynamic property used by the stylesheet and re-apply the style."""
    if bool(widget.property(prop)) == on:
        return
    widget.setProperty(prop, on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
