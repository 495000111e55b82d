#!/usr/bin/env bash
# Build the one-folder ContactDesk bundle and its versioned tarball (Linux; macOS alike).
#
#   packaging/build.sh [--out DIR] [--work DIR]     defaults: dist, build
#
# Writes DIR/contactdesk/ (the bundle: run DIR/contactdesk/contactdesk) with the desktop
# entry, AppStream metadata and icons under DIR/contactdesk/share/, and
# DIR/contactdesk-<version>-<os>-<arch>.tar.gz. Needs pyinstaller in .venv
# (`scripts/setup.sh --dist`). The Windows build is documented in packaging/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="dist"
WORK_ROOT="build"   # PyInstaller's cache and the rendered icons
while (( $# )); do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --work) WORK_ROOT="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
PY="${PY:-$ROOT/.venv/bin/python}"
OUT="$(mkdir -p "$OUT" && cd "$OUT" && pwd)"
WORK_ROOT="$(mkdir -p "$WORK_ROOT" && cd "$WORK_ROOT" && pwd)"
WORK="$WORK_ROOT/pyinstaller"
ICONS="$WORK_ROOT/icons"
APP_ID="uk.gov.contactdesk.ContactDesk"

"$PY" -c 'import PyInstaller' 2>/dev/null \
    || { echo "build.sh: pyinstaller is not installed: run scripts/setup.sh --dist" >&2; exit 1; }
# The one source of truth for the version is pyproject.toml.
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
# The bundle reads its version from the installed metadata: refresh it if pyproject changed.
INSTALLED="$("$PY" -c 'from importlib.metadata import version; print(version("contactdesk"))' 2>/dev/null || true)"
if [[ "$INSTALLED" != "$VERSION" ]]; then
    echo "build.sh: installed metadata says ${INSTALLED:-nothing}, pyproject says $VERSION: reinstalling" >&2
    "$PY" -m pip install --quiet --no-deps -e .
fi

echo "[build] icons"
"$PY" packaging/make_icons.py "$ICONS"

echo "[build] bundle (pyinstaller)"
CONTACTDESK_ICONS="$ICONS" "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT" --workpath "$WORK" packaging/contactdesk.spec

echo "[build] desktop integration"
BUNDLE="$OUT/contactdesk"
SHARE="$BUNDLE/share"
install -D -m 644 "packaging/$APP_ID.desktop" "$SHARE/applications/$APP_ID.desktop"
mkdir -p "$SHARE/metainfo"
sed "s|</component>|  <releases>\n    <release version=\"$VERSION\" date=\"$(date -u +%F)\"/>\n  </releases>\n</component>|" \
    "packaging/$APP_ID.metainfo.xml" >"$SHARE/metainfo/$APP_ID.metainfo.xml"
mkdir -p "$SHARE/icons"
cp -r "$ICONS/hicolor" "$SHARE/icons/"
install -D -m 644 resources/icons/contactdesk.svg "$SHARE/icons/hicolor/scalable/apps/contactdesk.svg"
# The system-wide settings file's template, for /etc/contactdesk/config.toml.
install -D -m 644 packaging/config.example.toml "$SHARE/contactdesk/config.example.toml"

OS="$(uname -s | tr '[:upper:]' '[:lower:]')"
ARCHIVE="$OUT/contactdesk-$VERSION-$OS-$(uname -m).tar.gz"
echo "[build] $ARCHIVE"
tar -C "$OUT" -czf "$ARCHIVE" contactdesk
echo "[build] bundle: $(du -sh "$BUNDLE" | cut -f1) unpacked, archive: $(du -h "$ARCHIVE" | cut -f1)"
