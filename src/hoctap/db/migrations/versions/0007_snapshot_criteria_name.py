"""Award snapshots record which criteria made them by name, beside the criteria's hash.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("award_snapshots") as batch:
        batch.add_column(
            sa.Column("criteria_name", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("award_snapshots") as batch:
        batch.drop_column("criteria_name")
