"""Domain errors and their HTML and JSON handlers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused an operation; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class InvalidTransition(DomainError):
    """A status change the lifecycle does not allow."""

    status_code = 409

    def __init__(self, current: Any, target: Any, reason: Any = None) -> None:
        message = _("Passage impossible de « %(current)s » à « %(target)s »", current=str(current),
                    target=str(target))
        if reason:
            message = f"{message} : {reason}"
        super().__init__(message, field="status")


class NotAllowed(Exception):
    """The policy refused an action (403); `field` names the part of the request refused (the API says which)."""

    def __init__(self, verb: str, obj: Any, *, field: str | None = None, message: str | None = None) -> None:
        super().__init__(f"{verb} on {type(obj).__name__}" + (f" ({field})" if field else ""))
        self.verb = verb
        self.obj = obj
        self.field = field
        self.message = message


def is_api_request() -> bool:
    """Whether the current request targets the JSON API."""
    return request.path.startswith("/api/")


def _json_error(code: int, message: str, **extra: Any):
    body = {"code": code, "status": _status_name(code), "message": message, **extra}
    return jsonify(body), code


def _status_name(code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def register_error_handlers(app: Flask) -> None:
    """HTML error pages in French for the site, JSON bodies for the API."""
    from gup.extensions import api

    @app.errorhandler(NotAllowed)
    def not_allowed(exc: NotAllowed):
        if is_api_request():
            message = exc.message or "Accès refusé : vous n'avez pas le droit de faire cette action."
            return _json_error(403, message, **({"errors": {exc.field: [message]}} if exc.field else {}))
        return render_template("errors/403.html"), 403

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if is_api_request():
            errors = {exc.field: [exc.message]} if exc.field else {}
            return _json_error(exc.status_code, exc.message, errors=errors)
        return render_template("errors/generic.html", code=exc.status_code, message=exc.message), exc.status_code

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if is_api_request():
            return api.handle_http_exception(exc)
        code = exc.code or 500
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(code, "errors/generic.html")
        return render_template(template, code=code, message=exc.description, draft_kept=_keeps_draft()), code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        logger.exception("unexpected error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        if is_api_request():
            return _json_error(500, "Erreur interne.")
        return render_template("errors/generic.html", code=500,
                               message=_("Une erreur inattendue est survenue.")), 500


def _keeps_draft() -> bool:
    """Whether the refused form keeps a draft on the device (its template posts `_draft`: gup/static/js/
    finding-draft.js), so the expired-form page can say nothing typed is lost."""
    try:
        return request.method == "POST" and request.form.get("_draft") == "1"
    except Exception:  # noqa: BLE001  (an unreadable body: say nothing about drafts)
        return False

