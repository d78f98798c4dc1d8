"""The beheerder's overview of users, roles and the audit trail."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.access.roles import Reader, audit_events, users
from data_access.access.scope import AccessError
from reports.tables import Column, Table


def users_table(engine: Engine, reader: Reader) -> Table:
    """Every user and role (beheerder only)."""
    if not reader.is_beheerder:
        raise AccessError("Alleen een beheerder beheert gebruikers.")
    return Table(
        users(engine),
        (
            Column("email", "E-mail"),
            Column("name", "Naam"),
            Column("role", "Rol"),
            Column("region_code", "Regio"),
            Column("active", "Actief"),
            Column("is_demo", "Demo"),
        ),
        title="Gebruikers en rollen",
    )


def audit_table(engine: Engine, reader: Reader) -> Table:
    """The latest audit events: logins, imports, exports, user changes (beheerder only)."""
    return Table(
        audit_events(engine, reader),
        (
            Column("at", "Tijdstip (UTC)"),
            Column("actor", "Wie"),
            Column("action", "Actie"),
            Column("detail", "Details"),
        ),
        title="Auditlogboek",
    )
