"""The REST API plumbing shared by every /api/v1 blueprint: bearer-token authentication (the check itself is
provided by auth), id guard, pagination, error documentation, policy decorator and the commit helper."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import g, request
from flask_smorest import Blueprint, abort

from gup.features import registry
from gup.inputs import MAX_ID, MAX_PAGE
from gup.orm import now_utc

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def api_user():
    """The user authenticated by the current API request's bearer token."""
    return g.api_user


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, message="Authentification requise : en-tête « Authorization: Bearer <jeton> ».")
    user = registry().service("api_token_user")(raw.strip(), now=now_utc())
    if user is None:
        abort(401, message="Jeton invalide, révoqué ou compte désactivé.")
    g.api_user = user


def _ids_in_range() -> None:
    """An id in the URL that no row can have is a 404, not a database overflow."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            abort(404)


def api_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A flask-smorest blueprint that requires a bearer token on every route."""
    blp = Blueprint(f"api_{name}", __name__, url_prefix=url_prefix, description=description)
    blp.before_request(_authenticate)
    blp.before_request(_ids_in_range)
    return blp


def paginated(blp: Blueprint) -> Callable:
    """`@blp.paginate()` with gup's page sizes: `page` and `page_size` query args, `X-Pagination` header."""
    return blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)


def page_items(page: Any, pagination_parameters: Any) -> list[Any]:
    """Report a queries.Page to flask-smorest (for the X-Pagination header) and return its rows."""
    pagination_parameters.item_count = page.total
    return page.items


def list_page(stmt: Any, pagination_parameters: Any) -> list[Any]:
    """The requested page of a select for a flask-smorest paginated route (its total set for X-Pagination)."""
    from gup.pagination import paginate

    page = paginate(stmt, page=page_number(pagination_parameters), per_page=pagination_parameters.page_size)
    return page_items(page, pagination_parameters)


def page_number(pagination_parameters: Any) -> int:
    """The requested page, capped so the OFFSET stays representable."""
    return min(pagination_parameters.page, MAX_PAGE)


def documents_errors(blp: Blueprint, *codes: int) -> Callable:
    """Document the JSON error responses a route can give (401 is always added)."""
    names = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
             422: "UNPROCESSABLE_ENTITY"}

    def decorate(func: Callable) -> Callable:
        for code in sorted({401, *codes}, reverse=True):
            func = blp.alt_response(code, response=names[code])(func)
        return func
    return decorate


def unprocessable(field: str, message: str) -> None:
    """Refuse a body whose field names something that does not exist (422, shaped like validation errors)."""
    abort(422, message="Données invalides.", errors={"json": {field: [message]}})


def authorized(verb: str, target: type | None = None, *, load: Callable[[int], Any] | None = None,
               arg: str | None = None, into: str | None = None) -> Callable:
    """Ask the policy before the body is parsed (load → authorize → validate), so a refused user gets 403, not 422.

    Either `target`, a model class for class-level verbs (`authorized("create", Agreement)`), or `load`: the URL
    argument `arg` is loaded (404 when absent), checked, and passed to the view as `into`.
    """
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from gup.policy import authorize

            obj = target
            if load is not None:
                obj = load(kwargs.pop(arg))
                kwargs[into] = obj
            authorize(api_user(), verb, obj)
            return func(*args, **kwargs)
        return wrapper
    return decorate


@contextmanager
def committing() -> Iterator[None]:
    """Commit once after the service calls; roll back whatever they flushed when one raises (DomainError…)."""
    from gup.extensions import db

    try:
        yield
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()


def all_or_422(found: list[Any], wanted: list[int], field: str, what: str) -> list[Any]:
    """The records found for the ids a body names, in its order; a 422 naming the ids that match nothing."""
    missing = sorted(set(wanted) - {obj.id for obj in found})
    if missing:
        unprocessable(field, f"{what} introuvable(s) ou hors de la convention : {', '.join(map(str, missing))}.")
    return sorted(found, key=lambda obj: wanted.index(obj.id))
