"""Critical-friend feedback notes per region and quarter, every version kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine, func, insert, select

from data_access.access.audit import record
from data_access.access.roles import Reader
from data_access.access.scope import AccessError
from data_access.store.models import FeedbackNote


def save_note(
    engine: Engine,
    reader: Reader,
    region_code: str,
    quarter: str,
    body: str,
    *,
    for_report: bool = False,
) -> int:
    """Store a new version of the note, marked for the quarterly report or not; earlier
    versions stay. Returns the version number."""
    if not reader.may_write_notes(region_code):
        raise AccessError("Alleen de critical friend van deze regio kan hier feedback schrijven.")
    quarter = _quarter(quarter)
    if not body.strip():
        raise AccessError("Een lege notitie wordt niet bewaard.")
    with engine.begin() as conn:
        latest = conn.scalar(
            select(func.max(FeedbackNote.version)).where(
                FeedbackNote.region_code == region_code, FeedbackNote.quarter == quarter
            )
        )
        version = int(latest or 0) + 1
        conn.execute(
            insert(FeedbackNote).values(
                region_code=region_code,
                quarter=quarter,
                version=version,
                author=reader.email,
                body=body.strip(),
                created_at=datetime.now(UTC),
                for_report=for_report,
            )
        )
        record(
            conn,
            reader.email,
            "feedback_bewaard",
            {
                "regio": region_code,
                "kwartaal": quarter,
                "versie": version,
                "voor_het_rapport": for_report,
            },
        )
    return version


def _quarter(text: str) -> str:
    """A quarter code ('2025Q3'), or a Dutch error for anything else."""
    quarter = text.strip().upper()
    if not re.fullmatch(r"20\d\dQ[1-4]", quarter):
        raise AccessError(f"'{text}' is geen kwartaal: schrijf het als JJJJQn, bv. 2025Q3.")
    return quarter


def notes(
    engine: Engine, reader: Reader, region_code: str, quarter: str | None = None
) -> pl.DataFrame:
    """Every version of the notes for a region (newest first), for readers with it in detail."""
    if not reader.scope.allows(region_code):
        return pl.DataFrame(schema=_NOTE_SCHEMA)
    if quarter is not None:
        quarter = _quarter(quarter)
    stmt = select(
        FeedbackNote.quarter,
        FeedbackNote.version,
        FeedbackNote.author,
        FeedbackNote.body,
        FeedbackNote.created_at,
        FeedbackNote.for_report,
    ).where(FeedbackNote.region_code == region_code)
    if quarter is not None:
        stmt = stmt.where(FeedbackNote.quarter == quarter)
    with engine.connect() as conn:
        rows = conn.execute(
            stmt.order_by(FeedbackNote.quarter.desc(), FeedbackNote.version.desc())
        ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=_NOTE_SCHEMA, orient="row")


def report_note(
    engine: Engine, reader: Reader, region_code: str, quarter: str
) -> dict[str, Any] | None:
    """The note of a region and quarter for its quarterly report: the newest version, when its
    author marked it for the report. Only the newest counts, so a new unmarked version takes
    the feedback out of the report again (a version is never changed)."""
    versions = notes(engine, reader, region_code, quarter)
    if versions.is_empty():
        return None
    newest = versions.row(0, named=True)
    return newest if newest["for_report"] else None


_NOTE_SCHEMA: Final[dict[str, Any]] = {
    "quarter": pl.String,
    "version": pl.Int64,
    "author": pl.String,
    "body": pl.String,
    "created_at": pl.Datetime("us", "UTC"),
    "for_report": pl.Boolean,
}
