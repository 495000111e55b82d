"""Shared mode: each person signs in with their own PostgreSQL login, mapped to their user."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from contactdesk.auth.credentials import REFUSED, Password, SignInRefused
from contactdesk.workspace import Workspace
from tests.contactdesk.front_door.people import GOOD


@pytest.fixture
def url(fresh_database_url):
    return fresh_database_url("postgresql")


def test_users_add_creates_a_login_that_signs_in_as_that_person(url):
    name = f"agent_{uuid.uuid4().hex[:8]}"  # logins are server-wide
    owner = Workspace.for_this_account(url)
    owner.users.add_user(name, "agent", "Priya Shah", GOOD)
    with owner.ctx.database.engine.connect() as connection:
        login = connection.execute(text(
            "SELECT rolcanlogin, rolsuper, rolpassword LIKE 'SCRAM-SHA-256$%' "
            "FROM pg_authid WHERE rolname = :n"), {"n": name}).one()
        stored = connection.scalar(text("SELECT password_hash FROM users WHERE username = :n"),
                                   {"n": name})
    assert tuple(login) == (True, False, True)
    assert stored is None  # the server keeps the password, not the app

    priya = Workspace.open(url, Password(name, GOOD))
    assert priya.actor.username == name and priya.actor.role == "agent"
    with priya.ctx.database.engine.connect() as connection:
        assert connection.scalar(text("SELECT current_user")) == name
    priya.close()

    with pytest.raises(SignInRefused) as wrong:
        Workspace.open(url, Password(name, GOOD + "!"))
    assert str(wrong.value) == REFUSED

    owner.users.disable_user(name)
    with pytest.raises(SignInRefused):
        Workspace.open(url, Password(name, GOOD))
    owner.close()


def test_a_login_without_a_contactdesk_user_is_told_what_to_ask_for(url, postgres_server):
    name = f"stray_{uuid.uuid4().hex[:8]}"
    owner = Workspace.for_this_account(url)
    owner.users.add_user(f"first_{uuid.uuid4().hex[:6]}", "admin", "First Admin", GOOD)
    with owner.ctx.database.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD 'x{GOOD}'")
    owner.close()
    with pytest.raises(SignInRefused, match=f"login '{name}' has no ContactDesk user"):
        Workspace.open(url, Password(name, "x" + GOOD))


def test_a_server_that_lets_anyone_in_without_a_password_is_refused(url):
    # The test server trusts its superuser: any password would do, so none is believed.
    with pytest.raises(SignInRefused, match="did not ask for a password.*scram-sha-256"):
        Workspace.open(url, Password("postgres", "not the password at all"))


def test_an_existing_role_is_never_taken_over(url):
    from contactdesk.domain.errors import ValidationError

    other = f"otherapp_{uuid.uuid4().hex[:6]}"
    owner = Workspace.for_this_account(url)
    with owner.ctx.database.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {other} LOGIN PASSWORD 'theirs, not ours!'")
    with pytest.raises(ValidationError, match="already a login on this PostgreSQL server"):
        owner.users.add_user(other, "agent", "Other App", GOOD)
    with pytest.raises(ValidationError, match="already a login"):
        owner.users.add_user("postgres", "admin", "Post Gres", GOOD)
    owner.close()


def test_an_administrator_adds_people_through_the_owners_functions(url):
    admin = f"admin_{uuid.uuid4().hex[:8]}"
    owner = Workspace.for_this_account(url)
    owner.users.add_user(admin, "admin", "Helen Firth", GOOD)
    owner.close()
    helen = Workspace.open(url, Password(admin, GOOD))
    with helen.ctx.database.engine.connect() as connection:
        may_create_roles = connection.scalar(text(
            "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user"))
    assert may_create_roles is False  # the login itself cannot make roles
    gary = f"agent_{uuid.uuid4().hex[:8]}"
    helen.users.add_user(gary, "agent", "Gary Hobson", GOOD)
    helen.close()
    signed_in = Workspace.open(url, Password(gary, GOOD))
    assert signed_in.actor.role == "agent"
    with signed_in.ctx.database.engine.connect() as connection:
        groups = connection.scalars(text(
            "SELECT g FROM unnest(ARRAY['agent','supervisor','admin','telephony']) g "
            "WHERE pg_has_role(current_user, g, 'MEMBER')")).all()
    assert groups == ["agent"]
    signed_in.close()
