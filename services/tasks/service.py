"""tasks: organisation, direction, work with one owner and a deadline, tracking."""
from services.tasks import directions
from services.tasks.models import Base
from services.tasks.schemas import DirectionItemSchema
from shared import health
from shared.auth import Auth
from shared.db import Database
from shared.entrypoints import rpc
from shared.events import event_handler


class TasksService:
    name = "tasks"

    db = Database(Base.metadata)
    auth = Auth()

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    @rpc
    def pending_directions(self):
        principal = self.auth.require("leader", "clerk", "head", "service")
        items = directions.pending(self.db.session, principal.office)
        return DirectionItemSchema(many=True).dump(items)

    @event_handler("intake", "document_received")
    def on_document_received(self, event):
        if not self.db.first_delivery(event, "tasks.on_document_received"):
            return
        directions.record_pending(self.db.session, event)
        self.db.commit()
