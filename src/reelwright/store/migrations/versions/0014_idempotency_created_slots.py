"""idempotency records list everything their request committed (a batch makes many things)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.alter_column("created", type_=sa.Text(), existing_type=sa.String(80), existing_nullable=True)


def downgrade() -> None:
    # A list longer than the old column is dropped: a retry of that request makes its things again.
    op.execute("UPDATE idempotency_records SET created = NULL WHERE length(created) > 80")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.alter_column("created", type_=sa.String(80), existing_type=sa.Text(), existing_nullable=True)
