"""Notices become deliveries; deliveries are claimed, sent, retried, failed over or dead-lettered.

Everything here works on a SQLAlchemy session and knows nothing of nameko.  One Delivery row
exists per (office, recipient, channel, dedup key) — inserts that would repeat one are ignored
by the database itself, so redelivered events, repeated idempotency keys and concurrent
replicas cannot create a second.  Stored channels (the inbox) are delivered in the same
transaction; the others are claimed later by a sender, sent with no transaction open, and
their outcome written back (`claim`, `finish`).  All times are stored in UTC.

Nothing here reads the wall clock: every function that stamps a time takes `now` from its
caller (the service or the sender), so a test, a replay or a run under another date sees one
consistent clock.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.notify import dispatch, recipients
from services.notify.channels import Message
from services.notify.models import (DEAD, FAILED_OVER, PENDING, SENDING, SENT, Delivery,
                                    DeliveryAttempt, Notification, Preference, Staff)
from services.notify.preferences import bypasses_quiet, effective, quiet_until
from shared.errors import InvalidInput

log = logging.getLogger(__name__)

PROBLEM_CHANNEL = "none"   # deliveries that could not be made at all (unresolved, unrenderable)
DELIVERY_KEY = ("office", "recipient", "channel", "dedup_key")


def as_utc(moment):
    """SQLite hands back naive datetimes: everything stored here is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(
        timezone.utc)


@dataclass
class Runtime:
    """What turning notices into deliveries needs besides the session."""
    registry: object              # channels.Registry
    templates: object             # templates.Templates
    policy: dispatch.RetryPolicy
    office_defaults: dict         # office → default preferences dict ("*" for every office)

    def defaults(self, office):
        return self.office_defaults.get(office) or self.office_defaults.get("*") or {}


# -- the organisation copy and preferences ------------------------------------------------

STAFF_FIELDS = ("staff_id", "full_name", "unit_code", "unit_name", "parent_unit_code",
                "position", "is_leader", "is_unit_head", "roles", "email", "active")


def staff_dict(row):
    return {name: getattr(row, name) for name in STAFF_FIELDS}


def staff_of(session, office):
    return [staff_dict(row) for row in
            session.scalars(select(Staff).where(Staff.office == office))]


def upsert_staff(session, office, data, as_of):
    """Apply a staff_changed event; an event older than the copy's record is ignored."""
    as_of = as_utc(as_of)
    row = session.get(Staff, (office, data["staff_id"]))
    if row is None:
        row = Staff(office=office, staff_id=data["staff_id"])
        session.add(row)
    elif as_utc(row.updated_at) > as_of:
        log.info("staff_changed for %s older than the copy: ignored", data["staff_id"])
        return row
    for name in STAFF_FIELDS[1:]:
        value = data.get(name)
        setattr(row, name, list(value or []) if name == "roles" else value)
    row.updated_at = as_of
    return row


def stored_preferences(session, office, staff_ids):
    if not staff_ids:
        return {}
    rows = session.scalars(select(Preference).where(Preference.office == office,
                                                    Preference.staff_id.in_(list(staff_ids))))
    return {row.staff_id: dict(row.settings or {}) for row in rows}


def preferences_for(session, runtime, office, staff_id):
    return effective(stored_preferences(session, office, [staff_id]).get(staff_id),
                     runtime.defaults(office))


def save_preferences(session, office, staff_id, settings, now):
    row = session.get(Preference, (office, staff_id))
    if row is None:
        row = Preference(office=office, staff_id=staff_id)
        session.add(row)
    row.settings = dict(settings)
    row.digest_time = settings.get("digest_time")
    row.updated_at = as_utc(now)
    return row


# -- inserting deliveries exactly once ------------------------------------------------------

def insert_ignoring(session, model, rows, conflict_columns, returning=()):
    """Insert `rows`, ignoring those that collide on `conflict_columns`; rows actually inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    if returning:
        statement = statement.returning(*returning)
        inserted = []
        for row in rows:  # one statement per row: RETURNING with ON CONFLICT, both dialects
            inserted.extend(session.execute(statement, row).all())
        return inserted
    session.execute(statement, rows)
    return []


def delivery_row(runtime, office, recipient, person, prefs, channel_name, notice, now):
    """The Delivery row for one channel, or None when the channel cannot reach this person."""
    channel = runtime.registry.get(channel_name, office)
    if channel is None or not channel.available():
        return None
    address = channel.address_for(person, prefs.addresses if prefs else {})
    if not address:
        return None
    release = None
    if channel.intrusive and prefs and not bypasses_quiet(notice["urgent"], notice["category"]):
        release = quiet_until(now, prefs)
    return {
        "office": office, "recipient": recipient, "channel": channel_name,
        "dedup_key": notice["dedup_key"], "address": address,
        "recipient_name": (person or {}).get("full_name"), "category": notice["category"],
        "template": notice["template"], "title": notice["title"][:300], "body": notice["body"],
        "urgent": bool(notice["urgent"]),
        "status": SENT if channel.stored else PENDING,
        "attempts": 1 if channel.stored else 0,
        "next_attempt_at": None if channel.stored else as_utc(release or now),
        "deferred_reason": "quiet_hours" if release else None,
        "created_at": now, "updated_at": now, "sent_at": now if channel.stored else None,
        "failover_of": notice.get("failover_of"),
    }


def insert_deliveries(session, runtime, rows, now, worker=None):
    """Insert delivery rows; store the inbox ones at once.  Returns the number inserted."""
    returned = insert_ignoring(session, Delivery, rows, DELIVERY_KEY,
                       returning=(Delivery.id, Delivery.recipient, Delivery.channel))
    by_key = {(r["recipient"], r["channel"]): r for r in rows}
    notifications, attempts = [], []
    for delivery_id, recipient, channel_name in returned:
        row = by_key[(recipient, channel_name)]
        channel = runtime.registry.get(channel_name, row["office"])
        if not channel.stored:
            continue
        notifications.append({
            "office": row["office"], "recipient": recipient, "dedup_key": row["dedup_key"],
            "category": row["category"], "title": row["title"], "body": row["body"],
            "urgent": row["urgent"], "created_at": now})
        attempts.append({"delivery_id": delivery_id, "office": row["office"], "number": 1,
                         "channel": channel_name, "outcome": "stored", "error": None,
                         "worker": worker, "started_at": now, "finished_at": now})
    insert_ignoring(session, Notification, notifications, ("office", "recipient", "dedup_key"))
    if attempts:
        session.execute(DeliveryAttempt.__table__.insert(), attempts)
    return len(returned)


def record_problem(session, office, dedup_key, recipient, template, category, error, now):
    """A notice that could not be made (unresolved recipient, template error): a dead delivery,
    so it shows in the delivery log and `deliveries --failed` instead of vanishing."""
    log.warning("notice %s (%s) for %s not delivered: %s", dedup_key, template, recipient, error)
    insert_ignoring(session, Delivery, [{
        "office": office, "recipient": str(recipient)[:80], "channel": PROBLEM_CHANNEL,
        "dedup_key": dedup_key, "address": None, "recipient_name": None, "category": category,
        "template": template, "title": template, "body": "", "urgent": False, "status": DEAD,
        "attempts": 0, "next_attempt_at": None, "last_error": error, "created_at": now,
        "updated_at": now}], DELIVERY_KEY)


def _context(request, office, staff_id, person, names):
    return {"urgent": request.urgent, "priority": None, **request.data,
            "recipient": {"staff_id": staff_id, "full_name": (person or {}).get("full_name")},
            "names": names, "office": office}


def resolve(session, office, entries):
    """Who `entries` name in the office, without sending anything.  Only the office's own
    copy of the organisation is read: another office's people are unknown here."""
    return recipients.resolve(entries, staff_of(session, office))


def plan(session, runtime, office, request, now):
    """Deliveries for one NoticeRequest; a summary of what was created and what was not.

    Raises InvalidInput (nothing written) for an unknown template or a template that does not
    render.  Unresolved recipients are recorded as problems; staff ids not in the office's
    organisation copy get the inbox only.
    """
    now = as_utc(now)
    runtime.templates.check(request.template, office)
    resolution = resolve(session, office, request.recipients)
    names = {p["staff_id"]: p["full_name"] for p in staff_of(session, office)}
    stored = stored_preferences(session, office, list(resolution.people))
    defaults = runtime.defaults(office)
    rows = []
    notice = {"dedup_key": request.dedup_key, "category": request.category,
              "template": request.template, "urgent": request.urgent}
    for staff_id, person in resolution.people.items():
        prefs = effective(stored.get(staff_id), defaults)
        title, body = runtime.templates.render(
            request.template, _context(request, office, staff_id, person, names), office)
        personal = {**notice, "title": title, "body": body}
        chosen = [delivery_row(runtime, office, staff_id, person, prefs, name, personal, now)
                  for name in prefs.channels_for(request.category)]
        chosen = [row for row in chosen if row]
        if not chosen:  # none of the chosen channels reaches this person: the first fallback that does
            for name in prefs.failover_order(request.category):
                row = delivery_row(runtime, office, staff_id, person, prefs, name, personal, now)
                if row:
                    chosen = [row]
                    break
        if not chosen:
            resolution.unresolved.append(f"{staff_id}: no channel reaches this person")
        rows.extend(chosen)
    for group in resolution.groups:
        title, body = runtime.templates.render(
            request.template, _context(request, office, group, None, names), office)
        row = delivery_row(runtime, office, group, None, None, "inbox",
                           {**notice, "title": title, "body": body}, now)
        if row:
            rows.append(row)
    created = insert_deliveries(session, runtime, rows, now)
    for problem in resolution.unresolved:
        record_problem(session, office, request.dedup_key, problem.split(":", 1)[0],
                       request.template, request.category, f"unresolved recipient: {problem}", now)
    if resolution.unknown:
        log.info("notice %s: staff ids not in the organisation copy (inbox only): %s",
                 request.dedup_key, resolution.unknown)
    return {"dedup_key": request.dedup_key,
            "recipients": len(resolution.people) + len(resolution.groups),
            "deliveries": created, "duplicates": len(rows) - created,
            "pending": sum(1 for r in rows if r["status"] == PENDING),
            **resolution.report()}


def plan_or_record(session, runtime, office, request, now):
    """`plan` for event handlers: a notice that cannot be made is recorded, not raised.

    Retrying an event cannot fix a broken template, so the failure goes to the delivery log
    (visible with `deliveries --failed`) and the event counts as handled.
    """
    now = as_utc(now)
    try:
        with session.begin_nested():
            return plan(session, runtime, office, request, now)
    except InvalidInput as exc:
        record_problem(session, office, request.dedup_key, ",".join(request.recipients) or "-",
                       request.template, request.category, str(exc), now)
        log.error("notice %s from template %s failed: %s", request.dedup_key, request.template, exc)
        return {"dedup_key": request.dedup_key, "error": str(exc)}


# -- the sender's side: claim, finish, fail over --------------------------------------------

def message_of(delivery):
    return Message(delivery_id=delivery.id, office=delivery.office, channel=delivery.channel,
                   recipient=delivery.recipient,
                   address=delivery.address, dedup_key=delivery.dedup_key,
                   category=delivery.category, title=delivery.title, body=delivery.body,
                   urgent=delivery.urgent, recipient_name=delivery.recipient_name)


def claim(session, worker, now, lease_seconds, limit):
    """Lease up to `limit` due deliveries to `worker` (a dead worker's leases expire)."""
    now = as_utc(now)
    due = or_(and_(Delivery.status == PENDING, Delivery.next_attempt_at <= now),
              and_(Delivery.status == SENDING,
                   Delivery.claimed_at < now - timedelta(seconds=lease_seconds)))
    query = (select(Delivery).where(due)
             .order_by(Delivery.urgent.desc(), Delivery.next_attempt_at, Delivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = session.scalars(query).all()
    for delivery in claimed:
        if delivery.status == SENDING:
            log.warning("delivery %d: lease of %s expired, taken over by %s",
                        delivery.id, delivery.claimed_by, worker)
        delivery.status, delivery.claimed_by, delivery.claimed_at = SENDING, worker, now
    return [message_of(d) for d in claimed]


@dataclass
class Outcome:
    delivery_id: int
    started_at: datetime
    finished_at: datetime
    error: str | None = None
    permanent: bool = False

    @property
    def ok(self):
        return self.error is None


def finish(session, runtime, worker, outcomes, now):
    """Write back what the sender saw: the attempt in the log, then sent, retry or give up."""
    now = as_utc(now)
    if not outcomes:
        return
    found = {d.id: d for d in session.scalars(
        select(Delivery).where(Delivery.id.in_([o.delivery_id for o in outcomes])))}
    for outcome in outcomes:
        delivery = found[outcome.delivery_id]
        delivery.attempts += 1
        session.add(DeliveryAttempt(
            delivery_id=delivery.id, office=delivery.office, number=delivery.attempts,
            channel=delivery.channel, outcome="sent" if outcome.ok else "failed",
            error=outcome.error, worker=worker, started_at=outcome.started_at,
            finished_at=outcome.finished_at))
        if delivery.claimed_by != worker or delivery.status != SENDING:
            log.warning("delivery %d was taken over by %s while %s sent it",
                        delivery.id, delivery.claimed_by, worker)
            continue
        delivery.updated_at, delivery.claimed_by, delivery.claimed_at = now, None, None
        if outcome.ok:
            delivery.status, delivery.sent_at, delivery.last_error = SENT, now, None
            continue
        delivery.last_error = outcome.error
        decision, wait = dispatch.after_failure(runtime.policy, delivery.attempts,
                                                outcome.permanent)
        if decision == dispatch.RETRY:
            delivery.status = PENDING
            delivery.next_attempt_at = now + timedelta(seconds=wait)
            delivery.deferred_reason = "retry"
            continue
        successor = fail_over(session, runtime, delivery, now)
        delivery.status = FAILED_OVER if successor else DEAD
        log.warning("delivery %d (%s to %s) gave up after %d attempts: %s; %s",
                    delivery.id, delivery.channel, delivery.recipient, delivery.attempts,
                    outcome.error, f"failed over to {successor}" if successor else "dead-lettered")


def fail_over(session, runtime, delivery, now):
    """A delivery of the same notice on the next channel the person allows; its name or None."""
    if delivery.recipient.startswith(recipients.ROLE):
        return None
    tried = set(session.scalars(select(Delivery.channel).where(
        Delivery.office == delivery.office, Delivery.recipient == delivery.recipient,
        Delivery.dedup_key == delivery.dedup_key)))
    tried.add(delivery.channel)
    person = session.get(Staff, (delivery.office, delivery.recipient))
    person = staff_dict(person) if person is not None else None
    prefs = preferences_for(session, runtime, delivery.office, delivery.recipient)
    notice = {"dedup_key": delivery.dedup_key, "category": delivery.category,
              "template": delivery.template, "urgent": delivery.urgent,
              "title": delivery.title, "body": delivery.body, "failover_of": delivery.id}
    while True:
        name = dispatch.next_channel(prefs.failover_order(delivery.category), tried)
        if name is None:
            return None
        tried.add(name)
        row = delivery_row(runtime, delivery.office, delivery.recipient, person, prefs, name,
                           notice, now)
        if row and insert_deliveries(session, runtime, [row], now):
            return name


def requeue_failed(session, office, ids, now):
    """Dead deliveries (or the given ones) go back to the queue with fresh attempts."""
    now = as_utc(now)
    query = (update(Delivery)
             .where(Delivery.office == office, Delivery.status == DEAD,
                    Delivery.channel != PROBLEM_CHANNEL)
             .values(status=PENDING, attempts=0, next_attempt_at=now, updated_at=now,
                     deferred_reason="retry_failed"))
    if ids:
        query = query.where(Delivery.id.in_(list(ids)))
    return session.execute(query).rowcount


def listing(session, office, statuses=None, recipient=None, channel=None, limit=50):
    """Deliveries newest first, each with its attempts."""
    query = select(Delivery).where(Delivery.office == office)
    if statuses:
        query = query.where(Delivery.status.in_(list(statuses)))
    if recipient:
        query = query.where(Delivery.recipient == recipient)
    if channel:
        query = query.where(Delivery.channel == channel)
    found = session.scalars(query.order_by(Delivery.id.desc()).limit(limit)).all()
    attempts = {}
    if found:
        for attempt in session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.delivery_id.in_([d.id for d in found]))
                .order_by(DeliveryAttempt.id)):
            attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return [(d, attempts.get(d.id, [])) for d in found]


def counts(session, office):
    rows = session.execute(select(Delivery.status, func.count()).where(
        Delivery.office == office).group_by(Delivery.status)).all()
    return {status: count for status, count in rows}

