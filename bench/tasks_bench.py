"""tasks on PostgreSQL with 100,000 tasks across 50 offices: the tracking table, one reminder
sweep, and transitions per second through RPC next to the raw nameko echo of the same run.

One server process runs the echo service (bench/rpc_overhead.py) and TasksService on a
throwaway vhost and a throwaway PostgreSQL database.  Figures are printed, never asserted.
Aims (issue 4): tracking table p99 ≤ 100 ms, one sweep ≤ 2 s.

    .venv/bin/python bench/tasks_bench.py [--tasks 100000] [--offices 50] [--calls 500]
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rpc_overhead import API, GUEST, EchoService, measure, percentile  # noqa: E402

PG_ADMIN_URL = os.environ.get("VANPHONG_BENCH_PG",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REFERENCE_DAY = date(2026, 11, 23)       # Monday: the data's "today" and the sweep's day
UNITS_PER_OFFICE, STAFF_PER_OFFICE = 5, 40


def office_codes(count):
    return [f"B{n:02d}-VP" for n in range(count)]


def serve(amqp_uri, db_url, offices_json):
    from nameko.cli.run import run

    from services.tasks.service import TasksService
    from shared.config import load_config

    config = {**load_config("tasks"), "AMQP_URI": amqp_uri, "DB_URL": db_url,
              "OFFICES": json.loads(offices_json), "REMINDER_TIMER": False}
    run([EchoService, TasksService], config)


def create_database():
    name = f"vp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(PG_ADMIN_URL).set(database=name))


def drop_database(url):
    name = make_url(url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :n"), {"n": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def seed(db_url, offices, total_tasks):
    """Units, staff and tasks: deadlines over 2026; of those past, 97 % done (70 % of them on
    time), the rest still open (overdue); of those to come, a mix of open states."""
    from services.tasks.models import Staff, Task, Unit

    rng = random.Random(4)
    now = datetime.now(timezone.utc)
    engine = create_engine(db_url)
    units, staff, tasks = [], [], []
    year_start = date(2026, 1, 1)
    for office in offices:
        for u in range(UNITS_PER_OFFICE):
            units.append({"office": office, "code": f"U{u}", "name": f"Phòng {u}",
                          "aliases": "[]", "active": True, "updated_at": now})
        for s in range(STAFF_PER_OFFICE):
            staff.append({"office": office, "staff_id": f"{office}-s{s}",
                          "full_name": f"Cán bộ {s}",
                          "unit_code": f"U{s % UNITS_PER_OFFICE}", "is_leader": s == 0,
                          "is_unit_head": s < UNITS_PER_OFFICE, "roles": "[]", "active": True,
                          "updated_at": now})
    per_office = total_tasks // len(offices)
    for office in offices:
        for n in range(per_office):
            due = year_start + timedelta(days=rng.randrange(365))
            person = rng.randrange(STAFF_PER_OFFICE)
            if due < REFERENCE_DAY:
                status = "done" if rng.random() < 0.97 else rng.choice(
                    ["in_progress", "assigned", "returned"])
            else:
                status = rng.choice(["in_progress", "in_progress", "assigned", "new", "submitted"])
            done = status == "done"
            tasks.append({
                "office": office, "title": f"Việc {n}", "task_type": "general", "weight": 1.0,
                "urgent": False, "status": status, "unit_code": f"U{person % UNITS_PER_OFFICE}",
                "assignee": None if status == "new" else f"{office}-s{person}",
                "assigner": f"{office}-s0", "coordinators": "[]", "due_date": due,
                "original_due_date": due, "progress": 100 if done else 30,
                "on_time": (rng.random() < 0.7) if done else None,
                "submitted_on": due if status in ("done", "submitted") else None,
                "completed_on": due if done else None, "delay_count": 0, "excused_delays": 0,
                "failed_reviews": 0, "created_by": f"{office}-s0", "created_at": now,
                "updated_at": now})
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Unit.__table__), units)
        connection.execute(insert(Staff.__table__), staff)
        for start in range(0, len(tasks), 10_000):
            connection.execute(insert(Task.__table__), tasks[start:start + 10_000])
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return len(tasks), time.perf_counter() - started


class Rotating:
    """An RPC method whose successive calls take successive keyword arguments (for measure)."""

    def __init__(self, method, kwargs):
        self.method, self.kwargs = method, iter(kwargs)

    def call_async(self):
        return self.method.call_async(**next(self.kwargs))


def timed(calls):
    latencies = []
    for call in calls:
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies), percentile(latencies, 0.99)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(*args.serve)

    from services.tasks import tracking
    from services.tasks.service import TasksService
    from shared import migrations
    from shared.auth import mint_token
    from shared.config import load_config
    from shared.rpc_client import suite_proxy
    from sqlalchemy.orm import Session

    logging.getLogger("amqp").setLevel(logging.ERROR)
    offices = office_codes(args.offices)
    office_names = {code: f"Văn phòng thử {code}" for code in offices}
    db_url = create_database()
    vhost = f"vanphong-bench-{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=5).raise_for_status()
    requests.put(f"{API}/api/permissions/{vhost}/guest", auth=GUEST, timeout=5,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    amqp_uri = f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    server = None
    try:
        migrations.upgrade(TasksService, db_url)
        count, seconds = seed(db_url, offices, args.tasks)
        print(f"tasks on PostgreSQL: {count} tasks, {len(offices)} offices, "
              f"{os.cpu_count()} cores (seeded in {seconds:.1f} s)")
        server = subprocess.Popen([sys.executable, __file__, "--serve", amqp_uri, db_url,
                                   json.dumps(office_names)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        config = {**load_config(), "AMQP_URI": amqp_uri, "OFFICES": office_names}
        office = offices[len(offices) // 2]
        leader = mint_token(config, f"{office}-s0", office, ["leader"])
        admin = mint_token(config, "bench-admin", office, ["admin"])
        with suite_proxy(config, token=leader, timeout=60) as proxy:
            deadline = time.monotonic() + 60
            while True:
                try:
                    proxy.tasks.health()
                    proxy.echo.echo()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)

            # -- tracking table: the domain query alone, then through RPC
            engine = create_engine(db_url)
            today = date.today()
            period = tracking.parse_period("2026")
            month = tracking.parse_period("2026-11")
            with Session(engine) as session:
                for name, chosen, group in (("year, by person", period, "person"),
                                            ("month, by unit", month, "unit")):
                    p50, p99 = timed([
                        lambda o=o: tracking.table(session, o, chosen, group, today,
                                                   today + timedelta(days=5))
                        for o in (offices * 4)[:200]])
                    print(f"tracking_table SQL   {name:<18} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
                          f"  ({count // len(offices)} tasks in the office)")
            engine.dispose()
            for group in ("person", "unit"):
                p50, p99 = timed([lambda g=group: proxy.tasks.tracking_table(
                    period="2026", group_by=g)] * 200)
                print(f"tracking_table RPC   year, by {group:<10} p50 {p50:7.2f} ms  "
                      f"p99 {p99:7.2f} ms")

        # -- one reminder sweep over every office, then the same sweep again
        with suite_proxy(config, token=admin, timeout=300) as proxy:
            on = f"{REFERENCE_DAY.isoformat()}T09:00:00"
            for label in ("first sweep of the day", "same sweep again"):
                started = time.perf_counter()
                counts = proxy.tasks.run_reminders(on=on)
                elapsed = time.perf_counter() - started
                sent = {k: v for k, v in counts.items() if k != "on"}
                print(f"run_reminders {label:<24} {elapsed:6.2f} s  {sent}")

        # -- transitions through RPC next to echo
        staff_id = f"{office}-s7"
        owner = mint_token(config, staff_id, office, ["staff"])
        total = 2 * args.calls + 100
        with suite_proxy(config, token=leader, timeout=60) as proxy:
            created = [proxy.tasks.create.call_async(task={
                "title": f"Bench {n}", "assignee": staff_id, "due_in_working_days": 20})
                for n in range(total)]
            ids = [reply.result()["id"] for reply in created]
        with suite_proxy(config, token=owner, timeout=60) as proxy:
            measure(proxy.echo.echo, 50, 1)
            accept_ids = iter(ids)
            progress_ids = ids[:]
            print(f"RPC, {args.calls} calls each: {'target':<24} {'mode':<12} {'calls/s':>8} "
                  f"{'p50 ms':>7} {'p99 ms':>7}")
            for mode, in_flight in (("sequential", 1), (f"{args.in_flight} in flight",
                                                        args.in_flight)):
                echo_rate, p50, p99 = measure(proxy.echo.echo, args.calls, in_flight)
                print(f"{'':<22}{'nameko echo':<24} {mode:<12} {echo_rate:>8.0f} {p50:>7.2f} "
                      f"{p99:>7.2f}")
                accept = Rotating(proxy.tasks.accept,
                                  ({"task_id": next(accept_ids)} for _ in range(args.calls)))
                rate, p50, p99 = measure(accept, args.calls, in_flight)
                print(f"{'':<22}{'tasks.accept':<24} {mode:<12} {rate:>8.0f} {p50:>7.2f} "
                      f"{p99:>7.2f}  ratio {rate / echo_rate:.2f} of echo")
                progress = Rotating(proxy.tasks.report_progress, (
                    {"task_id": progress_ids[n % args.calls], "percent": n % 100}
                    for n in range(args.calls)))
                rate, p50, p99 = measure(progress, args.calls, in_flight)
                print(f"{'':<22}{'tasks.report_progress':<24} {mode:<12} {rate:>8.0f} "
                      f"{p50:>7.2f} {p99:>7.2f}  ratio {rate / echo_rate:.2f} of echo")
                progress_ids = progress_ids[args.calls:] + progress_ids[:args.calls]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        requests.delete(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=10)
        drop_database(db_url)


if __name__ == "__main__":
    main()
