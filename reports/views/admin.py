"""The beheerder's overview of users, roles and the audit trail."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from data_access.access.roles import ROLES, Reader, audit_events, users
from data_access.access.scope import AccessError
from reports.publish.cells import Text
from reports.publish.spec import TableSpec

# Audit actions in Dutch; an action not listed shows as stored.
ACTIONS = {
    "aanmelding": "Aanmelding",
    "aanmelding (demo)": "Aanmelding (demo)",
    "export": "Export",
    "import": "Import",
    "gebruiker_rol_toegekend": "Rol toegekend",
    "gebruiker_rol_ingetrokken": "Rol ingetrokken",
    "gebruiker_gedeactiveerd": "Gebruiker gedeactiveerd",
    "feedback_bewaard": "Feedback bewaard",
    "kwartaal_bevroren": "Kwartaal bevroren",
}


def users_table(engine: Engine, reader: Reader) -> TableSpec:
    """Every user and role (beheerder only), roles and yes/no in Dutch."""
    if not reader.is_beheerder:
        raise AccessError("Alleen een beheerder beheert gebruikers.")
    frame = users(engine).with_columns(
        role=pl.col("role").replace_strict(ROLES, default=pl.col("role"))
    )
    return TableSpec(
        frame,
        (
            Text("email", "E-mail"),
            Text("name", "Naam"),
            Text("role", "Rol"),
            Text("region_code", "Regio"),
            Text("active", "Actief", "bool"),
            Text("is_demo", "Demo", "bool"),
        ),
        title="Gebruikers en rollen",
        name="gebruikers",
    )


def audit_table(engine: Engine, reader: Reader) -> TableSpec:
    """The latest audit events: logins, imports, exports, user changes (beheerder only)."""
    frame = audit_events(engine, reader).with_columns(
        action=pl.col("action").replace_strict(ACTIONS, default=pl.col("action"))
    )
    return TableSpec(
        frame,
        (
            Text("at", "Tijdstip", "datetime"),
            Text("actor", "Wie"),
            Text("action", "Actie"),
            Text("detail", "Details"),
        ),
        title="Auditlogboek",
        name="auditlogboek",
        rows_shown=25,
    )
