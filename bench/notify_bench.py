"""notify figures, printed (never asserted): fan-out to the inbox, email throughput.

    .venv/bin/python bench/notify_bench.py [--staff 500] [--pg] [--concurrency 10]

notify runs as its own process (`python -m shared.runner notify`, as `vanphong up` starts it)
on its own vhost and a fresh database (SQLite file, or PostgreSQL with --pg, dropped at the
end), with a real SMTP server (aiosmtpd, tests/support/smtp.py) on loopback.
1. The organisation copy: N staff_changed events through RabbitMQ, until all N rows exist.
2. One notice to a unit of N people (`notify.send`): time until all N inbox rows exist
   (aim ≤ 5 s for 500).
3. The same notice's N emails: time until the SMTP server has accepted all of them, and the
   throughput in messages per second.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from kombu import Connection, Exchange, Producer  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.notify.models import Delivery, Notification, Staff  # noqa: E402
from shared.auth import mint_token  # noqa: E402
from shared.config import load_config  # noqa: E402
from shared.db import normalize_url  # noqa: E402
from shared.outbox import build_envelope  # noqa: E402
from shared.rpc_client import suite_proxy  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

import logging  # noqa: E402

logging.getLogger("amqp").setLevel(logging.ERROR)  # confirms arriving while a proxy closes

API = os.environ.get("RABBIT_MANAGEMENT_API", "http://127.0.0.1:15672")
PG_ADMIN = os.environ.get("VANPHONG_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
GUEST = ("guest", "guest")
OFFICE = "DT-VPHDND"


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {timeout} s waiting for {what}")
        eventlet.sleep(0.02)
    return time.monotonic()


def counter(url, model, *where):
    engine = create_engine(normalize_url(url), poolclass=NullPool)

    def count():
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    return count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--concurrency", type=int, default=10, help="sender's parallel sends")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    vhost = f"vanphong-bench-{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=5).raise_for_status()
    requests.put(f"{API}/api/permissions/{vhost}/guest", auth=GUEST, timeout=5,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    if args.pg:
        name = f"vp_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        db_url = str(make_url(PG_ADMIN).set(database=name))
    else:
        db_url = f"sqlite:///{tmp / 'notify.db'}"
    smtp = SmtpServer(tmp / "spool").start()
    amqp = f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    env = {**os.environ, "AMQP_URI": amqp, "NOTIFY_DB_URL": db_url,
           "NOTIFY_SMTP_HOST": smtp.host, "NOTIFY_SMTP_PORT": str(smtp.port),
           "NOTIFY_SENDER_POLL": "0.2", "NOTIFY_SENDER_CONCURRENCY": str(args.concurrency),
           "OUTBOX_POLL_INTERVAL": "0.2", "LOG_LEVEL": "WARNING"}
    log = open(tmp / "notify.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "shared.runner", "notify"], env=env,
                               cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    config = {**load_config("notify"), "AMQP_URI": amqp}
    try:
        def healthy():
            try:
                with suite_proxy(config, timeout=2) as proxy:
                    return proxy.notify.health()["status"] == "ok"
            except Exception:
                return False
        wait_until(healthy, 60, "notify to start")
        print(f"notify bench: {args.staff} staff, {'PostgreSQL' if args.pg else 'SQLite'}, "
              f"sender concurrency {args.concurrency}, aiosmtpd on loopback")

        started = time.monotonic()
        with Connection(amqp) as connection:
            producer = Producer(connection)
            exchange = Exchange("tasks.events", type="topic", durable=True)
            for n in range(args.staff):
                producer.publish(build_envelope("tasks", "staff_changed", {
                    "staff_id": f"cb{n:04d}", "full_name": f"Cán bộ {n:04d}", "unit_code": "TH",
                    "unit_name": "Phòng Tổng hợp", "roles": ["staff"],
                    "email": f"cb{n:04d}@dongthap.gov.vn"}, office=OFFICE),
                    exchange=exchange, routing_key="staff_changed", serializer="json",
                    declare=[exchange], delivery_mode=2)
        staff = counter(db_url, Staff)
        done = wait_until(lambda: staff() == args.staff, 300, "the organisation copy")
        print(f"1. organisation copy: {args.staff} staff_changed events applied in "
              f"{done - started:.2f} s ({args.staff / (done - started):.0f} events/s)")

        inbox = counter(db_url, Notification, Notification.dedup_key == "send:bench")
        mails = counter(db_url, Delivery, Delivery.dedup_key == "send:bench",
                        Delivery.channel == "email", Delivery.status == "sent")
        token = mint_token(config, "bench", OFFICE, ["service"])
        started = time.monotonic()
        with suite_proxy(config, token=token, timeout=120) as proxy:
            summary = proxy.notify.send(recipients=["unit:TH"], template="general",
                                        data={"title": "Thông báo lịch họp giao ban",
                                              "body": "Họp giao ban sáng thứ Hai, 7 giờ 30."},
                                        idempotency_key="bench")
        answered = time.monotonic()
        inbox_done = wait_until(lambda: inbox() == args.staff, 120, "the inbox rows")
        print(f"2. fan-out: one notice to {summary['recipients']} people — send answered in "
              f"{answered - started:.2f} s, all {args.staff} inbox rows in "
              f"{inbox_done - started:.2f} s (aim ≤ 5 s for 500)")
        first_mail = wait_until(lambda: len(list(smtp.spool.glob("*.json"))) >= 1, 120,
                                "the first mail")
        mails_done = wait_until(lambda: len(list(smtp.spool.glob("*.json"))) >= args.staff,
                                600, "every mail")
        recorded = wait_until(lambda: mails() == args.staff, 120, "every email delivery marked sent")
        span = mails_done - first_mail
        print(f"3. email: {args.staff} messages accepted by the SMTP server "
              f"{mails_done - started:.2f} s after the call, {span:.2f} s from first to last "
              f"({args.staff / max(span, 1e-9):.0f} messages/s); all marked sent at "
              f"{recorded - started:.2f} s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        smtp.stop()
        requests.delete(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=10)
        if args.pg:
            with admin.connect() as connection:
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                    {"n": name})
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


if __name__ == "__main__":
    main()
