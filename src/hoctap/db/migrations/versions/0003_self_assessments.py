"""Units' yearly self-assessment lines, for the "Đơn vị học tập" award.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_self_assessments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessments")),
        sa.UniqueConstraint("unit_id", "period", "key", name="uq_self_assessments_unit_period_key"),
    )
    op.create_index(
        op.f("ix_self_assessments_unit_id"), "self_assessments", ["unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_self_assessments_unit_id"), table_name="self_assessments")
    op.drop_table("self_assessments")
