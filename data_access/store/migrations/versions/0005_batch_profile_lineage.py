"""each import batch records its profile's hash and how often each mapping rule fired

Two nullable columns on import_batch: batches imported before keep them empty.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("rule_counts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("rule_counts")
        batch_op.drop_column("profile_sha256")
