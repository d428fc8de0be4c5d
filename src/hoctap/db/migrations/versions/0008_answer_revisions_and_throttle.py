"""Answers carry the revision the page sent (a replay or a late, older save is refused), and
failed tries at entering a contest are counted in the database, shared by every worker.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt_answers") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hits")),
    )
    op.create_index("ix_throttle_hits_key_at", "throttle_hits", ["key", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_throttle_hits_key_at", table_name="throttle_hits")
    op.drop_table("throttle_hits")
    with op.batch_alter_table("attempt_answers") as batch:
        batch.drop_column("revision")
