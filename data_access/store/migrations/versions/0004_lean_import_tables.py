"""drop the unused region-date index; partner links without a rowid on SQLite

Only the fallback read uses region and date (a store without columnar parts, which reads most
of the table anyway): pages read the columnar parts and the checks the whole table. Keeping
that index, whose entries land all over it, cost about a sixth of every import's write
(BENCHMARKS.md). A partner link is its own key: as a WITHOUT ROWID table on SQLite it is one
b-tree instead of a table plus its primary-key index; the upgrade rewrites the link table in
one transaction. PostgreSQL has no such option and keeps its table.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_registration_region_received", table_name="registration")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_links(with_rowid=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_links(with_rowid=True)
    op.create_index(
        "ix_registration_region_received", "registration", ["region_code", "received_date"]
    )


def _rebuild_links(*, with_rowid: bool) -> None:
    with op.batch_alter_table(
        "registration_partner", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass
