"""A service module's operations bound to one signed-in person.

``Operations(ctx, calls, callers)`` exposes every ``@operation`` function of the
given modules as a method without its first argument: ``ops.log_call(data)``
runs ``calls.log_call(ctx, data)`` after asking the permission matrix, and then
reports what a write changed to ``changed``; a database failure comes out as a
sentence (persistence/db_errors.py), never as driver text. The
workspace gathers these per area, so a new service operation is reachable from
the desktop app and the CLI without a forwarding method of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from types import ModuleType

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from .auth.credentials import SignedOut
from .context import ServiceContext, changes_of, permission_of
from .dtos.changes import OpChanges
from .persistence.db_errors import explain


class Operations:
    def __init__(self, ctx: ServiceContext, *modules: ModuleType,
                 changed: Callable[[OpChanges], None] = lambda _changes: None,
                 is_open: Callable[[], bool] = lambda: True):
        self._ctx = ctx
        self._changed = changed
        self._is_open = is_open
        self._functions: dict[str, Callable] = {}
        for module in modules:
            for name, function in vars(module).items():
                if name.startswith("_") or permission_of(function) is None:
                    continue
                if getattr(function, "__module__", None) != module.__name__:
                    continue  # imported from another module, offered there
                if name in self._functions:
                    raise ValueError(f"two operations called {name}")
                self._functions[name] = function

    def __getattr__(self, name: str) -> Callable:
        try:
            function = self._functions[name]
        except KeyError:
            raise AttributeError(f"no operation called {name}") from None
        ctx, changed, kinds = self._ctx, self._changed, changes_of(function)
        is_open = self._is_open

        @functools.wraps(function)
        def bound(*args, **kwargs):
            if not is_open():
                raise SignedOut(f"{ctx.actor.username} has signed out: sign in again to carry on")
            ctx.require(permission_of(function))  # the front door asks first
            try:
                result = function(ctx, *args, **kwargs)
            except (DBAPIError, StatementError, StaleDataError, UnicodeEncodeError) as exc:
                explained = explain(exc, str(ctx.database.engine.url))
                if explained is None:
                    raise
                raise explained from None
            if kinds:
                changed(OpChanges(name, kinds, ctx.actor.username, _references(result)))
            return result

        return bound

    def __iter__(self) -> Iterator[tuple[str, Callable]]:
        return iter(sorted(self._functions.items()))

    def __dir__(self):
        return [*super().__dir__(), *self._functions]


def _references(result) -> tuple[str, ...]:
    reference = getattr(result, "reference", None)
    return (reference,) if isinstance(reference, str) and reference else ()
