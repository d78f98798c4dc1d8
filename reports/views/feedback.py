"""Critical-friend feedback per region and quarter: every version, newest first."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.access.notes import notes
from data_access.access.roles import Reader
from reports.publish.cells import Text
from reports.publish.spec import TableSpec


def notes_table(
    engine: Engine, reader: Reader, region_code: str, region_name: str, quarter: str | None
) -> TableSpec:
    """The notes the reader may read for a region (all versions; empty outside their scope)."""
    frame = notes(engine, reader, region_code, quarter)
    return TableSpec(
        frame,
        (
            Text("quarter", "Kwartaal", "quarter"),
            Text("version", "Versie"),
            Text("author", "Auteur"),
            Text("created_at", "Bewaard op", "datetime"),
            Text("body", "Feedback"),
        ),
        title=f"Feedback van de critical friend — {region_name}",
        notes=("Elke wijziging is een nieuwe versie; vorige versies blijven zichtbaar.",),
        name="feedback",
    )


def latest_note(engine: Engine, reader: Reader, region_code: str, quarter: str) -> str | None:
    """The newest version of the note for a region and quarter, if the reader may read it."""
    frame = notes(engine, reader, region_code, quarter)
    return None if frame.is_empty() else str(frame["body"][0])
