"""Where the database is, first found wins: --db, $CONTACTDESK_DATABASE_URL, ``database.url``
in the user's settings file, ``database.url`` in the system-wide settings file an administrator
presets (see system_config), then a file in the user's data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from .system_config import SettingsFile, SettingsFileError, setting, settings_files

ENV_DATABASE_URL = "CONTACTDESK_DATABASE_URL"
APP_NAME = "ContactDesk"


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "contactdesk.sqlite3"


def drafts_dir() -> Path:
    """Where each person's unsaved work is kept between autosaves (their own data folder)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "drafts"


def outbox_dir() -> Path:
    """Where calls taken while the database was unreachable wait to be sent."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "outbox"


@dataclass(frozen=True)
class DatabaseChoice:
    url: str
    is_default: bool  # the local file in the user's data folder
    source: str  # where the URL came from, for people to read


def choose_database(cli_value: str | None,
                    files: list[SettingsFile] | None = None) -> DatabaseChoice:
    """The database to use and why; a settings file that cannot be read raises SettingsFileError."""
    if cli_value:
        return DatabaseChoice(cli_value, False, "--db")
    from_env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if from_env:
        return DatabaseChoice(from_env, False, f"${ENV_DATABASE_URL}")
    found = setting("database.url", files)
    if found:
        url, file = found
        return DatabaseChoice(str(url), False, f"{file.scope} settings file {file.path}")
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return DatabaseChoice(f"sqlite:///{path}", True, "default local file")


def resolve_database_url(cli_value: str | None) -> tuple[str, bool]:
    """The database URL to use, and whether it is the default local file."""
    choice = choose_database(cli_value)
    return choice.url, choice.is_default


def option(name: str, default):
    """``options.<name>`` from the settings files (the user's over the system's), else
    ``default``; an unreadable file gives ``default`` here (choosing the database already
    said what is wrong with it)."""
    try:
        found = setting(f"options.{name}")
    except SettingsFileError:
        return default
    return default if found is None else found[0]


def settings_summary() -> list[tuple[str, str]]:
    """(which, where and what it sets) per settings file, system first (Help > About and support
    calls: a user's own setting never hides the system file)."""
    try:
        return [(f"{file.scope.capitalize()} settings", file.describe())
                for file in settings_files()]
    except SettingsFileError as exc:
        return [("Settings", str(exc))]


def describe_database(url: str) -> str:
    """The URL for people to read: the file path for SQLite; otherwise any password, in the
    address or as a ``password=`` parameter, shown as ***."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:  # the last @ ends the user part: a password may hold one too
        user_part, host = netloc.rsplit("@", 1)
        user, has_password, _ = user_part.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    query = urlencode([(key, "***" if key.lower() == "password" else value)
                       for key, value in parse_qsl(parts.query, keep_blank_values=True)],
                      safe="*")
    return urlunsplit(parts._replace(netloc=netloc, query=query))
