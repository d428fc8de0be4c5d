"""Log-ins to the platform's JupyterHub.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_hub_accounts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_hub_accounts_name")),
        sa.UniqueConstraint("person_id", name=op.f("uq_hub_accounts_person_id")),
    )


def downgrade() -> None:
    op.drop_table("hub_accounts")
