"""evaluation: task outcomes → monthly scores → year-end classification and titles."""
from services.evaluation import outcomes
from services.evaluation.models import Base
from services.evaluation.schemas import OutcomeQuerySchema, TaskOutcomeSchema
from shared import health
from shared.auth import Auth
from shared.db import Database
from shared.entrypoints import rpc
from shared.events import event_handler
from shared.schemas import load


class EvaluationService:
    name = "evaluation"

    db = Database(Base.metadata)
    auth = Auth()

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    @rpc
    def outcomes(self, **query):
        principal = self.auth.require()
        criteria = load(OutcomeQuerySchema, query, "query")
        if not principal.has_any("evaluator", "leader", "head", "admin", "service"):
            criteria["assignee"] = principal.sub  # staff see their own outcomes only
        found = outcomes.list_for(self.db.session, principal.office, **criteria)
        return TaskOutcomeSchema(many=True).dump(found)

    @event_handler("tasks", "task_completed")
    def on_task_completed(self, event):
        if not self.db.first_delivery(event, "evaluation.on_task_completed"):
            return
        outcomes.record(self.db.session, event)
        self.db.commit()
