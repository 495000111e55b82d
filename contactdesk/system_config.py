"""Settings files: a system-wide one an administrator presets for every user, then the user's own.

Both are TOML with the same keys::

    [database]
    url = "postgresql://contactdesk-db.council.local/contactdesk"

    [options]
    theme = "high-contrast"      # or "normal"
    idle_lock_minutes = 10

The system file is read first and the user's file may override a key; every view of the
settings (``contactdesk config show``, Help > About) still names the system file and what it
sets, so a user setting never hides it. Where the system file is, per platform:

- Linux: ``$XDG_CONFIG_DIRS/contactdesk/config.toml`` (default ``/etc/xdg``), else
  ``/etc/contactdesk/config.toml``; the first that exists is the one read.
- Windows: ``%PROGRAMDATA%\\ContactDesk\\config.toml``.
- macOS: ``/Library/Application Support/ContactDesk/config.toml``.

``$CONTACTDESK_SYSTEM_CONFIG`` names a file to read instead (tests, trials of a new setting).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import site_config_dir, user_config_dir

from .domain.errors import ContactDeskError

APP_NAME = "ContactDesk"
FILE_NAME = "config.toml"
ENV_SYSTEM_CONFIG = "CONTACTDESK_SYSTEM_CONFIG"
THEMES = ("normal", "high-contrast")

# Each key a file may set ("table.key"), with a check that returns a sentence when the value is
# unusable, or None.
KNOWN_SETTINGS = {
    "database.url": lambda v: None if isinstance(v, str) and v.strip() else
    "must be a database URL in quotes, e.g. \"postgresql://server/contactdesk\"",
    "options.theme": lambda v: None if v in THEMES else
    f"must be one of {', '.join(repr(t) for t in THEMES)}",
    "options.idle_lock_minutes": lambda v: None if isinstance(v, int | float)
    and not isinstance(v, bool) and v >= 0 else "must be a number of minutes (0: never lock)",
}


class SettingsFileError(ContactDeskError):
    """A settings file cannot be used; the sentence names the file (and the line if known)."""


@dataclass(frozen=True)
class SettingsFile:
    path: Path
    scope: str  # "system" or "user"
    exists: bool
    values: dict[str, object] = field(default_factory=dict)  # "table.key" -> value

    def describe(self) -> str:
        """For people: which file, and what it sets."""
        if not self.exists:
            return f"{self.path} (none there)"
        sets = ", ".join(self.values) if self.values else "nothing"
        return f"{self.path} (sets {sets})"


def system_config_candidates() -> list[Path]:
    override = os.environ.get(ENV_SYSTEM_CONFIG, "").strip()
    if override:
        return [Path(override)]
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        dirs = os.environ.get("XDG_CONFIG_DIRS", "").strip() or "/etc/xdg"
        return ([Path(d) / "contactdesk" / FILE_NAME for d in dirs.split(os.pathsep) if d]
                + [Path("/etc/contactdesk") / FILE_NAME])
    return [Path(site_config_dir(APP_NAME, appauthor=False)) / FILE_NAME]


def system_config_path() -> Path:
    """The system file read: the first candidate that exists, else the documented place."""
    candidates = system_config_candidates()
    return next((path for path in candidates if _is_file(path)), candidates[-1])


def _is_file(path: Path) -> bool:
    """True also when the file's folder cannot be searched: reading it then says so plainly
    (a system file an administrator made unreadable must not be silently skipped)."""
    try:
        return path.is_file()
    except OSError:
        return True


def user_config_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def read_settings_file(path: Path, scope: str) -> SettingsFile:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return SettingsFile(path, scope, exists=False)
    except OSError as exc:
        raise SettingsFileError(f"The {scope} settings file {path} cannot be read: "
                                f"{exc.strerror or exc}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsFileError(f"The {scope} settings file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f" at line {found.group(1)}" if found else ""
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise SettingsFileError(f"The {scope} settings file {path} is not valid TOML{where}: "
                                f"{reason}.") from None
    return SettingsFile(path, scope, exists=True, values=_checked(data, path, scope))


def _checked(data: dict, path: Path, scope: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for table, content in data.items():
        if not isinstance(content, dict):
            raise SettingsFileError(f"The {scope} settings file {path} sets '{table}' outside a "
                                    "table: put it under [database] or [options].")
        for key, value in content.items():
            name = f"{table}.{key}"
            if name not in KNOWN_SETTINGS:
                known = ", ".join(KNOWN_SETTINGS)
                raise SettingsFileError(f"The {scope} settings file {path} has an unknown "
                                        f"setting '{name}' (known: {known}).")
            problem = KNOWN_SETTINGS[name](value)
            if problem:
                raise SettingsFileError(f"In the {scope} settings file {path}, {name} {problem}.")
            values[name] = value.strip() if isinstance(value, str) else value
    return values


def settings_files() -> list[SettingsFile]:
    """The system file, then the user's: later files override earlier ones, key by key."""
    return [read_settings_file(system_config_path(), "system"),
            read_settings_file(user_config_path(), "user")]


def setting(name: str, files: list[SettingsFile] | None = None) -> tuple[object, SettingsFile] | None:
    """The value of ``name`` ("table.key") and the file it comes from, or None if no file sets it."""
    found = None
    for file in settings_files() if files is None else files:
        if name in file.values:
            found = (file.values[name], file)
    return found
