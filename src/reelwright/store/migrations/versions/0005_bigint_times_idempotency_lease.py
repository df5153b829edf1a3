"""64-bit timestamps; idempotency request hash and lease

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Every seconds-since-the-epoch column. On PostgreSQL ``Integer`` is 32 bits: it ends in 2038, and
# a larger value (a forged page token's timestamp) made the query fail instead of match nothing.
# SQLite's INTEGER is already 64 bits, so only PostgreSQL is altered.
TIMESTAMPS = {
    "owners": ["created_at"],
    "api_keys": ["created_at", "revoked_at"],
    "agent_sessions": ["heartbeat_at", "created_at", "updated_at"],
    "agent_messages": ["created_at"],
    "agent_resources": ["created_at"],
    "videos": ["created_at", "completed_at"],
    "assets": ["created_at"],
    "brand_kits": ["created_at"],
    "photo_avatars": ["created_at"],
    "idempotency_records": ["created_at"],
    "web_sessions": ["created_at", "expires_at"],
    "webhook_endpoints": ["created_at"],
    "webhook_deliveries": ["next_attempt_at", "created_at", "delivered_at"],
    "webhook_attempts": ["attempted_at"],
}


def _retype(to: sa.types.TypeEngine[int], was: sa.types.TypeEngine[int]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in TIMESTAMPS.items():
        for column in columns:
            op.alter_column(table, column, type_=to, existing_type=was)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("holder", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("holder")
        batch_op.drop_column("request_hash")
    _retype(sa.Integer(), sa.BigInteger())
