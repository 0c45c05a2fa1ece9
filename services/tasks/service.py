"""tasks: organisation, direction, work with one owner and a deadline, tracking."""
import logging
from datetime import datetime


from services.tasks import (deadlines, directions, lifecycle, listing, organisation,
                            registers, reminders, tracking, workflow)
from services.tasks.models import Base
from services.tasks.schemas import (
    AssignInput, CancelInput, ConfirmInput, CreateTaskInput, DirectInput, DirectionItemSchema,
    DiscardInput, ExtensionDecisionInput, ExtensionRequestInput, ExtensionSchema, HistorySchema,
    ListStaffInput, ListTasksInput, ProgressInput, RegisterInput, RemindersInput, ReviewInput,
    StaffInput, StaffSchema, SubmitInput, TaskIdInput, TaskSchema, TrackingInput, UnitInput,
    UnitSchema)
from shared import exports, health
from shared.auth import Auth, Principal
from shared.calendar import WorkingCalendar
from shared.config import offices
from shared.db import Database
from shared.entrypoints import rpc, timer
from shared.events import event_handler
from shared.schemas import load
from shared.timeutil import TIMEZONE, now_local, today_local

log = logging.getLogger(__name__)


def system_principal(office):
    return Principal(sub="tasks", office=office, roles=frozenset({"service"}))


class TasksService:
    name = "tasks"

    db = Database(Base.metadata)
    auth = Auth()

    # -- configuration ----------------------------------------------------------------------

    @property
    def config(self):
        return self.db.provider.container.config

    def calendar(self, office):
        return WorkingCalendar.from_config((self.config.get("CALENDAR") or {}).get(office) or {})

    def reminder_settings(self):
        return reminders.ReminderSettings.from_config(self.config.get("REMINDERS"))

    def caller(self, rpc_name):
        """The authenticated principal, with a role `rpc_name` needs (workflow.ENTRY_ROLES).
        Every RPC starts here; what they may do to a task is workflow.authorize's answer."""
        return self.auth.require(*workflow.entry_roles(rpc_name))

    def context(self, principal):
        return lifecycle.Context(self.db, principal, today_local(), self.calendar(principal.office))

    def task_answer(self, task):
        self.db.commit()
        return TaskSchema().dump(task)

    @rpc
    def health(self):
        return health.report(self.name, self.db.provider)

    # -- organisation -----------------------------------------------------------------------

    @rpc
    def upsert_unit(self, unit):
        principal = self.caller("upsert_unit")
        saved = organisation.upsert_unit(self.db.session, principal.office,
                                         load(UnitInput, unit, "unit"))
        self.db.commit()
        return UnitSchema().dump(saved)

    @rpc
    def upsert_staff(self, staff):
        principal = self.caller("upsert_staff")
        person, previous_unit = organisation.upsert_staff(self.db.session, principal.office,
                                                          load(StaffInput, staff, "staff"))
        self.db.record_event("staff_changed", organisation.staff_event_data(
            self.db.session, person, previous_unit, today_local()),
            office=principal.office, actor=principal.as_actor())
        self.db.commit()
        return StaffSchema().dump(person)

    @rpc
    def list_staff(self, unit_code=None, include_inactive=False):
        principal = self.caller("list_staff")
        query = load(ListStaffInput, {"unit_code": unit_code,
                                      "include_inactive": include_inactive}, "query")
        return StaffSchema(many=True).dump(organisation.list_staff(
            self.db.session, principal.office, query["unit_code"], query["include_inactive"]))

    @rpc
    def list_units(self):
        principal = self.caller("list_units")
        return UnitSchema(many=True).dump(organisation.list_units(self.db.session,
                                                                  principal.office))

    # -- direction ----------------------------------------------------------------------------

    @rpc
    def pending_directions(self):
        principal = self.caller("pending_directions")
        answer = []
        for item in directions.pending(self.db.session, principal.office):
            proposals = directions.proposals_of(self.db.session, item)
            answer.append({**DirectionItemSchema().dump(item),
                           "proposals": TaskSchema(many=True).dump(proposals)})
        return answer

    @rpc
    def direct(self, document_id, lead, due_date=None, coordinators=None, note=None,
               due_in_working_days=None):
        principal = self.caller("direct")
        given = load(DirectInput, {"document_id": document_id, "lead": lead,
                                   "due_date": due_date, "coordinators": coordinators or [],
                                   "note": note, "due_in_working_days": due_in_working_days},
                     "direction")
        ctx = self.context(principal)
        due = deadlines.resolve_due(given["due_date"], given["due_in_working_days"], ctx.today,
                                    ctx.calendar)
        item, tasks = directions.direct(ctx, given["document_id"], given["lead"],
                                        given["coordinators"], due, given["note"])
        self.db.commit()
        return {**DirectionItemSchema().dump(item), "tasks": TaskSchema(many=True).dump(tasks)}

    @rpc
    def confirm_proposed(self, task_id, due_date=None, unit_code=None, assignee=None, note=None):
        principal = self.caller("confirm_proposed")
        given = load(ConfirmInput, {"task_id": task_id, "due_date": due_date,
                                    "unit_code": unit_code, "assignee": assignee, "note": note})
        return self.task_answer(lifecycle.confirm(self.context(principal), **given))

    @rpc
    def discard_proposed(self, task_id, reason=None):
        principal = self.caller("discard_proposed")
        given = load(DiscardInput, {"task_id": task_id, "reason": reason})
        return self.task_answer(lifecycle.discard(self.context(principal), **given))

    @event_handler("intake", "document_received")
    def on_document_received(self, event):
        if not self.db.first_delivery(event, "tasks.on_document_received"):
            return
        office = event["office"]
        ctx = lifecycle.Context(self.db, system_principal(office), today_local(),
                                self.calendar(office))
        directions.record_pending(ctx, event)
        self.db.commit()

    # -- the life of a task -----------------------------------------------------------------

    @rpc
    def create(self, task):
        principal = self.caller("create")
        return self.task_answer(lifecycle.create(self.context(principal),
                                                 load(CreateTaskInput, task, "task")))

    @rpc
    def assign(self, task_id, assignee, due_date=None, note=None):
        principal = self.caller("assign")
        given = load(AssignInput, {"task_id": task_id, "assignee": assignee,
                                   "due_date": due_date, "note": note})
        return self.task_answer(lifecycle.assign(self.context(principal), **given))

    @rpc
    def accept(self, task_id):
        principal = self.caller("accept")
        given = load(TaskIdInput, {"task_id": task_id})
        return self.task_answer(lifecycle.accept(self.context(principal), **given))

    @rpc
    def report_progress(self, task_id, percent, note=None):
        principal = self.caller("report_progress")
        given = load(ProgressInput, {"task_id": task_id, "percent": percent, "note": note})
        return self.task_answer(lifecycle.report_progress(self.context(principal), **given))

    @rpc
    def submit(self, task_id, result, reply_number=None):
        principal = self.caller("submit")
        given = load(SubmitInput, {"task_id": task_id, "result": result,
                                   "reply_number": reply_number})
        return self.task_answer(lifecycle.submit(self.context(principal), **given))

    @rpc
    def review(self, task_id, decision, quality_met, reason=None):
        principal = self.caller("review")
        given = load(ReviewInput, {"task_id": task_id, "decision": decision,
                                   "quality_met": quality_met, "reason": reason})
        return self.task_answer(lifecycle.review(self.context(principal), **given))

    @rpc
    def request_extension(self, task_id, new_due_date, reason):
        principal = self.caller("request_extension")
        given = load(ExtensionRequestInput, {"task_id": task_id, "new_due_date": new_due_date,
                                             "reason": reason})
        return self.task_answer(lifecycle.request_extension(self.context(principal), **given))

    @rpc
    def decide_extension(self, task_id, approve, objective_cause=False, reason=None,
                         new_due_date=None):
        principal = self.caller("decide_extension")
        given = load(ExtensionDecisionInput, {
            "task_id": task_id, "approve": approve, "objective_cause": objective_cause,
            "reason": reason, "new_due_date": new_due_date})
        return self.task_answer(lifecycle.decide_extension(self.context(principal), **given))

    @rpc
    def cancel(self, task_id, reason):
        principal = self.caller("cancel")
        given = load(CancelInput, {"task_id": task_id, "reason": reason})
        return self.task_answer(lifecycle.cancel(self.context(principal), **given))

    @rpc
    def get(self, task_id):
        principal = self.caller("get")
        given = load(TaskIdInput, {"task_id": task_id})
        ctx = self.context(principal)
        task = lifecycle.get(ctx, given["task_id"])
        session = self.db.session
        return {**TaskSchema().dump(task),
                "history": HistorySchema(many=True).dump(lifecycle.history_of(session, task)),
                "extensions": ExtensionSchema(many=True).dump(
                    lifecycle.extensions_of(session, task)),
                "subtasks": TaskSchema(many=True).dump(lifecycle.subtasks_of(session, task))}

    @rpc
    def list_tasks(self, **criteria):
        """Tasks in a scope (workflow.list_scope), filtered, by deadline (listing.tasks)."""
        principal = self.caller("list_tasks")
        query = load(ListTasksInput, criteria, "query")
        caller = self.context(principal).caller
        scope = workflow.list_scope(caller, "mine" if query.pop("mine") else query.pop("scope"))
        query.pop("scope", None)
        today = today_local()
        soon_until = self.calendar(principal.office).add_working_days(
            today, max(self.reminder_settings().due_soon_days, default=0))
        total, found = listing.tasks(
            self.db.session, principal.office, scope=scope, sub=principal.sub,
            headed=caller.headed, today=today, soon_until=soon_until,
            overdue_only=query.pop("overdue"), due_soon_only=query.pop("due_soon"), **query)
        return {"total": total, "items": TaskSchema(many=True).dump(found)}

    # -- reminders --------------------------------------------------------------------------

    @rpc
    def run_reminders(self, on=None):
        """One sweep as at `on` (a date: at the configured hour; or a local date-time)."""
        self.caller("run_reminders")
        given = load(RemindersInput, {"on": on})
        return self.sweep(self._moment(given["on"]))

    def _moment(self, on):
        """The local moment of a sweep: now, a date at the configured hour, or a date-time."""
        if on is None:
            return now_local()
        if not isinstance(on, datetime):
            return datetime.combine(on, datetime.min.time(),
                                    TIMEZONE).replace(hour=self.reminder_settings().hour)
        return on.astimezone(TIMEZONE) if on.tzinfo else on.replace(tzinfo=TIMEZONE)

    def sweep(self, now):
        counts = lifecycle.remind(self.db, now, self.reminder_settings(), self.calendar,
                                  list(offices(self.config)), system_principal)
        self.db.commit()
        return {"on": now.isoformat(), **counts}

    @timer("REMINDER_TIMER_SECONDS", 60)
    def reminder_timer(self):
        if not self.config.get("REMINDER_TIMER", True):
            return
        try:
            counts = self.sweep(now_local())
            if any(counts[k] for k in counts if k != "on"):
                log.info("reminders sent: %s", counts)
        except Exception:
            self.db.rollback()
            log.exception("reminder sweep failed; the next one retries")

    # -- tracking ---------------------------------------------------------------------------

    @rpc
    def tracking_table(self, scope="office", period=None, group_by="unit", format="json"):
        principal = self.caller("tracking_table")
        query = load(TrackingInput, {"scope": scope, "period": period, "group_by": group_by,
                                     "format": format}, "query")
        today = today_local()
        chosen = tracking.parse_period(query["period"] or today.strftime("%Y-%m"))
        units, person = self._table_scope(principal, query["scope"])
        settings = self.reminder_settings()
        soon_until = self.calendar(principal.office).add_working_days(
            today, max(settings.due_soon_days, default=0))
        rows, total = tracking.table(self.db.session, principal.office, chosen,
                                     query["group_by"], today, soon_until, units, person)
        title = f"BẢNG THEO DÕI THỰC HIỆN NHIỆM VỤ – KỲ {chosen.label}"
        answer = exports.export(
            query["format"], tracking.headings(query["group_by"]),
            tracking.as_lines(rows, total), title=title,
            file_stem=f"bang-theo-doi-{chosen.label}-{query['group_by']}",
            office_name=offices(self.config).get(principal.office, ""),
            sheet_title=chosen.label, widths=(36, 12, 12, 12, 12, 10, 12, 14))
        if query["format"] == "json":
            answer.update({"period": chosen.label, "group_by": query["group_by"],
                           "scope": query["scope"], "items": rows, "total": total})
        return answer

    def _table_scope(self, principal, scope):
        """(unit codes or None, person or None) of `scope`, once workflow allows the caller."""
        ctx = self.context(principal)
        kind, _, value = scope.partition(":")
        person = ctx.directory.staff(value) if kind == "person" else None
        if kind == "unit":
            ctx.directory.unit(value, "scope")
        workflow.check_table_scope(ctx.caller, kind, value,
                                   person.unit_code if person is not None else None)
        if kind == "unit":
            return ctx.directory.below(value), None
        return None, (value if kind == "person" else None)

    @rpc
    def incoming_register(self, year, format="json"):
        principal = self.caller("incoming_register")
        query = load(RegisterInput, {"year": year, "format": format}, "query")
        rows = registers.incoming_rows(self.db.session, principal.office, query["year"],
                                       today_local())
        return exports.export(
            query["format"], registers.INCOMING_HEADINGS, rows,
            title=f"{registers.INCOMING_TITLE} NĂM {query['year']}",
            file_stem=f"so-theo-doi-giai-quyet-van-ban-den-{query['year']}",
            office_name=offices(self.config).get(principal.office, ""),
            sheet_title=f"Den {query['year']}", widths=registers.INCOMING_WIDTHS)
