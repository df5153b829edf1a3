"""The per-owner secret that signs webhooks sent to a request's ``callback_url``.

A callback URL arrives with each request, so it cannot carry a secret of its own; one secret per owner
(created on first use, readable and rotatable through the API) lets receivers verify those too.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelwright.store.models import Owner
from reelwright.webhooks.signing import new_secret


def owner_secret(s: Session, owner_id: str) -> str:
    """The owner's callback secret, created if it has none yet."""
    current = s.scalar(select(Owner.webhook_secret).where(Owner.id == owner_id))
    if current:
        return current
    # Conditional: if two processes race to create it, the first one wins and both use that one.
    s.execute(
        update(Owner)
        .where(Owner.id == owner_id, Owner.webhook_secret.is_(None))
        .values(webhook_secret=new_secret())
        .execution_options(synchronize_session=False)
    )
    created = s.scalar(select(Owner.webhook_secret).where(Owner.id == owner_id))
    if not created:
        raise LookupError(f"no owner {owner_id!r}")
    return created


def rotate_owner_secret(s: Session, owner_id: str) -> str:
    """A new callback secret; deliveries still pending are signed with it from their next attempt."""
    secret = new_secret()
    s.execute(
        update(Owner)
        .where(Owner.id == owner_id)
        .values(webhook_secret=secret)
        .execution_options(synchronize_session=False)
    )
    return secret
