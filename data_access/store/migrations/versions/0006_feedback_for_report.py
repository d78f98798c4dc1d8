"""a critical friend marks a note's version for the quarterly report

The quarterly report is handed out to the stuurgroep and its partners; until now it printed
the newest version of the quarter's note, whatever it was. A version now says whether its
author meant it for the report. Notes written before this revision are not marked: none goes
into a report until its author saves a marked version.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_note", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("for_report", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_note", schema=None) as batch_op:
        batch_op.drop_column("for_report")
