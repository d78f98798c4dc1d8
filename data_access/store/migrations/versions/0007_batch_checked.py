"""import batches remember when the quality checks first covered them

An import commits its batch, then runs the quality suites; a process killed between the two
left a batch whose checks never ran, and nothing said so (a re-run only answered "al
ingelezen"). `checked_at` is empty until a run of the suites over the whole store has read the
batch (data_access.ingest.recovery); the next start or import checks such batches. Existing
batches count as checked from the first run that started after their import, if any.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE import_batch SET checked_at = (SELECT MIN(r.started_at) FROM check_run r "
        "WHERE r.batch_id IS NULL AND r.started_at >= import_batch.imported_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
