"""The audit trail: logins, imports, exports and user changes are recorded here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

from data_access.store.models import AuditEvent


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
