"""The inbox channel: notices stored for people, read and unread.

Notices are stored by `deliveries.insert_deliveries`, in the transaction that plans them.
"""
from sqlalchemy import func, select, update

from services.notify.models import Notification


def addressed_to(principal):
    """The inboxes a person reads: their own and their roles' shared ones."""
    return [principal.sub] + [f"role:{role}" for role in sorted(principal.roles)]


def list_for(session, office, recipients, unread_only=False, limit=50):
    query = select(Notification).where(Notification.office == office,
                                       Notification.recipient.in_(recipients))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.urgent.desc(), Notification.id.desc()).limit(limit)
    return session.execute(query).scalars().all()


def unread_count(session, office, recipients):
    return session.execute(select(func.count()).where(
        Notification.office == office, Notification.recipient.in_(recipients),
        Notification.read_at.is_(None))).scalar_one()


def mark_read(session, office, recipients, ids, now):
    """Mark these inboxes' notices read (all unread ones when `ids` is None); how many changed."""
    query = update(Notification).where(
        Notification.office == office, Notification.recipient.in_(recipients),
        Notification.read_at.is_(None)).values(read_at=now)
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return session.execute(query).rowcount
