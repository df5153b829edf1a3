"""sessions: the API's base URL as the node that accepted the job was reached at (for workers' links)

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agent_sessions", sa.Column("public_url", sa.String(500), nullable=True))


def downgrade() -> None:
    op.drop_column("agent_sessions", "public_url")
