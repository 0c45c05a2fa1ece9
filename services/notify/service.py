"""notify: the right people, on their chosen channels, once."""
import logging
from datetime import datetime

from services.notify import deliveries, digest, inbox, reactions
from services.notify.permissions import caller
from services.notify.models import FAILED_STATUSES, Base
from services.notify.preferences import merge as merge_preferences
from services.notify.preferences import validate as validate_preferences
from services.notify.schemas import (AttemptSchema, DeliveriesQuerySchema, DeliverySchema,
                                     InboxQuerySchema, MarkReadSchema, NotificationSchema,
                                     PreferencesSchema, ResolveSchema, RetryFailedSchema,
                                     SendDigestsSchema, SendSchema, StaffIdSchema)
from services.notify.sender import Outbound, utcnow
from shared import health
from shared.auth import Auth
from shared.calendar import WorkingCalendar
from shared.db import Database
from shared.entrypoints import rpc, timer
from shared.errors import InvalidInput
from shared.events import event_handler
from shared.schemas import load

log = logging.getLogger(__name__)


class NotifyService:
    name = "notify"

    db = Database(Base.metadata)
    auth = Auth()
    outbound = Outbound()

    @property
    def config(self):
        return self.db.provider.container.config

    @property
    def runtime(self):
        return self.outbound.runtime

    def calendar_for(self, office):
        return WorkingCalendar.from_config((self.config.get("CALENDAR") or {}).get(office) or {})

    @rpc
    def health(self):
        report = health.report(self.name, self.db.provider)
        sender = self.outbound.sender
        report["checks"]["sender"] = {"status": "error" if sender and sender.last_error else "ok",
                                      "last_error": sender.last_error if sender else None,
                                      "channels": self.runtime.registry.names()}
        if sender and sender.last_error:
            report["status"] = "degraded"
        return report

    # -- the inbox ---------------------------------------------------------------------------

    @rpc
    def inbox(self, unread_only=False, limit=50):
        scope = caller(self.auth, "inbox")
        given = load(InboxQuerySchema, {"unread_only": unread_only, "limit": limit})
        mine = inbox.addressed_to(scope.principal)
        notices = inbox.list_for(self.db.session, scope.office, mine, given["unread_only"],
                                 given["limit"])
        return {"unread": inbox.unread_count(self.db.session, scope.office, mine),
                "items": NotificationSchema(many=True).dump(notices)}

    @rpc
    def mark_read(self, ids=None, all=False):
        scope = caller(self.auth, "mark_read")
        given = load(MarkReadSchema, {"ids": ids, "all": all})
        if not given["all"] and not given["ids"]:
            raise InvalidInput("give the notices to mark read, or all=true",
                               {"ids": ["a non-empty list of notice ids"]})
        mine = inbox.addressed_to(scope.principal)
        marked = inbox.mark_read(self.db.session, scope.office, mine,
                                 None if given["all"] else given["ids"], utcnow())
        self.db.commit()
        return {"marked": marked, "unread": inbox.unread_count(self.db.session, scope.office, mine)}

    # -- sending -------------------------------------------------------------------------------

    @rpc
    def send(self, **request):
        """Notify people, units, roles or "Nơi nhận" lines with a template, once per key."""
        given = load(SendSchema, request, "notice")
        scope = caller(self.auth, "send", given["office"])
        notice = reactions.NoticeRequest(
            given["template"], given["category"], given["recipients"], given["data"],
            f"send:{given['idempotency_key']}", urgent=given["priority"] == "urgent")
        summary = deliveries.plan(self.db.session, self.runtime, scope.office, notice, utcnow())
        self.db.commit()
        self.outbound.wake()
        log.info("%s sent %s to %d recipients", scope.staff_id, given["template"],
                 summary["recipients"])
        return summary

    @rpc
    def resolve(self, recipients):
        """Preview whom `recipients` (people, units, roles, "Nơi nhận" lines) reach; sends nothing."""
        scope = caller(self.auth, "resolve")
        given = load(ResolveSchema, {"recipients": recipients})
        resolution = deliveries.resolve(self.db.session, scope.office, given["recipients"])
        people = [{"staff_id": staff_id, "full_name": (person or {}).get("full_name"),
                   "unit_code": (person or {}).get("unit_code")}
                  for staff_id, person in resolution.people.items()]
        return {"people": people, **resolution.report()}

    @rpc
    def deliveries(self, **query):
        """The delivery log: deliveries with every attempt; `failed=True` for the dead letters."""
        scope = caller(self.auth, "deliveries")
        given = load(DeliveriesQuerySchema, query, "query")
        statuses = given["status"] or (FAILED_STATUSES if given["failed"] else None)
        found = deliveries.listing(self.db.session, scope.office, statuses,
                                   scope.log_recipient(given["recipient"]), given["channel"],
                                   given["limit"])
        items = []
        for delivery, attempts in found:
            items.append({**DeliverySchema().dump(delivery),
                          "log": AttemptSchema(many=True).dump(attempts)})
        return {"counts": deliveries.counts(self.db.session, scope.office), "items": items}

    @rpc
    def retry_failed(self, ids=None):
        scope = caller(self.auth, "retry_failed")
        given = load(RetryFailedSchema, {"ids": ids})
        requeued = deliveries.requeue_failed(self.db.session, scope.office, given["ids"],
                                             utcnow())
        self.db.commit()
        self.outbound.wake()
        return {"requeued": requeued}

    # -- preferences -------------------------------------------------------------------------

    @rpc
    def get_preferences(self, staff_id=None):
        scope = caller(self.auth, "get_preferences")
        staff_id = load(StaffIdSchema, {"staff_id": staff_id})["staff_id"]
        return self._preferences(scope, scope.whose_preferences(staff_id))

    @rpc
    def set_preferences(self, preferences=None, staff_id=None):
        """Change some of a person's choices; keys left out keep their value, null clears."""
        scope = caller(self.auth, "set_preferences")
        staff_id = scope.whose_preferences(load(StaffIdSchema, {"staff_id": staff_id})["staff_id"])
        given = load(PreferencesSchema, preferences, "preferences")
        registry = self.runtime.registry
        validate_preferences(
            given, registry.names(),
            lambda name, address: registry.get(name, scope.office).validate_address(address))
        stored = deliveries.stored_preferences(self.db.session, scope.office, [staff_id])
        merged = merge_preferences(stored.get(staff_id, {}), given)
        deliveries.save_preferences(self.db.session, scope.office, staff_id, merged, utcnow())
        self.db.commit()
        return self._preferences(scope, staff_id)

    def _preferences(self, scope, staff_id):
        stored = deliveries.stored_preferences(self.db.session, scope.office, [staff_id])
        return {"staff_id": staff_id, "stored": stored.get(staff_id, {}),
                "effective": deliveries.preferences_for(self.db.session, self.runtime,
                                                        scope.office, staff_id).as_dict(),
                "channels": self.runtime.registry.names()}

    # -- digests -----------------------------------------------------------------------------

    @timer("DIGEST_CHECK_SECONDS", 60)
    def digests(self):
        self._run_digests(utcnow())

    @rpc
    def send_digests(self, at=None):
        """Make the digests due at `at` (ISO datetime; default now) for the caller's office."""
        scope = caller(self.auth, "send_digests")
        moment = load(SendDigestsSchema, {"at": at})["at"] or utcnow()
        made = self._run_digests(moment, [scope.office])
        return {"digests": [staff_id for _, staff_id in made]}

    def _run_digests(self, moment, offices=None):
        made = digest.run_due(self.db.session, self.runtime, self.calendar_for, moment, offices)
        self.db.commit()
        if made:
            self.outbound.wake()
        return made

    # -- events of the other services ---------------------------------------------------------

    def _react(self, event, consumer, track=False):
        if not self.db.first_delivery(event, consumer):
            return
        now = utcnow()
        if track:
            digest.track(self.db.session, event["office"], event["event_type"], event["data"],
                         now)
        for notice in reactions.notices_for(event):
            deliveries.plan_or_record(self.db.session, self.runtime, event["office"], notice, now)
        self.db.commit()
        self.outbound.wake()

    @event_handler("intake", "document_received")
    def on_document_received(self, event):
        self._react(event, "notify.on_document_received")

    @event_handler("tasks", "staff_changed")
    def on_staff_changed(self, event):
        if not self.db.first_delivery(event, "notify.on_staff_changed"):
            return
        deliveries.upsert_staff(self.db.session, event["office"], event["data"],
                                datetime.fromisoformat(event["occurred_at"]))
        self.db.commit()

    @event_handler("tasks", "task_assigned")
    def on_task_assigned(self, event):
        self._react(event, "notify.on_task_assigned", track=True)

    @event_handler("intake", "document_recalled")
    def on_document_recalled(self, event):
        self._react(event, "notify.on_document_recalled")

    @event_handler("tasks", "task_submitted")
    def on_task_submitted(self, event):
        self._react(event, "notify.on_task_submitted", track=True)

    @event_handler("tasks", "task_reviewed")
    def on_task_reviewed(self, event):
        self._react(event, "notify.on_task_reviewed", track=True)

    @event_handler("tasks", "task_due_soon")
    def on_task_due_soon(self, event):
        self._react(event, "notify.on_task_due_soon", track=True)

    @event_handler("tasks", "task_overdue")
    def on_task_overdue(self, event):
        self._react(event, "notify.on_task_overdue", track=True)

    @event_handler("tasks", "task_escalated")
    def on_task_escalated(self, event):
        self._react(event, "notify.on_task_escalated", track=True)

    @event_handler("tasks", "extension_requested")
    def on_extension_requested(self, event):
        self._react(event, "notify.on_extension_requested", track=True)

    @event_handler("tasks", "extension_decided")
    def on_extension_decided(self, event):
        self._react(event, "notify.on_extension_decided", track=True)

    @event_handler("tasks", "task_completed")
    def on_task_completed(self, event):
        self._react(event, "notify.on_task_completed", track=True)

    @event_handler("tasks", "task_cancelled")
    def on_task_cancelled(self, event):
        self._react(event, "notify.on_task_cancelled", track=True)

    @event_handler("evaluation", "classification_published")
    def on_classification_published(self, event):
        self._react(event, "notify.on_classification_published")

    @event_handler("evaluation", "titles_awarded")
    def on_titles_awarded(self, event):
        self._react(event, "notify.on_titles_awarded")

