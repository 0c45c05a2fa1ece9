"""notify as its own process (`python -m shared.runner notify`, as `vanphong up` starts it)
against a real SMTP server, with faults: the SMTP server down, duplicate events across a
restart, and the process killed (SIGKILL) in the middle of a fan-out.

The module runs its own notify (own vhost, SQLite file and SMTP server, a shortened retry
schedule) so that it can stop and kill it without touching the session's suite.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from services.notify.models import Delivery, Notification, Staff
from shared.auth import mint_token
from shared.config import load_config
from shared.outbox import build_envelope
from shared.rpc_client import suite_proxy
from tests.support.events import publish_events
from tests.conftest import OFFICE, read_engine, wait_for
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.e2e

API = os.environ.get("RABBIT_MANAGEMENT_API", "http://127.0.0.1:15672")
GUEST = ("guest", "guest")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class NotifyProcess:
    def __init__(self, tmp, smtp):
        self.vhost = f"vanphong-notify-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp
        self.db_url = f"sqlite:///{tmp / 'notify.db'}"
        self.env = {**os.environ, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{self.vhost}",
                    "NOTIFY_DB_URL": self.db_url, "NOTIFY_SMTP_HOST": smtp.host,
                    "NOTIFY_SMTP_PORT": str(smtp.port), "NOTIFY_SMTP_TIMEOUT": "3",
                    "NOTIFY_RETRY_ATTEMPTS": "200", "NOTIFY_RETRY_INITIAL": "0.5",
                    "NOTIFY_RETRY_MAX_WAIT": "2", "NOTIFY_RETRY_JITTER": "0.2",
                    "NOTIFY_SENDER_POLL": "0.2", "NOTIFY_LEASE_SECONDS": "3",
                    "EVENT_DELIVERY_LIMIT": "3", "EVENT_RETRY_BACKOFF": "0.05",
                    "OUTBOX_POLL_INTERVAL": "0.2"}
        self.config = {**load_config("notify"), "AMQP_URI": self.env["AMQP_URI"]}
        self.process = None

    def start(self):
        log = open(self.tmp / "notify.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "shared.runner", "notify"],
                                        env=self.env, cwd=REPO_ROOT, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.healthy, timeout=60, interval=0.5, message="notify to start")

    def healthy(self):
        try:
            with suite_proxy(self.config, timeout=2) as proxy:
                return proxy.notify.health()["status"] == "ok"
        except Exception:
            return False

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait(timeout=60)
        self.process = None

    def publish(self, envelopes, source="tasks"):
        publish_events(self.env["AMQP_URI"], envelopes, source=source)

    def count(self, model, *where):
        engine = read_engine(self.db_url)
        with engine.connect() as connection:
            value = connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        engine.dispose()
        return value

    def log_tail(self):
        return (self.tmp / "notify.log").read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp") / "spool").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notify(tmp_path_factory, smtp):
    process = NotifyProcess(tmp_path_factory.mktemp("notify"), smtp)
    requests.put(f"{API}/api/vhosts/{process.vhost}", auth=GUEST, timeout=5).raise_for_status()
    requests.put(f"{API}/api/permissions/{process.vhost}/guest", auth=GUEST, timeout=5,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    try:
        process.start()
        staff = [{"staff_id": f"cv{n:03d}", "full_name": f"Cán bộ {n:03d}", "unit_code": "TH",
                  "unit_name": "Phòng Tổng hợp", "roles": ["staff"],
                  "email": f"cv{n:03d}@dongthap.gov.vn"} for n in range(300)]
        process.publish([build_envelope("tasks", "staff_changed", person, office=OFFICE)
                         for person in staff])
        wait_for(lambda: process.count(Staff) == 300,
                 timeout=60, message="the organisation copy")
        yield process
    finally:
        process.stop()
        requests.delete(f"{API}/api/vhosts/{process.vhost}", auth=GUEST, timeout=10)


def assigned(task_id, assignee, title=None):
    return build_envelope("tasks", "task_assigned", {
        "task_id": task_id, "title": title or f"Công việc số {task_id}", "assignee": assignee,
        "assigner": "lead1", "due_date": "2026-12-15"}, office=OFFICE)


def mails_to(smtp, subject):
    return [(tuple(e["rcpt_tos"]), m["Message-ID"]) for e, m in smtp.messages()
            if m["Subject"] == subject]


def test_mail_queued_while_smtp_is_down_is_delivered_once_it_is_back(notify, smtp):
    smtp.stop()
    try:
        notify.publish([assigned(1000 + n, f"cv{n:03d}", "Chuẩn bị báo cáo thẩm tra")
                        for n in range(20)])
        wait_for(lambda: notify.count(Delivery, Delivery.channel == "email",
                                      Delivery.attempts >= 2) >= 20,
                 timeout=60, message="repeated failed attempts while the server is down")
        assert notify.count(Delivery, Delivery.status == "sent", Delivery.channel == "email") == 0
    finally:
        smtp.start()
    subject = "Công việc mới được giao: Chuẩn bị báo cáo thẩm tra"
    wait_for(lambda: len(mails_to(smtp, subject)) >= 20, timeout=60,
             message=f"the queued mail after the server came back; log: {notify.log_tail()}")
    time.sleep(1.5)
    received = mails_to(smtp, subject)
    assert sorted(r for r, _ in received) == [(f"cv{n:03d}@dongthap.gov.vn",) for n in range(20)]


def test_duplicate_events_across_a_restart_notify_once(notify, smtp):
    event = assigned(2000, "cv001", "Rà soát nghị quyết")
    notify.publish([event, event])
    subject = "Công việc mới được giao: Rà soát nghị quyết"
    wait_for(lambda: mails_to(smtp, subject), timeout=30, message="the first mail")
    notify.stop()
    notify.publish([event])                         # redelivered while notify is down
    notify.start()
    notify.publish([event])
    token = mint_token(notify.config, "cv001", OFFICE, ["staff"])
    wait_for(lambda: notify.count(Notification, Notification.dedup_key == event["event_id"]) == 1,
             message="the notice")
    time.sleep(2)
    with suite_proxy(notify.config, token=token) as proxy:
        titles = [n["title"] for n in proxy.notify.inbox(limit=200)["items"]]
    assert titles.count(subject) == 1
    assert len(mails_to(smtp, subject)) == 1


def test_killed_in_the_middle_of_a_fan_out_loses_nothing_and_repeats_no_delivery(notify, smtp):
    subject = "Hoãn kỳ họp chuyên đề"
    service = mint_token(notify.config, "svc", OFFICE, ["service"])
    with suite_proxy(notify.config, token=service) as proxy:
        summary = proxy.notify.send(recipients=["unit:TH"], template="general",
                                    data={"title": subject, "body": "Kỳ họp chuyển sang tuần sau."},
                                    idempotency_key="hoan-ky-hop")
    assert summary["recipients"] == 300
    wait_for(lambda: len(mails_to(smtp, subject)) >= 20, timeout=60, interval=0.05,
             message="the fan-out to be under way")
    notify.stop(signal.SIGKILL)
    sent_before = len(mails_to(smtp, subject))
    assert sent_before < 300, "the fan-out finished before the kill: make it larger"
    notify.start()
    wait_for(lambda: len({r for r, _ in mails_to(smtp, subject)}) == 300, timeout=120,
             message=f"every mail after the restart; log: {notify.log_tail()}")
    time.sleep(4)  # past the lease: anything still to go has gone
    received = mails_to(smtp, subject)
    assert notify.count(Delivery, Delivery.dedup_key == "send:hoan-ky-hop",
                        Delivery.channel == "email") == 300       # one delivery per person
    assert notify.count(Delivery, Delivery.dedup_key == "send:hoan-ky-hop",
                        Delivery.channel == "email", Delivery.status == "sent") == 300
    assert notify.count(Notification, Notification.dedup_key == "send:hoan-ky-hop") == 300
    repeats = Counter(r for r, _ in received)
    resent = sum(n - 1 for n in repeats.values())
    # only what was on the wire at the kill can go twice (at most the sender's concurrency),
    # and a repeat carries the same Message-ID, so mail clients show it once
    assert resent <= 10
    assert all(len({mid for r, mid in received if r == rcpt}) == 1 for rcpt in repeats)
