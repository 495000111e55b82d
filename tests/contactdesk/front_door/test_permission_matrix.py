"""Every operation is refused for the roles the matrix excludes and allowed for the others,
both at the front door and when the service is called directly with that actor."""

from __future__ import annotations

import inspect
from importlib import import_module
from pathlib import Path

import pytest

from contactdesk.context import Actor, ServiceContext, permission_of
from contactdesk.domain.errors import PermissionDenied
from contactdesk.domain.permissions import MATRIX, Permission, Role, allowed, markdown_table
from contactdesk.workspace import AREAS, Workspace

ROOT = Path(__file__).resolve().parents[3]


class _NotAnArgument:
    """Passed as an unexpected keyword: an allowed call fails on it, after the check."""


def _call(function, *args):
    try:
        function(*args, not_an_argument=_NotAnArgument())
    except PermissionDenied:
        return "refused"
    except TypeError as exc:
        assert "not_an_argument" in str(exc), exc
        return "allowed"
    raise AssertionError(f"{function.__name__} ran with an unexpected argument")


def _operations():
    for area, modules in AREAS.items():
        for name in modules:
            module = import_module(f"contactdesk.{name}")
            for attr, function in sorted(vars(module).items()):
                if permission_of(function) and function.__module__ == module.__name__:
                    yield area, attr, function


OPERATIONS = list(_operations())


def test_every_area_offers_operations_and_every_permission_is_used():
    areas = {area for area, _name, _function in OPERATIONS}
    assert areas == set(AREAS)
    used = {permission_of(function) for _area, _name, function in OPERATIONS}
    assert used == set(Permission)


def test_every_public_service_function_taking_a_context_is_a_checked_operation():
    unchecked = []
    for modules in AREAS.values():
        for name in modules:
            module = import_module(f"contactdesk.{name}")
            for attr, function in vars(module).items():
                if attr.startswith("_") or not inspect.isfunction(function):
                    continue
                if getattr(function, "__module__", None) != module.__name__:
                    continue
                params = list(inspect.signature(function).parameters)
                if params[:1] == ["ctx"] and permission_of(function) is None:
                    unchecked.append(f"{name}.{attr}")
    assert unchecked == []


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_gets_exactly_what_the_matrix_gives(role, database):
    actor = Actor(f"someone.{role.value}", role, "Someone")
    workspace = Workspace(database, actor)
    ctx = ServiceContext(database, actor)
    seen_at_door, seen_direct = {}, {}
    for area, name, function in OPERATIONS:
        seen_at_door[(area, name)] = _call(getattr(getattr(workspace, area), name))
        seen_direct[(area, name)] = _call(function, ctx)
    expected = {(area, name): "allowed" if allowed(role, permission_of(function)) else "refused"
                for area, name, function in OPERATIONS}
    assert seen_at_door == expected
    assert seen_direct == expected
    if role is Role.AGENT:  # the matrix itself: an agent may not see statistics or users' admin
        assert expected[("stats", "call_stats")] == "refused"
        assert expected[("users", "add_user")] == "refused"
        assert expected[("calls", "log_call")] == "allowed"


def test_the_refusal_names_what_and_who_may():
    with pytest.raises(PermissionDenied, match="may not add users.*ask someone who is admin"):
        from contactdesk.domain.permissions import require

        require("agent", Permission.MANAGE_USERS, "priya")


def test_an_unknown_role_may_do_nothing():
    assert not any(allowed("boss", permission) for permission in Permission)
    assert set(MATRIX) == set(Role)


def test_the_readme_permission_table_is_the_matrix():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
