"""The import invariants every file must keep, whatever its content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from data_access.ingest.pipeline import FatalImportError, ImportResult, ProfileError, import_file
from data_access.settings import Settings
from data_access.store.db import data_version
from data_access.store.models import ImportBatch, Quarantine, Registration, RegistrationPartner

# Words every refusal is written in: the message is Dutch and meant for a person.
DUTCH = ("bestand", "regel", "kolom", "codering", "werkblad", "leeg", "Excel", "bron", "tekens")


@dataclass(frozen=True)
class StoreCounts:
    registrations: int
    partners: int
    batches: int
    quarantine: int
    version: int


def store_counts(engine: Engine) -> StoreCounts:
    with engine.connect() as conn:

        def count(model: type) -> int:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)

        return StoreCounts(
            count(Registration),
            count(RegistrationPartner),
            count(ImportBatch),
            count(Quarantine),
            data_version(conn),
        )


def import_checked(
    engine: Engine, settings: Settings, path: Path, source: str, region: str | None
) -> ImportResult | FatalImportError | ProfileError:
    """Import and check the invariants: a refusal is a Dutch FatalImportError/ProfileError naming
    the file and leaves the store as it was; a batch balances read = accepted + rejected +
    duplicate and stores exactly what it counted."""
    before = store_counts(engine)
    try:
        result = import_file(engine, settings, path, source, region=region, user="corpus")
    except (FatalImportError, ProfileError) as exc:
        message = str(exc)
        assert path.name in message, message
        assert any(word in message for word in DUTCH), message
        assert "Traceback" not in message
        assert store_counts(engine) == before, f"partial store after: {message}"
        return exc
    after = store_counts(engine)
    assert result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_duplicate
    if result.already_imported_as is not None:
        assert after == before
        return result
    assert after.batches == before.batches + 1
    assert after.registrations == before.registrations + result.rows_accepted - result.rows_updated
    assert after.quarantine == before.quarantine + result.rows_rejected
    assert after.version > before.version
    return result
