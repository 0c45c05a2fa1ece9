"""Direction of incoming documents: what waits for the leader."""
from datetime import datetime, timezone

from sqlalchemy import select

from services.tasks.models import DirectionItem
from shared.contracts import URGENT_PRIORITIES

def record_pending(session, event):
    """A direction-pending item for a received document (urgent ones first in the list)."""
    data = event["data"]
    item = DirectionItem(
        office=event["office"], document_id=data["document_id"],
        arrival_number=data["arrival_number"], subject=data.get("subject"),
        urgent=(data.get("priority") or "") in URGENT_PRIORITIES, status="pending",
        created_at=datetime.now(timezone.utc))
    session.add(item)
    session.flush()
    return item


def pending(session, office):
    query = (select(DirectionItem)
             .where(DirectionItem.office == office, DirectionItem.status == "pending")
             .order_by(DirectionItem.urgent.desc(), DirectionItem.arrival_number))
    return session.execute(query).scalars().all()
