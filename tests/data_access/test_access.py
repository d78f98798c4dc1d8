"""Roles, scopes and what each reader gets back from every read function (docs/design.md §6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from data_access.access import reads
from data_access.access.notes import notes, report_note, save_note
from data_access.access.perturbation import RecordKeys
from data_access.access.roles import Reader, add_user, audit_events, deactivate_user, reader_for
from data_access.access.scope import AccessError
from data_access.ingest.pipeline import import_file
from data_access.settings import Settings
from tests import scopes

KEYS = RecordKeys.from_secret(b"test secret")

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
)
ROWS = [
    "K1,F1,KON,34022,aanmelding,2022-01-31,2022-02-20,,CLB,OPVOEDING,GEZINSPLAN,,12,CLB:CLB Kortrijk",
    "K2,F2,KON,34022,aanmelding,2022-02-03,,,GV,SCHOOL,,,9,",
    "G1,F3,GNT,44021,aanmelding,2022-03-01,2022-03-05,,GV,PSYCHISCH,ELP,,15,CGG:CGG Eclips",
    "G2,F4,GNT,44021,aanmelding,2022-03-09,,,,PSYCHISCH,,,16,",
    "A1,F5,ANT,11002,aanmelding,2022-03-01,2022-03-05,,SDJ,PSYCHISCH,ELP,,15,",
]


@pytest.fixture
def loaded(engine: Engine, settings: Settings, tmp_path: Path) -> Engine:
    """A store with registrations of Konekti, Gent and Antwerpen, and one of each role."""
    path = tmp_path / "u.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    import_file(engine, settings, path, "uniform", today=date(2026, 11, 1))
    add_user(engine, "b@x.be", "Beheerder", "beheerder", actor="test")
    add_user(engine, "t@x.be", "Trekker", "trekkersgroep", actor="test")
    add_user(engine, "s@x.be", "Stuurgroep KON", "stuurgroep", "KON", actor="test")
    add_user(engine, "f@x.be", "Friend", "critical_friend", "GNT", actor="test")
    add_user(engine, "f@x.be", "Friend", "critical_friend", "ANT", actor="test")
    return engine


def _reader(engine: Engine, email: str) -> Reader:
    found = reader_for(engine, email)
    assert found is not None
    return found


ROLE_DETAIL = {
    "b@x.be": {"KON", "GNT", "ANT"},
    "t@x.be": set(),
    "s@x.be": {"KON"},
    "f@x.be": {"GNT", "ANT"},
}


@pytest.mark.parametrize("email", list(ROLE_DETAIL))
def test_every_read_returns_row_level_data_only_within_the_scope(
    loaded: Engine, email: str
) -> None:
    """No record id, pseudonym, municipality or age of an out-of-scope region comes back."""
    scope = _reader(loaded, email).scope
    detail = ROLE_DETAIL[email]
    stored = reads.registrations(loaded, scopes.everything())
    assert set(reads.registrations(loaded, scope)["region_code"]) == detail
    assert (
        set(
            reads.registrations(loaded, scope, basis="today", today=date(2026, 11, 1))[
                "region_code"
            ]
        )
        <= detail
    )
    assert set(reads.registration_partners(loaded, scope)["region_code"]) <= detail
    statistics, partners = reads.for_statistics(loaded, scope, KEYS)
    assert statistics.height == stored.height  # every region's figures can be computed
    outside = statistics.filter(~pl.col("region_code").is_in(list(detail)))
    assert outside["source_record_id"].null_count() == outside.height
    assert outside["nis_code"].null_count() == outside.height
    assert outside["child_age"].null_count() == outside.height
    assert not set(outside["family_id"]) & set(stored["family_id"])
    assert not set(outside["id"]) & set(stored["id"])
    inside = statistics.filter(pl.col("region_code").is_in(list(detail)))
    assert (
        inside.drop("record_key", "family_key")
        .sort("id")
        .equals(stored.filter(pl.col("region_code").is_in(list(detail))).sort("id"))
    )
    # The secret keys are the same for a record whoever reads: a perturbation never depends on
    # the reader, so comparing two readers' figures gives nothing away.
    full, _ = reads.for_statistics(loaded, scopes.everything(), KEYS)
    assert sorted(statistics["record_key"]) == sorted(full["record_key"])
    assert not set(
        partners.filter(~pl.col("region_code").is_in(list(detail)))["registration_id"]
    ) & set(stored["id"])


def test_roles_and_scopes(loaded: Engine) -> None:
    """Beheerder sees all in detail; trekkersgroep none; stuurgroep its own; a friend its regions."""
    assert _reader(loaded, "b@x.be").scope.detail_regions is None
    assert _reader(loaded, "t@x.be").scope.detail_regions == frozenset()
    assert _reader(loaded, "s@x.be").scope.detail_regions == frozenset({"KON"})
    assert _reader(loaded, "F@X.be ").scope.detail_regions == frozenset({"GNT", "ANT"})


def test_an_unknown_or_deactivated_login_gets_nothing(loaded: Engine) -> None:
    """Only known, active users with a role are readers."""
    assert reader_for(loaded, "vreemde@x.be") is None
    deactivate_user(loaded, "s@x.be", actor="test")
    assert reader_for(loaded, "s@x.be") is None


def test_regional_roles_need_a_known_region(loaded: Engine) -> None:
    """A stuurgroep role without region, or with an unknown one, is refused in Dutch."""
    with pytest.raises(AccessError, match="hoort bij een regio"):
        add_user(loaded, "x@x.be", "X", "stuurgroep", None, actor="test")
    with pytest.raises(AccessError, match="Onbekende regio"):
        add_user(loaded, "x@x.be", "X", "stuurgroep", "XXX", actor="test")


def test_notes_are_versioned_and_read_by_the_region_only(loaded: Engine) -> None:
    """A new note never overwrites; the region's readers see every version, others nothing."""
    friend = _reader(loaded, "f@x.be")
    assert save_note(loaded, friend, "GNT", "2022Q1", "Eerste versie") == 1
    assert save_note(loaded, friend, "GNT", "2022Q1", "Aangevulde versie") == 2
    versions = notes(loaded, _reader(loaded, "b@x.be"), "GNT", "2022Q1")
    assert versions["body"].to_list() == ["Aangevulde versie", "Eerste versie"]
    assert notes(loaded, _reader(loaded, "s@x.be"), "GNT").is_empty()
    with pytest.raises(AccessError):
        save_note(loaded, _reader(loaded, "s@x.be"), "KON", "2022Q1", "niet toegelaten")


def test_a_document_for_one_region_sees_only_that_region_in_detail(loaded: Engine) -> None:
    """A report handed on to a region shows that region in detail, whoever makes it; a reader
    who does not see the region in detail cannot make one."""
    for email in ("b@x.be", "f@x.be", "s@x.be"):
        reader = _reader(loaded, email)
        region = "KON" if email == "s@x.be" else "GNT"
        assert reader.scope_for_region(region).detail_regions == frozenset({region})
    with pytest.raises(AccessError):
        _reader(loaded, "s@x.be").scope_for_region("GNT")
    with pytest.raises(AccessError):
        _reader(loaded, "t@x.be").scope_for_region("KON")


def test_only_the_newest_version_marked_for_the_report_goes_into_it(loaded: Engine) -> None:
    """The report takes the newest version when it is marked 'voor het rapport'; a newer
    unmarked version takes the feedback out again; readers outside the region get nothing."""
    friend, beheerder = _reader(loaded, "f@x.be"), _reader(loaded, "b@x.be")
    assert report_note(loaded, beheerder, "GNT", "2022Q2") is None
    save_note(loaded, friend, "GNT", "2022Q2", "Werkversie")
    assert report_note(loaded, beheerder, "GNT", "2022Q2") is None
    save_note(loaded, friend, "GNT", "2022Q2", "Voor de stuurgroep", for_report=True)
    chosen = report_note(loaded, beheerder, "GNT", "2022Q2")
    assert chosen is not None
    assert (chosen["version"], chosen["body"]) == (2, "Voor de stuurgroep")
    assert notes(loaded, beheerder, "GNT", "2022Q2")["for_report"].to_list() == [True, False]
    assert report_note(loaded, _reader(loaded, "s@x.be"), "GNT", "2022Q2") is None
    save_note(loaded, friend, "GNT", "2022Q2", "Nog eens herschreven")
    assert report_note(loaded, beheerder, "GNT", "2022Q2") is None
    events = audit_events(loaded, beheerder).filter(pl.col("action") == "feedback_bewaard")
    assert json.loads(events["detail"].to_list()[1])["voor_het_rapport"] is True


def test_user_changes_and_notes_are_audited_for_the_beheerder_only(loaded: Engine) -> None:
    """Role grants and saved notes appear in the audit trail, which only a beheerder reads."""
    save_note(loaded, _reader(loaded, "f@x.be"), "ANT", "2022Q1", "Goed bezig")
    events = audit_events(loaded, _reader(loaded, "b@x.be"))
    assert events.filter(pl.col("action") == "gebruiker_rol_toegekend").height == 5
    add_user(loaded, "s@x.be", "Stuurgroep KON", "stuurgroep", "KON", actor="test")
    again = audit_events(loaded, _reader(loaded, "b@x.be"))
    assert again.filter(pl.col("action") == "gebruiker_rol_toegekend").height == 5  # no change
    assert "feedback_bewaard" in events["action"].to_list()
    with pytest.raises(AccessError):
        audit_events(loaded, _reader(loaded, "t@x.be"))


def test_a_scope_or_reader_cannot_be_made_outside_data_access() -> None:
    """Anyone holding a Scope sees its regions in detail, so only data_access issues one: for a
    reader made from a stored user, the CLI's operator, or publication."""
    from data_access.access.roles import operator_reader, publication_reader
    from data_access.access.scope import Scope

    with pytest.raises(TypeError):
        Scope(None)
    with pytest.raises(TypeError):
        Reader("x@y.be", "X", frozenset({("beheerder", None)}))
    assert operator_reader().scope.detail_regions is None
    assert publication_reader().scope.detail_regions == frozenset()
    assert not publication_reader().is_beheerder
