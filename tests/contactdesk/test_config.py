"""Where the database and options come from: --db, the environment, the user's settings file,
the system-wide file an administrator presets, then the local default file."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactdesk.cli.main import main
from contactdesk.config import choose_database, resolve_database_url, settings_summary
from contactdesk.system_config import (
    SettingsFileError,
    read_settings_file,
    setting,
    settings_files,
    system_config_candidates,
    system_config_path,
    user_config_path,
)

SYSTEM_URL = "postgresql://contactdesk:s3cret@db.council.local/contactdesk"
USER_URL = "sqlite:////srv/contactdesk/training.sqlite3"


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """A system file named by the environment, and a user profile, both in the test's folder."""
    system = tmp_path / "etc" / "config.toml"
    system.parent.mkdir()
    monkeypatch.setenv("CONTACTDESK_SYSTEM_CONFIG", str(system))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CONTACTDESK_DATABASE_URL", raising=False)
    return system


def write_user_file(text: str):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_without_settings_files_the_database_is_the_local_default_file(dirs, tmp_path):
    url, is_default = resolve_database_url(None)
    assert is_default and url == f"sqlite:///{tmp_path}/data/ContactDesk/contactdesk.sqlite3"


def test_the_system_file_presets_the_database_for_every_user(dirs):
    dirs.write_text(f'[database]\nurl = "{SYSTEM_URL}"\n', encoding="utf-8")
    choice = choose_database(None)
    assert (choice.url, choice.is_default) == (SYSTEM_URL, False)
    assert choice.source == f"system settings file {dirs}"


def test_the_order_is_command_line_environment_user_file_system_file(dirs, monkeypatch):
    dirs.write_text(f'[database]\nurl = "{SYSTEM_URL}"\n', encoding="utf-8")
    write_user_file(f'[database]\nurl = "{USER_URL}"\n')
    assert choose_database(None).url == USER_URL
    monkeypatch.setenv("CONTACTDESK_DATABASE_URL", "sqlite:////tmp/from-env.sqlite3")
    assert choose_database(None).url == "sqlite:////tmp/from-env.sqlite3"
    assert choose_database("sqlite:////tmp/cli.sqlite3").source == "--db"


def test_options_are_read_system_first_and_the_user_may_override_one(dirs):
    dirs.write_text('[options]\ntheme = "high-contrast"\nidle_lock_minutes = 10\n', encoding="utf-8")
    write_user_file("[options]\nidle_lock_minutes = 2.5\n")
    files = settings_files()
    theme, source = setting("options.theme", files)
    assert (theme, source.scope) == ("high-contrast", "system")
    minutes, source = setting("options.idle_lock_minutes", files)
    assert (minutes, source.scope) == (2.5, "user")


def test_invalid_toml_is_one_sentence_naming_the_file_and_the_line(dirs):
    dirs.write_text('[database]\nurl = "postgresql://db\n', encoding="utf-8")
    with pytest.raises(SettingsFileError) as raised:
        resolve_database_url(None)
    message = str(raised.value)
    assert message.startswith(f"The system settings file {dirs} is not valid TOML at line 2: ")
    assert "\n" not in message


@pytest.mark.parametrize(("text", "expected"), [
    ('[options]\nthem = "normal"\n', "has an unknown setting 'options.them'"),
    ('[options]\ntheme = "dark"\n', "options.theme must be one of 'normal', 'high-contrast'"),
    ("[options]\nidle_lock_minutes = -1\n", "options.idle_lock_minutes must be a number"),
    ('url = "sqlite:///x"\n', "sets 'url' outside a table"),
])
def test_a_setting_that_cannot_be_used_is_named(dirs, text, expected):
    write_user_file(text)
    with pytest.raises(SettingsFileError, match="user settings file") as raised:
        settings_files()
    assert expected in str(raised.value)


def test_the_linux_system_file_is_looked_for_in_xdg_config_dirs_then_etc(monkeypatch, tmp_path):
    monkeypatch.delenv("CONTACTDESK_SYSTEM_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{tmp_path}/a:{tmp_path}/b")
    assert system_config_candidates() == [tmp_path / "a/contactdesk/config.toml",
                                          tmp_path / "b/contactdesk/config.toml",
                                          Path("/etc/contactdesk/config.toml")]
    found = tmp_path / "b/contactdesk/config.toml"
    found.parent.mkdir(parents=True)
    found.write_text("", encoding="utf-8")
    assert system_config_path() == found


def test_a_system_file_whose_folder_cannot_be_searched_is_said_not_skipped(monkeypatch, tmp_path):
    # As root every folder can be searched, so the refusal an ordinary account would meet
    # is given by Path.is_file for this one folder.
    monkeypatch.delenv("CONTACTDESK_SYSTEM_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{tmp_path}/locked")
    locked = tmp_path / "locked/contactdesk/config.toml"
    is_file, read_bytes = Path.is_file, Path.read_bytes

    def refusing(real):
        def look(path):
            if path == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        return look

    monkeypatch.setattr(Path, "is_file", refusing(is_file))
    monkeypatch.setattr(Path, "read_bytes", refusing(read_bytes))
    assert system_config_path() == locked
    with pytest.raises(SettingsFileError, match="cannot be read"):
        read_settings_file(system_config_path(), "system")


def test_config_show_names_the_system_file_even_when_the_user_overrides_it(dirs, capsys):
    dirs.write_text(f'[database]\nurl = "{SYSTEM_URL}"\n', encoding="utf-8")
    user_file = write_user_file(f'[database]\nurl = "{USER_URL}"\n')
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert f"system settings: {dirs} (sets database.url)" in out
    assert "postgresql://contactdesk:***@db.council.local/contactdesk" in out
    assert "s3cret" not in out
    assert f"database: /srv/contactdesk/training.sqlite3  (from user settings file {user_file})" in out
    assert settings_summary()[0] == ("System settings", f"{dirs} (sets database.url)")


def test_config_show_with_a_broken_file_fails_with_its_sentence(dirs, capsys):
    dirs.write_text("[database\n", encoding="utf-8")
    assert main(["config", "show"]) == 2
    assert capsys.readouterr().err.startswith(f"contactdesk: The system settings file {dirs} ")


def test_the_shipped_template_parses_and_each_example_setting_is_a_known_one(tmp_path):
    template = Path(__file__).resolve().parents[2] / "packaging" / "config.example.toml"
    assert read_settings_file(template, "system").values == {}  # everything commented out
    examples = [line.removeprefix("# ") if line.startswith(("# url", "# theme", "# idle")) else line
                for line in template.read_text(encoding="utf-8").splitlines()]
    uncommented = tmp_path / "config.toml"
    uncommented.write_text("\n".join(examples), encoding="utf-8")
    assert set(read_settings_file(uncommented, "system").values) == {
        "database.url", "options.theme", "options.idle_lock_minutes"}


def test_options_preset_by_the_system_file_reach_the_desk_unless_the_user_or_environment_say_otherwise(
        dirs, monkeypatch):
    from contactdesk.config import option
    from ui.app import chosen_theme
    from ui.desk import DEFAULT_IDLE_MINUTES, idle_minutes_from_environment

    monkeypatch.delenv("CONTACTDESK_THEME", raising=False)
    monkeypatch.delenv("CONTACTDESK_IDLE_LOCK_MINUTES", raising=False)
    assert (chosen_theme(), idle_minutes_from_environment()) == ("normal", DEFAULT_IDLE_MINUTES)

    dirs.write_text('[options]\ntheme = "high-contrast"\nidle_lock_minutes = 3\n')
    assert (chosen_theme(), idle_minutes_from_environment()) == ("high-contrast", 3.0)

    write_user_file('[options]\nidle_lock_minutes = 0\n')  # this person's desk never locks
    assert (chosen_theme(), idle_minutes_from_environment()) == ("high-contrast", 0.0)

    monkeypatch.setenv("CONTACTDESK_THEME", "normal")
    monkeypatch.setenv("CONTACTDESK_IDLE_LOCK_MINUTES", "5")
    assert (chosen_theme(), idle_minutes_from_environment()) == ("normal", 5.0)

    dirs.write_text('[options]\ntheme = "pink"\n')  # unusable: the defaults, not a crash here
    assert option("theme", "normal") == "normal"


@pytest.mark.parametrize("url, shown", [
    ("postgresql+psycopg://sam:s3cret@db.council.local/contactdesk",
     "postgresql+psycopg://sam:***@db.council.local/contactdesk"),
    ("postgresql+psycopg://sam:p@ss:w0rd@db/contactdesk", "postgresql+psycopg://sam:***@db/contactdesk"),
    ("postgresql+psycopg://db/contactdesk?user=sam&password=s3cret&sslmode=require",
     "postgresql+psycopg://db/contactdesk?user=sam&password=***&sslmode=require"),
    ("postgresql+psycopg://sam@db/contactdesk", "postgresql+psycopg://sam@db/contactdesk"),
    ("sqlite:///contactdesk.sqlite3", "contactdesk.sqlite3"),
])
def test_a_database_url_is_shown_without_its_password(url, shown):
    from contactdesk.config import describe_database

    assert describe_database(url) == shown
