"""Frozen award rankings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "award_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("frozen_by", sa.String(length=200), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("criteria_digest", sa.String(length=64), nullable=False),
        sa.Column("table", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_snapshots")),
    )
    op.create_index(op.f("ix_award_snapshots_period"), "award_snapshots", ["period"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_award_snapshots_period"), table_name="award_snapshots")
    op.drop_table("award_snapshots")
