"""Local sign-in (SQLite): Argon2id hashes, the password policy, throttling, one message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from contactdesk.auth.credentials import REFUSED, Password, SignInRefused
from contactdesk.auth.hashing import Hasher
from contactdesk.domain.errors import ValidationError
from contactdesk.persistence.models import User
from contactdesk.workspace import Workspace
from tests.contactdesk.front_door.people import GOOD


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def url(fresh_database_url):
    return fresh_database_url("sqlite")


@pytest.fixture
def admin(url):
    workspace = Workspace.for_this_account(url)
    yield workspace
    workspace.close()


def test_stored_hashes_are_argon2id_with_the_minimum_parameters(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    stored = admin.ctx.database.engine.connect().execute(
        text("SELECT password_hash FROM users WHERE username = 'priya'")).scalar()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    signed_in = Workspace.open(url, Password("priya", GOOD))
    assert signed_in.actor.username == "priya" and signed_in.actor.role == "agent"
    signed_in.close()


@pytest.mark.parametrize("password, accepted", [
    ("fourteen chars", False),          # 14
    ("fifteen chars!!", True),          # 15
    ("a long passphrase with spaces and Ünïcödé letters: 雨の日の午後 ☂ and still going on",
     True),                             # 64+
    ("passwordpassword", False),        # blocklisted
])
def test_the_password_policy_at_users_add(admin, password, accepted):
    if accepted:
        user = admin.users.add_user("dean", "agent", "Dean Staniforth", password)
        assert user.username == "dean"
    else:
        with pytest.raises(ValidationError) as refused:
            admin.users.add_user("dean", "agent", "Dean Staniforth", password)
        assert refused.value.issues[0].field == "password"


def test_unknown_user_and_wrong_password_get_the_same_message(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    with pytest.raises(SignInRefused) as wrong:
        Workspace.open(url, Password("priya", GOOD + "?"))
    with pytest.raises(SignInRefused) as unknown:
        Workspace.open(url, Password("nobody.here", GOOD))
    assert str(wrong.value) == str(unknown.value) == REFUSED


def test_repeated_failures_slow_down_that_name_but_never_lock_it_out(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    clock = Clock()
    for _ in range(5):
        with pytest.raises(SignInRefused, match="do not match"):
            Workspace.open(url, Password("priya", "not the password at all"), clock=clock)
    # Even the right password waits now, and the same holds for a name that does not exist.
    with pytest.raises(SignInRefused, match=r"wait 2 seconds"):
        Workspace.open(url, Password("priya", GOOD), clock=clock)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            Workspace.open(url, Password("ghost", "not the password at all"), clock=clock)
    with pytest.raises(SignInRefused, match=r"wait 2 seconds"):
        Workspace.open(url, Password("ghost", GOOD), clock=clock)
    # Another name is not slowed down by them.
    admin.users.add_user("gary", "agent", "Gary Hobson", GOOD)
    Workspace.open(url, Password("gary", GOOD), clock=clock).close()
    clock.now += timedelta(seconds=3)
    workspace = Workspace.open(url, Password("priya", GOOD), clock=clock)
    assert workspace.actor.username == "priya"
    workspace.close()
    # A success clears the count: one more failure does not wait.
    with pytest.raises(SignInRefused, match="do not match"):
        Workspace.open(url, Password("priya", "wrong again, sorry"), clock=clock)


def test_a_raised_parameter_rehashes_at_sign_in(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    weaker = Hasher(time_cost=1, memory_cost=8192).hash(GOOD)
    engine = admin.ctx.database.engine
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET password_hash = :h WHERE username = 'priya'"),
                           {"h": weaker})
    Workspace.open(url, Password("priya", GOOD)).close()
    with engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash).where(User.username == "priya"))
    assert stored != weaker and stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_disabled_user_cannot_sign_in_and_passwords_can_change(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    priya = Workspace.open(url, Password("priya", GOOD))
    priya.users.set_password("priya", "a brand new passphrase for priya")  # her own
    priya.close()
    with pytest.raises(SignInRefused):
        Workspace.open(url, Password("priya", GOOD))
    Workspace.open(url, Password("priya", "a brand new passphrase for priya")).close()
    admin.users.disable_user("priya")
    with pytest.raises(SignInRefused, match="do not match"):
        Workspace.open(url, Password("priya", "a brand new passphrase for priya"))


def test_an_agent_cannot_set_someone_elses_password(url, admin):
    from contactdesk.domain.errors import PermissionDenied

    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    admin.users.add_user("gary", "agent", "Gary Hobson", GOOD)
    priya = Workspace.open(url, Password("priya", GOOD))
    with pytest.raises(PermissionDenied):
        priya.users.set_password("gary", "priya chose this for gary")
    priya.close()


def test_the_audit_never_holds_a_password_hash(url, admin):
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    admin.users.set_password("priya", "another long passphrase here")
    with admin.ctx.database.engine.connect() as connection:
        values = connection.execute(text(
            "SELECT coalesce(old_value, '') || coalesce(new_value, '') FROM audit_log "
            "WHERE entity = 'users'")).scalars().all()
    assert values and not any("argon2" in value for value in values)


def test_the_first_administrator_only_on_an_empty_database(url):
    from contactdesk.domain.errors import PermissionDenied

    assert not Workspace.before_sign_in(url).has_users
    first = Workspace.create_first_admin(url, "helen.firth", "Helen Firth", GOOD)
    assert first.actor.role == "admin" and first.actor.username == "helen.firth"
    first.close()
    assert Workspace.before_sign_in(url).has_users
    with pytest.raises(PermissionDenied):
        Workspace.create_first_admin(url, "mallory", "Mallory", GOOD)


def test_someone_disabled_while_signed_in_can_change_nothing_more(url, admin):
    from contactdesk.domain.errors import PermissionDenied

    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    priya = Workspace.open(url, Password("priya", GOOD))
    admin.users.disable_user("priya")
    with pytest.raises(PermissionDenied, match="priya can no longer make changes"):
        priya.users.set_password("priya", "she tries to get back in here")
    priya.close()
