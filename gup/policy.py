"""The authorization policy mechanism: every view, API route and command asks `can` / `authorize` here.

The rules themselves are written in one file, `gup.policy_rules` (read it to review who may do what); it
registers them here with `@rule` and `@scope` when the application is built. Pairs (model, verb) without a rule
are refused, and a list of a model without a scope shows nothing, so a list never shows a row its detail page
would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select

from gup.errors import NotAllowed

Check = Callable[..., bool]
Scope = Callable[[Any, Select], Select]
_RULES: dict[tuple[type, str], Check] = {}
_SCOPES: dict[type, Scope] = {}


def rule(model: type, *verbs: str) -> Callable[[Check], Check]:
    """Register the check for (model, verb) pairs: `check(user, obj, **context) -> bool`."""
    def register(check: Check) -> Check:
        for verb in verbs:
            _RULES[(model, verb)] = check
        return check
    return register


def scope(*models: type) -> Callable[[Callable[..., Select]], Callable[..., Select]]:
    """Register the list scoping of models: `restrict(user, stmt, model) -> stmt` with the WHERE clauses."""
    def register(restrict: Callable[..., Select]) -> Callable[..., Select]:
        for model in models:
            _SCOPES[model] = lambda user, stmt, _m=model: restrict(user, stmt, _m)
        return restrict
    return register


def can(user: Any, verb: str, obj: Any, **context: Any) -> bool:
    """Whether user may do verb on obj (a model instance, or a model class for class-level verbs)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    key = obj if isinstance(obj, type) else type(obj)
    check = _RULES.get((key, verb))
    return check is not None and bool(check(user, obj, **context))


def authorize(user: Any, verb: str, obj: Any, **context: Any) -> None:
    """Raise NotAllowed (403) unless the policy allows it."""
    if not can(user, verb, obj, **context):
        raise NotAllowed(verb, obj)


def visible(user: Any, stmt: Select, model: type) -> Select:
    """Restrict a select() on model to the rows user may read (nothing for visitors or unscoped models)."""
    restrict = _SCOPES.get(model)
    if restrict is None or not getattr(user, "is_authenticated", False):
        return stmt.where(sa.false())
    return restrict(user, stmt)
