"""notify in a container on the real broker, with both databases, a real SMTP server and a real
webhook receiver; events are published with the real contract, as tasks and evaluation will."""
import re
from datetime import timedelta

import pytest
from nameko.exceptions import RemoteError

from services.notify.channels.webhook import SIGNATURE_HEADER, verify
from services.notify.service import NotifyService
from shared.errors import parse_remote_error
from shared.outbox import build_envelope
from shared.rpc_client import suite_proxy
from shared.timeutil import now_local
from tests.support.events import publish_events
from tests.conftest import OFFICE, OTHER_OFFICE, wait_for

pytestmark = pytest.mark.integration

SECRET = "webhook-test-secret"
CLOSED_PORT = "127.0.0.1:9"
STAFF = [
    {"staff_id": "lead1", "full_name": "Nguyễn Thị Lãnh", "unit_code": "VP", "unit_name": "Văn phòng",
     "position": "Chánh Văn phòng", "is_leader": True, "is_unit_head": True,
     "roles": ["leader"], "email": "lanh@dongthap.gov.vn"},
    {"staff_id": "tp1", "full_name": "Phạm Hoà", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Trưởng phòng", "is_unit_head": True, "roles": ["head"], "email": "hoa@dongthap.gov.vn"},
    {"staff_id": "cv1", "full_name": "Võ Văn Đức", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Chuyên viên", "roles": ["staff"], "email": "duc@dongthap.gov.vn"},
]
TASK = {"task_id": 41, "title": "Tổng hợp ý kiến cử tri trước kỳ họp", "assignee": "cv1",
        "assigner": "lead1", "unit_code": "TH", "unit_head": "tp1", "due_date": "2026-12-04"}


@pytest.fixture
def notify(runner_factory, service_config, smtp_server, webhook_server):
    # The digest timer stays out of these tests (they use the wall clock and would see a
    # digest appear whenever a run crosses a chosen digest time); send_digests is called with
    # an explicit moment where a test wants one.
    config = service_config(NotifyService, DIGEST_CHECK_SECONDS=86400, NOTIFY={
        "channels": {"email": smtp_server.settings(), "webhook": {
            "secret": SECRET, "allow_http": True,
            # the local receiver, and a closed port that refuses connections
            "allowed_targets": webhook_server.allowance()["allowed_targets"] + [CLOSED_PORT]}},
        "retry": {"max_attempts": 40, "initial": 0.3, "max_wait": 1.0, "jitter": 0.1},
        "sender": {"poll_interval": 0.2, "lease_seconds": 30}})
    runner_factory(config, NotifyService).start()
    return config


def publish(config, source, event_type, data, office=OFFICE, envelope=None):
    envelope = envelope or build_envelope(source, event_type, data, office=office)
    publish_events(config["AMQP_URI"], [envelope], source=source)
    return envelope


def call(config, token, method, **kwargs):
    with suite_proxy(config, token=token) as proxy:
        return getattr(proxy.notify, method)(**kwargs)


def error_of(config, token, method, **kwargs):
    with pytest.raises(RemoteError) as raised:
        call(config, token, method, **kwargs)
    return parse_remote_error(raised.value)


def with_staff(config, token, staff=STAFF, office=OFFICE):
    """Publish the organisation as tasks does, and wait until notify's copy has it."""
    for person in staff:
        publish(config, "tasks", "staff_changed", person, office=office)
    reader = token("svc", ["service"], office=office)
    ids = sorted(p["staff_id"] for p in staff)
    wait_for(lambda: sorted(p["staff_id"] for p in call(config, reader, "resolve",
                                                       recipients=ids)["people"]) == ids
             and not call(config, reader, "resolve", recipients=ids)["unknown"],
             message="notify's copy of the organisation")


def inbox_of(config, token, sub):
    return call(config, token(sub, ["staff"]), "inbox")


def test_task_and_evaluation_events_reach_each_person_on_their_channels(
        notify, token, smtp_server, webhook_server):
    with_staff(notify, token)
    head = token("tp1", ["head"])
    call(notify, head, "set_preferences", preferences={
        "channels": {"escalation": ["inbox", "webhook"]},
        "addresses": {"webhook": webhook_server.url("/tp1")}})

    publish(notify, "tasks", "task_assigned", {**TASK, "urgent": True})
    publish(notify, "tasks", "task_escalated", {**TASK, "threshold": 3, "on_date": "2026-12-09",
                                                "working_days_overdue": 3})
    publish(notify, "evaluation", "classification_published", {
        "year": 2026, "classification_id": 1, "rule_set": "nd335_2025",
        "results": [{"staff_id": "cv1", "level": "HTTNV", "score": 86}]})

    titles = wait_for(lambda: (lambda t: t if len(t) >= 2 else None)(
        [n["title"] for n in inbox_of(notify, token, "cv1")["items"]]), message="cv1 notices")
    assert "[KHẨN] Công việc mới được giao: Tổng hợp ý kiến cử tri trước kỳ họp" in titles
    assert "Kết quả đánh giá, xếp loại năm 2026" in titles
    lead_titles = wait_for(lambda: [n["title"] for n in inbox_of(notify, token, "lead1")["items"]
                                    if n["title"].startswith("[VƯỢT HẠN]")], message="escalation")
    assert lead_titles == ["[VƯỢT HẠN] Tổng hợp ý kiến cử tri trước kỳ họp"]

    hook = wait_for(lambda: webhook_server.received, message="the escalation webhook")
    assert hook[0].path == "/tp1" and verify(SECRET, hook[0].body, hook[0].headers[SIGNATURE_HEADER])
    assert "[VƯỢT HẠN]" in hook[0].body.decode("utf-8")

    def mails():
        return {(tuple(e["rcpt_tos"]), m["Subject"]) for e, m in smtp_server.messages()}

    wanted = {(("duc@dongthap.gov.vn",), "[KHẨN] Công việc mới được giao: Tổng hợp ý kiến cử tri trước kỳ họp"),
              (("duc@dongthap.gov.vn",), "Kết quả đánh giá, xếp loại năm 2026"),
              (("lanh@dongthap.gov.vn",), "[VƯỢT HẠN] Tổng hợp ý kiến cử tri trước kỳ họp")}
    wait_for(lambda: wanted <= mails(), message="the emails")
    assert not any("hoa@" in r[0][0] and "VƯỢT HẠN" in r[1] for r in mails())  # tp1 chose webhook


def test_send_is_idempotent_and_bad_input_is_refused_with_nothing_written(notify, token):
    with_staff(notify, token)
    with_staff(notify, token, [{"staff_id": "hn1", "full_name": "Trần Hà", "unit_code": "HNTH"}],
               office=OTHER_OFFICE)
    service = token("svc", ["service"])
    request = dict(recipients=["place:- Phòng Tổng hợp;", "place:- Lưu: VT."], template="general",
                   data={"title": "Lịch tiếp xúc cử tri", "body": "Chiều thứ Năm, 14 giờ."},
                   idempotency_key="lich-tiep-xuc-1")
    created = call(notify, service, "send", **request)
    assert created["recipients"] == 2 and created["skipped"] == ["- Lưu: VT."]
    again = call(notify, service, "send", **request)
    assert created["deliveries"] == 4 and again["deliveries"] == 0 and again["duplicates"] == 4

    def total():
        return sum(call(notify, service, "deliveries")["counts"].values())
    before = total()
    code, _, fields = error_of(notify, service, "send", **{**request, "template": "khong_co"})
    assert code == "VALIDATION_ERROR" and fields == {"template": ["no template 'khong_co'"]}
    code, _, fields = error_of(notify, service, "send", **{**request, "data": {"title": "x"},
                                                           "idempotency_key": "y"})
    assert code == "VALIDATION_ERROR" and "'body' is undefined" in fields["template"][0]
    code, _, fields = error_of(notify, service, "send", **{**request, "priority": "gấp"})
    assert code == "VALIDATION_ERROR" and "priority" in fields
    assert error_of(notify, token("cv1", ["staff"]), "send", **request)[0] == "FORBIDDEN"
    assert total() == before


def test_mail_queued_while_the_smtp_server_is_down_goes_out_when_it_is_back(
        notify, token, smtp_server):
    with_staff(notify, token)
    service = token("svc", ["service"])
    smtp_server.stop()
    call(notify, service, "send", recipients=["unit:TH"], template="general", priority="urgent",
         data={"title": "Hoãn họp giao ban", "body": "Cuộc họp chuyển sang 14 giờ."},
         idempotency_key="hoan-hop")

    def failed_attempts():
        items = call(notify, service, "deliveries", channel="email", recipient="cv1")["items"]
        email = [d for d in items if d["dedup_key"] == "send:hoan-hop"]
        return email and len(email[0]["log"]) >= 3 and email[0]
    pending = wait_for(failed_attempts, message="attempts against the stopped server")
    assert pending["status"] in ("pending", "sending")
    assert all(a["outcome"] == "failed" for a in pending["log"])
    smtp_server.start()
    wait_for(lambda: {tuple(e["rcpt_tos"]) for e, m in smtp_server.messages()
                      if m["Subject"] == "[KHẨN] Hoãn họp giao ban"} ==
             {("duc@dongthap.gov.vn",), ("hoa@dongthap.gov.vn",)}, timeout=30,
             message="the queued mail after the server came back")
    sent = call(notify, service, "deliveries", channel="email", recipient="cv1")["items"]
    [email] = [d for d in sent if d["dedup_key"] == "send:hoan-hop"]
    assert email["status"] == "sent" and email["log"][-1]["outcome"] == "sent"


def test_duplicate_events_notify_each_person_once(notify, token, smtp_server):
    with_staff(notify, token)
    due = {**TASK, "threshold": 2, "on_date": "2026-12-02"}
    first = build_envelope("tasks", "task_due_soon", due, office=OFFICE)
    publish(notify, "tasks", "task_due_soon", None, envelope=first)
    publish(notify, "tasks", "task_due_soon", None, envelope=first)
    publish(notify, "tasks", "task_due_soon", due)   # another event about the same deadline
    publish(notify, "tasks", "task_assigned", {**TASK, "task_id": 42, "title": "Việc khác"})
    wait_for(lambda: any("Việc khác" in n["title"] for n in inbox_of(notify, token, "cv1")["items"]),
             message="the last event")
    wait_for(lambda: len(smtp_server.messages()) >= 2, message="the mails")
    import eventlet
    eventlet.sleep(1.0)
    titles = [n["title"] for n in inbox_of(notify, token, "cv1")["items"]]
    assert titles.count("Sắp đến hạn: Tổng hợp ý kiến cử tri trước kỳ họp") == 1
    subjects = [m["Subject"] for _, m in smtp_server.messages()]
    assert subjects.count("Sắp đến hạn: Tổng hợp ý kiến cử tri trước kỳ họp") == 1


def test_dead_letters_are_listed_with_their_log_and_can_be_retried(
        notify, token, tmp_path, smtp_server):
    with_staff(notify, token)
    cv1 = token("cv1", ["staff"])
    call(notify, cv1, "set_preferences", preferences={
        "channels": {"task": ["email"]}, "fallback": ["webhook"],
        "addresses": {"email": "bounce@example.invalid", "webhook": f"http://{CLOSED_PORT}/none"}})
    smtp_server.stop()
    from tests.support.smtp import SmtpServer
    refusing = SmtpServer(tmp_path / "refusing", port=smtp_server.port,
                          refuse=["bounce@example.invalid"]).start()
    try:
        publish(notify, "tasks", "task_assigned", TASK)
        clerk = token("vt1", ["clerk"])
        failed = wait_for(lambda: [d for d in call(notify, clerk, "deliveries", failed=True)["items"]
                                   if d["recipient"] == "cv1" and d["channel"] == "email"],
                          message="the refused mail to fail over")
        assert failed[0]["status"] == "failed_over" and "550" in failed[0]["last_error"]
        assert failed[0]["log"][0]["outcome"] == "failed" and failed[0]["attempts"] == 1
        webhook = wait_for(lambda: [d for d in call(notify, clerk, "deliveries",
                                                    recipient="cv1")["items"]
                                    if d["channel"] == "webhook" and d["log"]],
                           message="the webhook try")
        assert webhook[0]["failover_of"] == failed[0]["id"]
        assert webhook[0]["status"] in ("pending", "sending")  # a refused port is transient
        assert webhook[0]["log"][0]["outcome"] == "failed"
        mine = call(notify, cv1, "deliveries", recipient="lead1")["items"]
        assert {d["recipient"] for d in mine} <= {"cv1"}  # staff see only their own
        assert error_of(notify, cv1, "retry_failed")[0] == "FORBIDDEN"
        assert call(notify, clerk, "retry_failed")["requeued"] == 0  # failed over, not dead
    finally:
        refusing.stop()
        smtp_server.start()


def test_preferences_quiet_hours_and_reading_the_inbox(notify, token, smtp_server):
    with_staff(notify, token)
    cv1 = token("cv1", ["staff"])
    now = now_local()
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=1)).strftime("%H:%M")
    prefs = call(notify, cv1, "set_preferences",
                 preferences={"quiet_hours": {"start": start, "end": end}, "digest_time": "07:30"})
    assert prefs["effective"]["quiet_hours"] == {"start": start, "end": end}
    assert prefs["effective"]["channels"] == {"*": ["inbox", "email"]}
    code, _, fields = error_of(notify, cv1, "set_preferences",
                               preferences={"channels": {"task": ["fax"]}})
    assert code == "VALIDATION_ERROR" and "channels.task" in fields
    assert error_of(notify, cv1, "get_preferences", staff_id="lead1")[0] == "FORBIDDEN"

    publish(notify, "tasks", "task_assigned", TASK)
    publish(notify, "tasks", "task_assigned", {**TASK, "task_id": 43, "title": "Việc gấp",
                                               "urgent": True})
    wait_for(lambda: inbox_of(notify, token, "cv1")["unread"] == 2, message="both notices")
    wait_for(lambda: any(m["Subject"].endswith("Việc gấp") for _, m in smtp_server.messages()),
             message="the urgent mail despite quiet hours")
    service = token("svc", ["service"])
    held = [d for d in call(notify, service, "deliveries", recipient="cv1", channel="email")["items"]
            if d["title"].endswith("Tổng hợp ý kiến cử tri trước kỳ họp")]
    assert held[0]["status"] == "pending" and held[0]["deferred_reason"] == "quiet_hours"

    inbox = inbox_of(notify, token, "cv1")
    marked = call(notify, cv1, "mark_read", ids=[inbox["items"][0]["id"]])
    assert marked == {"marked": 1, "unread": 1}
    assert call(notify, cv1, "mark_read", all=True) == {"marked": 1, "unread": 0}
    assert error_of(notify, cv1, "mark_read")[0] == "VALIDATION_ERROR"
    assert set(error_of(notify, cv1, "inbox", limit="all")[2]) == {"limit"}
    # another person cannot mark cv1's notices
    assert call(notify, token("tp1", ["head"]), "mark_read", ids=[inbox["items"][0]["id"]])["marked"] == 0


def test_the_command_line_sets_preferences_and_reads_the_inbox(notify, token, monkeypatch):
    from click.testing import CliRunner

    from shared.cli import main

    monkeypatch.setenv("AMQP_URI", notify["AMQP_URI"])
    monkeypatch.setenv("COLUMNS", "200")
    with_staff(notify, token)
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(main, ["notify", *args], catch_exceptions=False)

    result = cli("prefs", "--user", "cv1", "--channel", "deadline=inbox,email",
                 "--quiet-hours", "21:00-06:30", "--digest-at", "07:30")
    assert result.exit_code == 0, result.output
    assert "TUỲ CHỌN NHẬN THÔNG BÁO — cv1" in result.output
    assert "21:00–06:30" in result.output and "07:30" in result.output
    assert call(notify, token("cv1", ["staff"]), "get_preferences")["stored"] == {
        "channels": {"deadline": ["inbox", "email"]},
        "quiet_hours": {"start": "21:00", "end": "06:30"}, "digest_time": "07:30"}
    cli("prefs", "--user", "cv1", "--channel", "*=inbox", "--webhook", "https://chat.example.vn/h")
    undone = cli("prefs", "--user", "cv1", "--no-quiet-hours", "--no-digest")
    assert undone.exit_code == 0 and re.search(r"Giờ yên tĩnh\s+│\s+không", undone.output)
    assert call(notify, token("cv1", ["staff"]), "get_preferences")["stored"] == {
        "channels": {"deadline": ["inbox", "email"], "*": ["inbox"]},
        "addresses": {"webhook": "https://chat.example.vn/h"}}
    bad = cli("prefs", "--user", "cv1", "--channel", "task=fax")
    assert bad.exit_code == 1 and "channels.task" in bad.output

    publish(notify, "tasks", "task_assigned", TASK)
    wait_for(lambda: inbox_of(notify, token, "cv1")["unread"], message="the notice")
    shown = cli("inbox", "--user", "cv1")
    assert shown.exit_code == 0 and "1 chưa đọc" in shown.output
    assert "Tổng hợp ý kiến cử tri trước kỳ họp" in shown.output
    assert "Đã đánh dấu đã đọc: 1; còn 0 chưa đọc." in cli("read", "--all", "--user", "cv1").output
    assert cli("inbox", "--user", "tp1").output.count("Tổng hợp ý kiến cử tri") == 0

    log = cli("deliveries", "--user", "vt1", "--recipient", "cv1")
    assert log.exit_code == 0 and "NHẬT KÝ GỬI THÔNG BÁO" in log.output and "inbox" in log.output
    assert cli("deliveries", "--failed", "--user", "vt1").exit_code == 0  # nothing failed
    assert "Đã đưa lại vào hàng đợi: 0." in cli("retry", "--user", "vt1").output
    assert cli("inbox").exit_code == 2  # neither --user nor --token


def test_two_replicas_on_one_database_send_each_mail_once(
        runner_factory, service_config, databases, smtp_server, token):
    if databases.kind == "sqlite":
        pytest.skip("SQLite serves one process per database file (shared/db.py): "
                    "replicas share PostgreSQL")
    config = service_config(NotifyService, NOTIFY={
        "channels": {"email": smtp_server.settings()},
        "sender": {"poll_interval": 0.1, "batch": 5, "concurrency": 3}})
    for _ in range(2):
        runner_factory(config, NotifyService).start()
    staff = [{"staff_id": f"r{n:03d}", "full_name": f"Cán bộ {n}", "unit_code": "TH",
              "unit_name": "Phòng Tổng hợp", "email": f"r{n:03d}@dongthap.gov.vn"}
             for n in range(60)]
    with_staff(config, token, staff)
    service = token("svc", ["service"])
    request = dict(recipients=["unit:TH"], template="general", idempotency_key="replicas",
                   data={"title": "Thông báo nghỉ lễ", "body": "Nghỉ từ thứ Hai."})
    import eventlet
    answers = list(eventlet.GreenPool(4).imap(lambda _: call(config, service, "send", **request),
                                              range(4)))
    assert sum(a["deliveries"] for a in answers) == 120  # inbox + email, once, whoever won
    wait_for(lambda: len(smtp_server.messages()) >= 60, timeout=60, message="the mails")
    eventlet.sleep(1.5)
    recipients = [tuple(e["rcpt_tos"]) for e, _ in smtp_server.messages()]
    assert sorted(recipients) == [(f"r{n:03d}@dongthap.gov.vn",) for n in range(60)]


def test_one_office_never_reads_or_changes_another_offices_notices_deliveries_or_preferences(
        notify, token):
    """Every read and write is scoped to the caller's office: another office's notice,
    delivery or person is as good as absent, whatever the role."""
    with_staff(notify, token, [{"staff_id": "hn1", "full_name": "Trần Hà", "unit_code": "HNTH"}],
               office=OTHER_OFFICE)
    hn1 = token("hn1", ["staff"], office=OTHER_OFFICE)
    call(notify, token("svc", ["service"], office=OTHER_OFFICE), "send", recipients=["hn1"],
         template="general", data={"title": "Họp Hà Nội", "body": "8 giờ."}, idempotency_key="hn")
    call(notify, hn1, "set_preferences", preferences={"digest_time": "07:00"})
    [notice] = call(notify, hn1, "inbox")["items"]
    [delivery] = call(notify, token("vt", ["clerk"], office=OTHER_OFFICE), "deliveries")["items"]

    admin, clerk = token("ad", ["admin"]), token("vt1", ["clerk"])
    assert call(notify, admin, "mark_read", ids=[notice["id"]])["marked"] == 0
    assert call(notify, clerk, "deliveries", recipient="hn1")["items"] == []
    assert call(notify, admin, "deliveries")["counts"] == {}
    assert call(notify, clerk, "retry_failed", ids=[delivery["id"]]) == {"requeued": 0}
    assert call(notify, admin, "get_preferences", staff_id="hn1")["stored"] == {}
    call(notify, admin, "set_preferences", staff_id="hn1", preferences={"digest_time": "09:00"})
    assert call(notify, hn1, "get_preferences")["stored"] == {"digest_time": "07:00"}
    assert call(notify, hn1, "inbox")["unread"] == 1

    staff = token("cv1", ["staff"])
    for method, kwargs in (("resolve", {"recipients": ["cv1"]}), ("retry_failed", {}),
                           ("send_digests", {})):
        assert error_of(notify, staff, method, **kwargs)[0] == "FORBIDDEN", method


def test_every_hand_off_reaches_the_next_person_once(notify, token):
    """Issue 10, point 2: the unit's head, the reviewer, the previous owner, the owner of an
    accepted result and the leaders of a recalled document are each told, once."""
    with_staff(notify, token)
    to_unit = {**TASK, "task_id": 51, "title": "Việc giao phòng", "assignee": None}
    publish(notify, "tasks", "task_assigned", to_unit)
    submitted = build_envelope("tasks", "task_submitted", {
        **TASK, "result": "Đã tổng hợp", "reply_number": "45/BC-VP",
        "submitted_on": "2026-12-01"}, office=OFFICE)
    publish(notify, "tasks", "task_submitted", None, envelope=submitted)
    publish(notify, "tasks", "task_submitted", None, envelope=submitted)     # redelivered
    publish(notify, "tasks", "task_assigned", {**TASK, "task_id": 52, "title": "Việc chuyển",
                                               "assignee": "tp1", "previous_assignee": "cv1"})
    publish(notify, "tasks", "task_reviewed", {**TASK, "decision": "accept", "quality_met": True,
                                               "reviewer": "lead1", "reviewed_on": "2026-12-02"})
    publish(notify, "intake", "document_recalled", {"document_id": 9, "direction": "in",
                                                    "reason": "Gửi nhầm"})

    def titles(sub, wanted):
        return wait_for(lambda: (lambda got: got if len(got) >= wanted else None)(
            [n["title"] for n in inbox_of(notify, token, sub)["items"]]),
            message=f"{wanted} notices for {sub}")

    assert sorted(titles("tp1", 2)) == ["Công việc giao cho đơn vị: Việc giao phòng",
                                        "Công việc mới được giao: Việc chuyển"]
    assert sorted(titles("cv1", 2)) == [
        "Công việc đã được giao lại: Việc chuyển",
        "Kết quả được chấp nhận: Tổng hợp ý kiến cử tri trước kỳ họp"]
    lead = titles("lead1", 2)
    assert sorted(lead) == ["Kết quả chờ xem xét: Tổng hợp ý kiến cử tri trước kỳ họp",
                            "Văn bản đến đã bị thu hồi"]
    # a last event through the same queue as the redelivered one: once it is in, so is any repeat
    publish(notify, "tasks", "task_submitted", {**TASK, "task_id": 53, "title": "Việc cuối",
                                                "submitted_on": "2026-12-03"})
    final = titles("lead1", 3)
    assert final.count("Kết quả chờ xem xét: Tổng hợp ý kiến cử tri trước kỳ họp") == 1
    assert not call(notify, token("lead1", ["leader"]), "deliveries", failed=True)["items"]


def test_a_handed_in_result_reaches_notify_and_an_event_nobody_consumes_fails_the_test(
        notify, service_config, token):
    """The outbox in tests (OUTBOX.unrouted: error): task_submitted is routed now that notify
    takes it; an event type no service consumes is marked unrouted, logged as an error and
    named by the check that fails the test which caused it."""
    from marshmallow import Schema, fields
    from sqlalchemy import select

    from services.tasks.models import Base as TasksBase
    from services.tasks.service import TasksService
    from shared import outbox
    from shared.contracts import EVENT_DATA_SCHEMAS, register_event
    from shared.db import make_engine
    from tests.conftest import unconsumed

    tasks_config = {**service_config(TasksService), "AMQP_URI": notify["AMQP_URI"]}
    assert tasks_config["OUTBOX"]["unrouted"] == "error"
    engine = make_engine(tasks_config["DB_URL"])
    relay = outbox.Relay(engine, TasksBase.metadata, "tasks", tasks_config)
    register_event("tasks", "nobody_listens", type("Nothing", (Schema,), {"n": fields.Integer()}))
    try:
        with engine.begin() as connection:
            outbox.record(connection, TasksBase.metadata, "tasks", "task_submitted",
                          {**TASK, "result": "Xong", "submitted_on": "2026-12-01"}, office=OFFICE)
            outbox.record(connection, TasksBase.metadata, "tasks", "nobody_listens", {"n": 1},
                          office=OFFICE)
        relay.drain_once()
        with engine.connect() as connection:
            table = TasksBase.metadata.tables["outbox"]
            statuses = dict(connection.execute(select(table.c.event_type, table.c.status)).all())
    finally:
        EVENT_DATA_SCHEMAS.pop(("tasks", "nobody_listens"), None)
        engine.dispose()
    assert statuses == {"task_submitted": outbox.PUBLISHED, "nobody_listens": outbox.UNROUTED}
    seen = list(outbox.unrouted_seen)
    del outbox.unrouted_seen[:]        # this test made the lost event on purpose
    assert [(s, t) for s, t, _ in seen] == [("tasks", "nobody_listens")]
    assert unconsumed(seen) == [("tasks", "nobody_listens")]
    assert unconsumed([("tasks", "task_assigned", "x")]) == []   # its consumers just do not run
    wait_for(lambda: inbox_of(notify, token, "lead1")["items"], message="the reviewer's notice")


def test_a_cancelled_task_tells_its_owner(notify, token):
    with_staff(notify, token)
    cancelled = build_envelope("tasks", "task_cancelled", {**TASK, "reason": "Văn bản thu hồi"},
                               office=OFFICE, actor={"sub": "lead1", "office": OFFICE,
                                                     "roles": ["leader"]})
    publish(notify, "tasks", "task_cancelled", None, envelope=cancelled)
    [notice] = wait_for(lambda: inbox_of(notify, token, "cv1")["items"], message="cv1's notice")
    assert notice["title"] == "Công việc đã hủy: Tổng hợp ý kiến cử tri trước kỳ họp"
    assert "lý do: Văn bản thu hồi" in notice["body"]
