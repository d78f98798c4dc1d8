"""The beheerder's overview of users, roles and the audit trail."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine

from data_access.access.roles import ROLES, Reader, audit_events, users
from data_access.access.scope import AccessError
from indicators.formatting import MISSING, month_label, quarter_label
from reports.publish.cells import Text
from reports.publish.spec import TableSpec
from reports.views.common import region_choices

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
# The details' keys as the trail words them (the stored keys are Dutch already, but terse).
DETAIL_KEYS: Final = {"email": "e-mail", "dataversie": "gegevensversie"}
FORMATS: Final = {"csv": "CSV", "xlsx": "XLSX", "pdf": "PDF"}
_REGION_CODE: Final = re.compile(r"\b([A-Z]{2,4})\b")


def users_table(engine: Engine, reader: Reader) -> TableSpec:
    """Every user and role (beheerder only), roles, regions and yes/no in Dutch."""
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
            Text("region_code", "Regio", "region"),
            Text("active", "Actief", "bool"),
            Text("is_demo", "Demo", "bool"),
        ),
        title="Gebruikers en rollen",
        region_names=region_choices(engine),
        name="gebruikers",
    )


def audit_table(engine: Engine, reader: Reader) -> TableSpec:
    """The latest audit events: logins, imports, exports, user changes (beheerder only), their
    details in words: role and region names, quarters as shown, 'ja'/'nee'."""
    names = region_choices(engine)
    frame = audit_events(engine, reader).with_columns(
        action=pl.col("action").replace_strict(ACTIONS, default=pl.col("action")),
        detail=pl.col("detail").map_elements(
            lambda stored: audit_detail(json.loads(stored), names), return_dtype=pl.String
        ),
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


def audit_detail(detail: dict[str, Any], names: dict[str, str]) -> str:
    """An audit event's details as a person reads them: 'rol: Critical friend, regio:
    Samen1Plan Gent-Scheldekracht' rather than 'rol: critical_friend, regio: GNT'."""
    return ", ".join(
        f"{DETAIL_KEYS.get(key, key)}: {_detail_value(key, value, names)}"
        for key, value in detail.items()
    )


def _detail_value(key: str, value: Any, names: dict[str, str]) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nee"
    text = str(value)
    if key == "rol":
        return ROLES.get(text, text)
    if key == "regio":
        return names.get(text, text)
    if key == "rollen":  # 'Critical friend (GNT, WAD)' as logins record it
        return _REGION_CODE.sub(lambda m: names.get(m[1], m[1]), text)
    if key == "kwartaal":
        try:
            return quarter_label(text)
        except ValueError:
            return text
    if key == "formaat":
        return FORMATS.get(text, text)
    if key in ("van", "tot"):
        return _month_or_date(text)
    return text


def _month_or_date(text: str) -> str:
    """'2025-12' or '2025-12-01' (as exports record a period) as 'dec. 2025'."""
    for pattern in ("%Y-%m-%d", "%Y-%m"):
        try:
            return month_label(datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    return text
