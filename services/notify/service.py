"""notify: the right people, on their chosen channels, once."""
from services.notify import inbox, templates
from services.notify.models import Base
from services.notify.schemas import NotificationSchema
from shared import health
from shared.auth import Auth
from shared.contracts import URGENT_PRIORITIES
from shared.db import Database
from shared.entrypoints import rpc
from shared.events import event_handler


class NotifyService:
    name = "notify"

    db = Database(Base.metadata)
    auth = Auth()

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    @rpc
    def inbox(self, unread_only=False, limit=50):
        principal = self.auth.require()
        notices = inbox.list_for(self.db.session, principal, bool(unread_only), int(limit))
        return {"unread": inbox.unread_count(self.db.session, principal),
                "items": NotificationSchema(many=True).dump(notices)}

    @event_handler("intake", "document_received")
    def on_document_received(self, event):
        if not self.db.first_delivery(event, "notify.on_document_received"):
            return
        data = event["data"]
        urgent = (data.get("priority") or "") in URGENT_PRIORITIES
        title, body = templates.render("document_received", {**data, "urgent": urgent})
        inbox.deliver(self.db.session, event["office"], "role:leader", event["event_id"],
                      "document_received", title, body, urgent)
        self.db.commit()
