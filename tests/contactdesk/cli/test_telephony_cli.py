"""`contactdesk telephony configure|status` and `users set-device`, run as a person would."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import make_url

from contactdesk.workspace import Workspace
from tests.contactdesk.cli.helpers import one_line_error, run_cli
from tests.contactdesk.front_door.people import GOOD
from tests.helpers.ami_peer import ScriptedAmiPeer

SECRET = "s3cret"


@pytest.fixture
def url(fresh_database_url):
    return fresh_database_url("sqlite")


@pytest.fixture
def peer():
    with ScriptedAmiPeer(username="contactdesk", secret=SECRET) as running:
        yield running


def configure(url: str, port, secret: str = SECRET, host: str = "127.0.0.1"):
    return run_cli("telephony", "configure", "--ami-host", host, "--ami-port", str(port),
                   "--ami-user", "contactdesk", "--ami-secret-stdin", db=url, input=secret + "\n")


def test_configure_then_status_logs_in_and_never_shows_the_secret(url, peer):
    assert "not configured" in run_cli("telephony", "status", db=url).out
    done = configure(url, peer.port)
    assert done.code == 0, done.err
    assert f"127.0.0.1:{peer.port} as contactdesk" in done.out and SECRET not in done.out
    status = run_cli("telephony", "status", db=url)
    assert status.code == 0, status.err
    assert f"127.0.0.1:{peer.port}, manager account contactdesk, secret set" in status.out
    assert "Test login: accepted." in status.out
    assert SECRET not in status.out + status.err
    assert [a.get("Username") for a in peer.actions if a.name == "Login"] == ["contactdesk"]


def test_a_refused_or_unreachable_test_login_is_one_line_within_the_timeout(url, peer):
    configure(url, peer.port, secret="not the secret")
    refused = run_cli("telephony", "status", "--timeout", "2", db=url)
    assert refused.code == 2
    assert "test login failed: The phone system refused the login" in one_line_error(refused)
    assert "not the secret" not in refused.out + refused.err
    peer.go_down()
    down = run_cli("telephony", "status", "--timeout", "1", db=url, timeout=20)
    assert down.code == 2
    assert "did not accept a connection within 1 seconds" in one_line_error(down)


@pytest.mark.parametrize(("port", "host", "says"), [
    ("70000", "pbx.council.local", "'70000' is not a port: give a whole number from 1 to 65535"),
    ("5038", "pbx council", "'pbx council' is not a host name or IP address")])
def test_a_bad_port_or_host_is_one_sentence_and_exit_2(url, port, host, says):
    result = configure(url, port, host=host)
    assert result.code == 2
    assert says in one_line_error(result)
    assert "not configured" in run_cli("telephony", "status", db=url).out


def test_the_secret_is_never_taken_from_the_command_line(url):
    result = run_cli("telephony", "configure", "--ami-host", "pbx", "--ami-user", "cd", db=url)
    assert result.code == 2 and "--ami-secret-stdin" in one_line_error(result)


def test_set_device_validates_the_interface_and_clears_it(url):
    Workspace.for_this_account(url).users.add_user("alex", "agent", "Alex Agent", GOOD)
    done = run_cli("users", "set-device", "alex", "--interface", "PJSIP/1001", db=url)
    assert done.code == 0 and "alex answers PJSIP/1001" in done.out
    bad = run_cli("users", "set-device", "alex", "--interface", "1001", db=url)
    assert bad.code == 2 and "e.g. PJSIP/1001" in one_line_error(bad)
    cleared = run_cli("users", "set-device", "alex", "--clear", db=url)
    assert cleared.code == 0 and "no phone of their own" in cleared.out


def test_an_agent_cannot_configure_and_postgresql_refuses_it(fresh_database_url):
    url = fresh_database_url("postgresql")
    login = f"agent_{uuid.uuid4().hex[:6]}"
    owner = Workspace.for_this_account(url)
    owner.users.add_user(login, "agent", "Alex Agent", GOOD)
    owner.close()
    as_agent = make_url(url).set(username=login, password=GOOD).render_as_string(
        hide_password=False)
    result = configure(as_agent, 5038, host="evil.example")
    assert result.code == 2
    assert "may not change the phone system connection: ask an administrator." in \
        one_line_error(result)
