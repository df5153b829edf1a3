"""idempotency records name what their request committed, for a retry after the node died

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("idempotency_records", sa.Column("created", sa.String(80), nullable=True))


def downgrade() -> None:
    op.drop_column("idempotency_records", "created")
