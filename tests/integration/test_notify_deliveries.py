"""Deliveries on a real database (SQLite and PostgreSQL): exactly once, quiet hours, retry,
failover, dead letters, leases, digests — with the real channel plugins and a fake one added
the way an office adds Zalo (one more class, nothing else changed)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.notify import deliveries, digest
from services.notify.channels import Channel, PermanentFailure, Registry, TransientFailure
from services.notify.channels.email import EmailChannel
from services.notify.channels.inbox import InboxChannel
from services.notify.channels.webhook import WebhookChannel
from services.notify.dispatch import RetryPolicy
from services.notify.models import Delivery, DeliveryAttempt, DigestRun, Notification
from services.notify.reactions import NoticeRequest
from services.notify.sender import Sender
from services.notify.service import NotifyService
from services.notify.templates import Templates
from shared import migrations
from shared.calendar import WorkingCalendar
from shared.db import make_engine
from shared.errors import InvalidInput
from shared.timeutil import TIMEZONE

pytestmark = pytest.mark.integration

OFFICE, OTHER = "DT-VPHDND", "HN-VPHDND"
STAFF = [
    {"staff_id": "lead1", "full_name": "Nguyễn Thị Lãnh", "unit_code": "VP", "unit_name": "Văn phòng",
     "position": "Chánh Văn phòng", "is_leader": True, "is_unit_head": True, "roles": ["leader"],
     "email": "lanh@dongthap.gov.vn", "active": True},
    {"staff_id": "cv1", "full_name": "Võ Văn Đức", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Chuyên viên", "roles": ["staff"], "email": "duc@dongthap.gov.vn", "active": True},
    {"staff_id": "cv2", "full_name": "Lê Hoa", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Chuyên viên", "roles": ["staff"], "email": None, "active": True},
]
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)   # 10:00 in Asia/Ho_Chi_Minh, a Monday


class ZaloChannel(Channel):
    """What an office's plugin looks like; `sent` and `fail` let a test watch and break it."""
    name = "zalo"
    sent, fail = [], []

    def address_for(self, person, addresses):
        return addresses.get("zalo")

    def send(self, message):
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append(message)


@pytest.fixture
def db(databases):
    url = databases.new("notify")
    migrations.upgrade(NotifyService, url)
    engine = make_engine(url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def runtime(smtp_server):
    ZaloChannel.sent, ZaloChannel.fail = [], []
    config = {"NOTIFY": {"channels": {"email": smtp_server.settings(), "webhook": {"secret": "s"}}}}
    registry = Registry(config, classes={"inbox": InboxChannel, "email": EmailChannel,
                                         "webhook": WebhookChannel, "zalo": ZaloChannel})
    return deliveries.Runtime(registry, Templates(), RetryPolicy(3, 0.01, 0.05, 0), {})


def with_staff(session, staff=STAFF, office=OFFICE):
    for person in staff:
        deliveries.upsert_staff(session, office, person, NOW)


def notice(recipients, key="k1", template="general", urgent=False, category="task", data=None):
    return NoticeRequest(template, category, recipients,
                         data or {"title": "Họp giao ban tuần", "body": "Thứ Hai, 8 giờ."},
                         key, urgent=urgent)


def rows(session, *where):
    return session.scalars(select(Delivery).where(*where).order_by(Delivery.id)).all()


def send_due(db, runtime, now, worker="w1"):
    """What the sender does, with a fixed clock."""
    with db() as session, session.begin():
        messages = deliveries.claim(session, worker, now, 60, 100)
    sender = Sender.__new__(Sender)
    sender.runtime, sender.clock = runtime, lambda: now
    outcomes = [Sender.send_one(sender, m) for m in messages]
    with db() as session, session.begin():
        deliveries.finish(session, runtime, worker, outcomes, now)
    return outcomes


def test_one_delivery_per_person_channel_and_key_however_often_it_is_asked(db, runtime):
    with db() as session, session.begin():
        with_staff(session)
        summary = deliveries.plan(session, runtime, OFFICE, notice(["unit:TH", "lead1"]), NOW)
    assert summary["recipients"] == 3
    assert summary["deliveries"] == 5  # inbox ×3, email ×2 (cv2 has no address)
    for _ in range(2):
        with db() as session, session.begin():
            again = deliveries.plan(session, runtime, OFFICE, notice(["cv1", "role:leader"]), NOW)
        assert again["deliveries"] == 0 and again["duplicates"] == 4
    with db() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 5
        assert session.scalar(select(func.count()).select_from(Notification)) == 3
        assert {(d.recipient, d.channel, d.status) for d in rows(session)} == {
            ("cv1", "inbox", "sent"), ("cv2", "inbox", "sent"), ("lead1", "inbox", "sent"),
            ("cv1", "email", "pending"), ("lead1", "email", "pending")}
        stored = session.scalars(select(DeliveryAttempt.outcome)).all()
        assert stored == ["stored"] * 3


def test_concurrent_plans_of_one_key_still_make_one_delivery(db, runtime):
    import eventlet

    with db() as session, session.begin():
        with_staff(session)

    def plan_once(_):
        with db() as session, session.begin():
            return deliveries.plan(session, runtime, OFFICE, notice(["cv1"], "race"), NOW)["deliveries"]

    created = list(eventlet.GreenPool(5).imap(plan_once, range(5)))
    assert sum(created) == 2  # inbox + email, once, whoever won
    with db() as session:
        assert len(rows(session, Delivery.dedup_key == "race")) == 2


def test_sent_retried_then_failed_over_then_dead(db, runtime, smtp_server):
    with db() as session, session.begin():
        with_staff(session)
        deliveries.save_preferences(session, OFFICE, "cv1", {
            "channels": {"task": ["email"]}, "fallback": ["zalo", "inbox"],
            "addresses": {"zalo": "0912345678"}}, NOW)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1", "lead1"]), NOW)
    smtp_server.stop()
    now = NOW
    for attempt in range(3):
        outcomes = send_due(db, runtime, now)
        assert len(outcomes) == 2 and all(not o.ok for o in outcomes)
        now += timedelta(seconds=1)
    with db() as session:
        by_channel = {(d.recipient, d.channel): d for d in rows(session)}
        assert by_channel[("cv1", "email")].status == "failed_over"
        assert by_channel[("cv1", "zalo")].status == "pending"
        assert by_channel[("cv1", "zalo")].failover_of == by_channel[("cv1", "email")].id
        assert by_channel[("lead1", "email")].status == "dead"  # inbox already had it
        assert by_channel[("lead1", "email")].attempts == 3
        log = session.scalars(select(DeliveryAttempt).where(
            DeliveryAttempt.delivery_id == by_channel[("lead1", "email")].id)).all()
        assert [a.outcome for a in log] == ["failed"] * 3
        assert "ConnectionRefusedError" in log[0].error
    ZaloChannel.fail = [PermanentFailure("user blocked the official account")]
    send_due(db, runtime, now)  # zalo refuses for good: on to the inbox
    with db() as session:
        assert {d.channel: d.status for d in rows(session, Delivery.recipient == "cv1")} == {
            "email": "failed_over", "zalo": "failed_over", "inbox": "sent"}
        assert session.scalars(select(Notification.title).where(
            Notification.recipient == "cv1")).all() == ["Họp giao ban tuần"]

    smtp_server.start()
    with db() as session, session.begin():
        assert deliveries.requeue_failed(session, OFFICE, None, now) == 1
    send_due(db, runtime, now + timedelta(seconds=1))
    with db() as session:
        [lead_email] = rows(session, Delivery.recipient == "lead1", Delivery.channel == "email")
        assert lead_email.status == "sent"
    [(envelope, _)] = smtp_server.messages()
    assert envelope["rcpt_tos"] == ["lanh@dongthap.gov.vn"]


def test_transient_failures_wait_with_backoff(db, runtime):
    with db() as session, session.begin():
        with_staff(session)
        deliveries.save_preferences(session, OFFICE, "cv1", {
            "channels": {"*": ["zalo"]}, "addresses": {"zalo": "09"}}, NOW)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1"]), NOW)
    ZaloChannel.fail = [TransientFailure("timeout")]
    send_due(db, runtime, NOW)
    assert send_due(db, runtime, NOW) == []  # not due again yet
    later = NOW + timedelta(seconds=1)
    [outcome] = send_due(db, runtime, later)
    assert outcome.ok and ZaloChannel.sent[0].title == "Họp giao ban tuần"


def test_quiet_hours_hold_intrusive_channels_until_morning_but_not_urgent_ones(db, runtime):
    night = datetime(2026, 11, 23, 22, 30, tzinfo=TIMEZONE)
    with db() as session, session.begin():
        with_staff(session)
        deliveries.save_preferences(session, OFFICE, "cv1",
                                    {"quiet_hours": {"start": "21:00", "end": "06:30"}}, night)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1"], "calm"), night)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1"], "fire", urgent=True), night)
        deliveries.plan(session, runtime, OFFICE,
                        notice(["cv1"], "esc", category="escalation"), night)
    with db() as session:
        email = {d.dedup_key: d for d in rows(session, Delivery.channel == "email")}
        inbox = rows(session, Delivery.channel == "inbox")
    morning = datetime(2026, 11, 24, 6, 30, tzinfo=TIMEZONE)
    assert deliveries.as_utc(email["calm"].next_attempt_at) == morning
    assert email["calm"].deferred_reason == "quiet_hours"
    assert deliveries.as_utc(email["fire"].next_attempt_at) == night
    assert deliveries.as_utc(email["esc"].next_attempt_at) == night
    assert {d.status for d in inbox} == {"sent"}  # the inbox disturbs nobody
    sent = send_due(db, runtime, night)
    assert len(sent) == 2
    assert len(send_due(db, runtime, morning)) == 1


def test_an_expired_lease_is_taken_over_and_the_late_worker_does_not_overwrite(db, runtime):
    with db() as session, session.begin():
        with_staff(session)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1"]), NOW)
    with db() as session, session.begin():
        [claimed] = deliveries.claim(session, "dead-worker", NOW, 60, 10)
    with db() as session, session.begin():
        assert deliveries.claim(session, "w2", NOW + timedelta(seconds=30), 60, 10) == []
    [outcome] = send_due(db, runtime, NOW + timedelta(seconds=61), worker="w2")
    assert outcome.ok
    with db() as session, session.begin():  # the first worker comes back late
        deliveries.finish(session, runtime, "dead-worker",
                          [deliveries.Outcome(claimed.delivery_id, NOW, NOW, "timeout")], NOW)
    with db() as session:
        [email] = rows(session, Delivery.channel == "email")
        assert email.status == "sent" and email.attempts == 2


def test_bad_input_writes_nothing_and_unresolved_recipients_are_recorded(db, runtime):
    with db() as session, session.begin():
        with_staff(session)
        with_staff(session, [{"staff_id": "hn1", "full_name": "Hà Nội", "unit_code": "HNTH",
                              "roles": ["staff"], "active": True}], OTHER)
    for request, field in ((notice(["cv1"], template="nope"), "template"),
                           (notice(["cv1"], data={"title": "x"}), "template")):
        with db() as session, session.begin():
            with pytest.raises(InvalidInput) as raised:
                deliveries.plan(session, runtime, OFFICE, request, NOW)
            assert field in raised.value.fields
    with db() as session, session.begin():
        summary = deliveries.plan(session, runtime, OFFICE,
                                  notice(["place:Phòng Tổng hợp", "place:Sở Nội vụ", "place:Lưu: VT"]),
                                  NOW)
    assert summary["recipients"] == 2 and summary["skipped"] == ["Lưu: VT"]
    assert summary["unresolved"] == ["Sở Nội vụ: no unit, position or person of this office matches"]
    with db() as session:
        [problem] = rows(session, Delivery.status == "dead")
        assert problem.channel == "none" and "Sở Nội vụ" in problem.last_error
        assert session.scalar(select(func.count()).select_from(Delivery)) == 4  # 2 inbox, 1 email, 1 problem


def test_an_event_whose_template_fails_is_logged_as_dead_not_raised(db, runtime):
    with db() as session, session.begin():
        with_staff(session)
        result = deliveries.plan_or_record(session, runtime, OFFICE,
                                           notice(["cv1"], data={"title": "x"}), NOW)
    assert "body" in result["error"]
    with db() as session:
        [problem] = rows(session)
        assert problem.status == "dead" and "'body' is undefined" in problem.last_error


def test_digest_once_per_working_day_with_due_overdue_and_unread(db, runtime):
    calendar = WorkingCalendar()
    with db() as session, session.begin():
        with_staff(session)
        deliveries.save_preferences(session, OFFICE, "cv1", {"digest_time": "07:30",
                                                             "channels": {"*": ["inbox"]}}, NOW)
        deliveries.save_preferences(session, OFFICE, "cv2", {"digest_time": "07:30"}, NOW)
        for task_id, title, due in ((1, "Báo cáo quý IV", "2026-11-20"),
                                    (2, "Tổng hợp ý kiến cử tri", "2026-11-25"),
                                    (3, "Kế hoạch năm 2027", "2026-12-31")):
            digest.track(session, OFFICE, "task_assigned",
                         {"task_id": task_id, "title": title, "assignee": "cv1", "due_date": due},
                         NOW)
        digest.track(session, OFFICE, "task_assigned",
                     {"task_id": 4, "title": "Việc đã xong", "assignee": "cv1",
                      "due_date": "2026-11-19"}, NOW)
        digest.track(session, OFFICE, "task_completed", {"task_id": 4, "title": "Việc đã xong"},
                     NOW)
        deliveries.plan(session, runtime, OFFICE, notice(["cv1"], "unread-1"), NOW)
    before = datetime(2026, 11, 23, 7, 0, tzinfo=TIMEZONE)
    at = datetime(2026, 11, 23, 7, 31, tzinfo=TIMEZONE)
    with db() as session, session.begin():
        assert digest.run_due(session, runtime, lambda o: calendar, before) == []
    passes = []
    for _ in range(2):
        with db() as session, session.begin():
            passes.append(digest.run_due(session, runtime, lambda o: calendar, at))
    assert passes == [[(OFFICE, "cv1")], []]  # the second pass found today's digest done
    with db() as session:
        [notice_row] = session.scalars(select(Notification).where(
            Notification.category == "digest")).all()
        assert notice_row.recipient == "cv1"
        assert notice_row.title == "Tổng hợp công việc ngày 23/11/2026"
        body = notice_row.body
        assert "Kính gửi đồng chí Võ Văn Đức" in body
        assert "Công việc quá hạn (1):\n- Báo cáo quý IV (hạn 20/11/2026, quá 1 ngày làm việc)" in body
        # 24/11 is Ngày Văn hóa Việt Nam (a holiday from 2026): one working day left, not two
        assert "- Tổng hợp ý kiến cử tri (hạn 25/11/2026, còn 1 ngày làm việc)" in body
        assert "Kế hoạch năm 2027" not in body and "Việc đã xong" not in body
        assert "Thông báo chưa đọc: 1." in body and "- Họp giao ban tuần" in body
        runs = {r.staff_id: r.items for r in session.scalars(select(DigestRun))}
        assert runs == {"cv1": 3, "cv2": 0}  # cv2 had nothing to report: nothing sent
    sunday = datetime(2026, 11, 29, 8, 0, tzinfo=TIMEZONE)
    with db() as session, session.begin():
        assert digest.run_due(session, runtime, lambda o: calendar, sunday) == []
