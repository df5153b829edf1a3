"""Shared voicing: a long script's sentences voiced in chunks by several workers

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_chunks",
        sa.Column("batch_id", sa.String(32), primary_key=True),
        sa.Column("index", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(32), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("heartbeat_at", sa.BigInteger, nullable=True),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("voice_chunks")
