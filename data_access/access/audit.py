"""The audit trail: logins, imports, exports and user changes, recorded and read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Engine, insert, select

from data_access.access.scope import AccessError
from data_access.store.models import AuditEvent

if TYPE_CHECKING:
    from data_access.access.roles import Reader


def record(conn: Any, actor: str, action: str, detail: dict[str, Any] | None = None) -> None:
    """Add an audit event inside the caller's transaction."""
    conn.execute(
        insert(AuditEvent).values(
            at=datetime.now(UTC), actor=actor, action=action, detail=detail or {}
        )
    )


def audit(engine: Engine, actor: str, action: str, detail: dict[str, Any] | None = None) -> None:
    """Record an audit event in its own transaction (logins, exports)."""
    with engine.begin() as conn:
        record(conn, actor, action, detail)


def audit_events(engine: Engine, reader: Reader, limit: int = 500) -> pl.DataFrame:
    """The latest audit events; only a beheerder may read them."""
    if not reader.is_beheerder:
        raise AccessError("Alleen een beheerder kan het auditlogboek inzien.")
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).all()
    return pl.DataFrame(
        {
            "at": [r.at for r in rows],
            "actor": [r.actor for r in rows],
            "action": [r.action for r in rows],
            "detail": [", ".join(f"{k}: {v}" for k, v in (r.detail or {}).items()) for r in rows],
        },
        schema={
            "at": pl.Datetime("us", "UTC"),
            "actor": pl.String,
            "action": pl.String,
            "detail": pl.String,
        },
    )


# --- critical-friend notes --------------------------------------------------------------------
