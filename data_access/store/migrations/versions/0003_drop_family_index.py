"""drop the unused index on registration.family_id

No query filters or joins on the family pseudonym (figures count families in polars), and
keeping an index on random 64-character pseudonyms cost more than half of every import's
write time on a store of 1M registrations (BENCHMARKS.md).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_family_id"))


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_family_id"), ["family_id"], unique=False)
