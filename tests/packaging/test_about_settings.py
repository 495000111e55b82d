"""Help > About names the system-wide settings file an administrator installed, and what it
sets, even when the user's own file overrides it."""

from __future__ import annotations

from types import SimpleNamespace

from ui.about import AboutDialog


def test_about_names_the_system_settings_file_beside_the_users_own(qtbot, tmp_path, monkeypatch):
    system = tmp_path / "system.toml"
    system.write_text('[database]\nurl = "postgresql://db.council.local/contactdesk"\n',
                      encoding="utf-8")
    user = tmp_path / "config" / "ContactDesk" / "config.toml"
    user.parent.mkdir(parents=True)
    training = tmp_path / "training.sqlite3"
    user.write_text(f'[database]\nurl = "sqlite:///{training}"\n', encoding="utf-8")
    monkeypatch.setenv("CONTACTDESK_SYSTEM_CONFIG", str(system))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    signed_in = SimpleNamespace(full_name="Helen Firth", username="helen.firth", role="admin")
    about = AboutDialog(SimpleNamespace(user=signed_in, location=str(training)))
    qtbot.addWidget(about)
    facts = dict(about.facts)
    assert facts["System settings"] == f"{system} (sets database.url)"
    assert facts["User settings"] == f"{user} (sets database.url)"
    assert str(system) in about.details.text()
