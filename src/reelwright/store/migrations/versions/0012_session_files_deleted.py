"""sessions: when retention deleted their inputs and working files (the policy works from rows)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agent_sessions", sa.Column("files_deleted_at", sa.BigInteger, nullable=True))
    # The policy's query: ended sessions idle past the cutoff whose files are not yet deleted.
    op.create_index("ix_agent_sessions_updated", "agent_sessions", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_agent_sessions_updated", "agent_sessions")
    op.drop_column("agent_sessions", "files_deleted_at")
