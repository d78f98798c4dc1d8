"""The audit trail's details as a beheerder reads them: names and labels, never codes."""

from __future__ import annotations

from reports.views.admin import audit_detail

NAMES = {"GNT": "Samen1Plan Gent-Scheldekracht", "WAD": "Krachtgerichte RTJ Waas en Dender"}


def test_a_role_grant_names_the_role_and_region() -> None:
    """'rol: critical_friend, regio: GNT' reads as the role's label and the region's name."""
    detail = {"email": "f@x.be", "rol": "critical_friend", "regio": "GNT"}
    assert audit_detail(detail, NAMES) == (
        "e-mail: f@x.be, rol: Critical friend, regio: Samen1Plan Gent-Scheldekracht"
    )


def test_no_region_is_a_dash_and_a_login_names_its_regions() -> None:
    """A role without a region shows '–', not 'None'; a login's roles name their regions."""
    assert audit_detail({"rol": "beheerder", "regio": None}, NAMES) == "rol: Beheerder, regio: –"
    assert audit_detail({"rollen": "Critical friend (GNT, WAD)"}, NAMES) == (
        "rollen: Critical friend (Samen1Plan Gent-Scheldekracht, Krachtgerichte RTJ Waas en Dender)"
    )


def test_exports_read_as_shown_elsewhere() -> None:
    """Quarters as '2025 K3', formats in capitals, periods as months, flags as ja/nee."""
    detail = {"rapport": "kwartaal", "kwartaal": "2025Q3", "formaat": "pdf", "publicatie": False}
    assert audit_detail(detail, NAMES) == (
        "rapport: kwartaal, kwartaal: 2025 K3, formaat: PDF, publicatie: nee"
    )
    assert audit_detail({"van": "2025-12-01", "tot": "2026-11"}, NAMES) == (
        "van: dec. 2025, tot: nov. 2026"
    )
