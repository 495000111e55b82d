#!/usr/bin/env bash
# Set up a ContactDesk development environment on Debian/Ubuntu.
#
#   scripts/setup.sh           runtime: system libraries for Qt + .venv with the app
#   scripts/setup.sh --test    also PostgreSQL + poppler-utils and the test tools
#                              (pyinstaller and the desktop-file validators among them)
#   scripts/setup.sh --dist    what building the desktop bundle needs (`make dist`)
#   scripts/setup.sh --uv-only just .venv with uv in it (used by `make lock`)
#
# Idempotent: system packages are only installed when missing (apt-get update
# runs only then), and the Python dependencies are only reinstalled when the
# lock file (or pyproject.toml) changed since the last successful install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"     # interpreter used to create .venv (override: PYTHON=python3.12)
VENV=".venv"
UV_VERSION="0.13.9"             # keep in step with the uv that wrote requirements/*.txt
STAMP="$VENV/.contactdesk-setup-stamp"

export UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"   # use the system CA store
export PIP_DISABLE_PIP_VERSION_CHECK=1

mode=runtime
for arg in "$@"; do
    case "$arg" in
        --test) mode="test" ;;
        --dist) mode="dist" ;;
        --uv-only) mode="uv-only" ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg (use --test, --dist, --uv-only or --help)" >&2; exit 2 ;;
    esac
done

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

case "$mode" in
    test|dist) LOCK="requirements/lock-test.txt" ;;   # the test extra holds pyinstaller
    *) LOCK="requirements/lock.txt" ;;
esac

# --------------------------------------------------------------------------
# 1. System packages
# --------------------------------------------------------------------------
APT_PACKAGES=(
    libglib2.0-0 libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
    fonts-dejavu-core xvfb xauth
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
)
if [[ "$mode" == uv-only ]]; then
    APT_PACKAGES=()
elif [[ "$mode" == test ]]; then
    APT_PACKAGES+=(postgresql poppler-utils desktop-file-utils appstream)
elif [[ "$mode" == dist ]]; then
    APT_PACKAGES+=(desktop-file-utils appstream)   # validate the .desktop and metainfo files
fi

venv_usable() { [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.11 or newer (or set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$("$PYTHON" -V 2>&1) is too old: ContactDesk needs Python >= 3.11 (set PYTHON=python3.11 ...)"

# python3-venv is only needed when we must create .venv and the interpreter
# cannot do it (Debian/Ubuntu ship ensurepip in a separate package).
if ! venv_usable && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    APT_PACKAGES+=(python3-venv)
fi

missing=()
if (( ${#APT_PACKAGES[@]} )); then
    if command -v dpkg-query >/dev/null 2>&1; then
        installed="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
            "${APT_PACKAGES[@]}" "${APT_PACKAGES[@]/%/t64}" 2>/dev/null | awk '$2 == "ii" {print $1}' || true)"
        for pkg in "${APT_PACKAGES[@]}"; do
            # Ubuntu 24.04 renamed some libraries to <name>t64; accept either.
            if ! grep -qxF -e "$pkg" -e "${pkg}t64" <<<"$installed"; then
                missing+=("$pkg")
            fi
        done
    else
        say "WARNING: dpkg-query not found (not Debian/Ubuntu?); install these yourself if missing: ${APT_PACKAGES[*]}"
    fi
fi

if (( ${#missing[@]} )); then
    if [[ "$(id -u)" -eq 0 ]]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        die "missing system packages (${missing[*]}) and not root, and sudo is not available"
    fi
    say "installing system packages: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
    say "system packages installed"
elif (( ${#APT_PACKAGES[@]} )); then
    say "system packages: all present"
fi

# --------------------------------------------------------------------------
# 2. Virtual environment with uv
# --------------------------------------------------------------------------
if ! venv_usable; then
    [[ -e "$VENV" ]] && { say "removing broken $VENV"; rm -rf "$VENV"; }
    say "creating $VENV with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi

if [[ ! -x "$VENV/bin/uv" ]] || [[ "$("$VENV/bin/uv" --version 2>/dev/null | awk '{print $2}')" != "$UV_VERSION" ]]; then
    if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        # e.g. a venv made by `uv venv`, which has no pip
        "$VENV/bin/python" -m ensurepip --default-pip >/dev/null 2>&1 || {
            say "$VENV has no pip; recreating it"
            rm -rf "$VENV"
            "$PYTHON" -m venv "$VENV"
        }
    fi
    say "installing uv $UV_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi

if [[ "$mode" == uv-only ]]; then
    say "done ($VENV/bin/uv ready)"
    exit 0
fi

# --------------------------------------------------------------------------
# 3. Python dependencies (skipped when the lock file is unchanged)
# --------------------------------------------------------------------------
[[ -f "$LOCK" ]] || die "$LOCK not found: run 'make lock'"

# Bytecode is compiled here, at install, not at each start: where PYTHONDONTWRITEBYTECODE is
# set Python never keeps what it compiles, and would compile SQLAlchemy, PySide6's helpers and
# the app again every time the app starts.
BYTECODE_STAMP="$VENV/.bytecode-compiled"   # packages installed before this step get compiled once

compile_app_bytecode() {
    # Only sources newer than their bytecode are compiled: quick when nothing changed.
    "$VENV/bin/python" -m compileall -q -j0 contactdesk ui db >/dev/null \
        || say "WARNING: some of the app's modules did not compile (the app will say which)"
}

want_stamp="$(cat "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1) $LOCK"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]]; then
    say "python packages: up to date ($LOCK unchanged)"
    if [[ ! -f "$BYTECODE_STAMP" ]]; then   # installed before bytecode was compiled here
        say "compiling the installed packages' bytecode (once)"
        "$VENV/bin/python" -m compileall -q -j0 \
            "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
            >/dev/null 2>&1 || true   # a few packages ship files that are not Python 3.11
        touch "$BYTECODE_STAMP"
    fi
    compile_app_bytecode
    exit 0
fi

say "installing python packages from $LOCK"
rm -f "$STAMP"
"$VENV/bin/uv" pip install --quiet --compile-bytecode --python "$VENV/bin/python" -r "$LOCK"
touch "$BYTECODE_STAMP"
say "installing contactdesk (editable)"
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps --reinstall-package contactdesk -e .
compile_app_bytecode
printf '%s\n' "$want_stamp" >"$STAMP"
say "done"
