"""Write the audit log from the ORM session: every flush of an audited model leaves a trace."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload

from gup.audit.models import AuditEntry
from gup.orm import Audited, now_utc

ACTOR_KEY = "gup_actor_id"
TX_KEY = "gup_audit_tx"


def acting_as(session: Session, actor: Any) -> None:
    """Record who performs the changes flushed from now on in this session (None: the system or a resident)."""
    session.info[ACTOR_KEY] = getattr(actor, "id", None)


def _actor_id(session: Session) -> int | None:
    """Who the flushed changes belong to: the actor a service named, else the signed-in user of the request, so a
    path that forgot to name its actor (a receiver, a helper flushing first) never files a user's change under
    « Système »."""
    if ACTOR_KEY in session.info:
        return session.info[ACTOR_KEY]
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return getattr(current_user, "id", None)
    return None


def _plain(value: Any) -> Any:
    """JSON-friendly form of a column value."""
    if value is None or isinstance(value, bool | int | float | str) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "id"):
        return str(value)
    return str(value)


def _column_changes(obj: Any, *, created: bool, deleted: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    exclude = getattr(obj, "__audit_exclude__", frozenset())
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in exclude or key == "id":
            continue
        if created:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _plain(value)]
        elif deleted:
            value = state.dict.get(key)
            if value is not None:
                changes[key] = [_plain(value), None]
        else:
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if _plain(old) != _plain(new):
                    changes[key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if rel.secondary is None or rel.key in exclude:
            continue
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            changes[rel.key] = [sorted(str(o) for o in hist.deleted), sorted(str(o) for o in hist.added)]
    return changes


def _after_flush(session: Session, _flush_context: Any) -> None:
    rows = []
    actor_id = _actor_id(session)
    at = now_utc()
    tx = session.info.setdefault(TX_KEY, uuid.uuid4().hex)
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = _column_changes(obj, created=action == "create", deleted=action == "delete")
            if action == "update" and not changes:
                continue
            rows.append({"at": at, "actor_id": actor_id, "entity_type": type(obj).__name__,
                         "entity_id": inspect(obj).identity[0] if inspect(obj).identity else obj.id,
                         "action": action, "changes": changes, "tx": tx})
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def _end_transaction(session: Session, *_args: Any) -> None:
    session.info.pop(TX_KEY, None)


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def register(session_class: Any, registry: Any) -> None:
    """Install the audit listener; audited columns load their old value on change (active history)."""
    if event.contains(session_class, "after_flush", _after_flush):
        return
    event.listen(session_class, "after_flush", _after_flush)
    for name in ("after_commit", "after_rollback", "after_soft_rollback"):
        event.listen(session_class, name, _end_transaction)
    sa.orm.configure_mappers()
    for mapper in registry.mappers:
        if issubclass(mapper.class_, Audited):
            for attr in mapper.column_attrs:
                event.listen(getattr(mapper.class_, attr.key), "set", _keep_old_value, active_history=True,
                             retval=True)


def history_of(obj: Any, *parts: Any, limit: int = 200) -> list[AuditEntry]:
    """Audit entries of a record and of the parts shown on its page (e.g. an agreement's signatories), newest
    first."""
    from gup.extensions import db

    ids: dict[str, list[int]] = {}
    for item in (obj, *parts):
        ids.setdefault(type(item).__name__, []).append(item.id)
    match = sa.or_(*(sa.and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(values))
                     for kind, values in ids.items()))
    stmt = (select(AuditEntry).where(match).options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def record_status_change(obj: Any, *, from_status: Any, to_status: Any, actor: Any, at: Any,
                         note: str | None = None) -> None:
    """Write one StatusChange row for a record whose status moved."""
    from gup.audit.models import StatusChange
    from gup.extensions import db

    db.session.add(StatusChange(entity_type=type(obj).__name__, entity_id=obj.id,
                                from_status=getattr(from_status, "value", from_status),
                                to_status=getattr(to_status, "value", to_status), note=note,
                                actor_id=getattr(actor, "id", None), at=at))


def status_history(obj: Any) -> list[Any]:
    """Status moves of one record, oldest first."""
    from gup.audit.models import StatusChange
    from gup.extensions import db

    stmt = (select(StatusChange).where(StatusChange.entity_type == type(obj).__name__,
                                       StatusChange.entity_id == obj.id)
            .options(selectinload(StatusChange.actor)).order_by(StatusChange.at, StatusChange.id))
    return list(db.session.scalars(stmt))
