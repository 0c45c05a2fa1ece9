"""evaluation figures, printed (never asserted).

    .venv/bin/python bench/evaluation_bench.py [--staff 2000] [--tasks 100] [--offices 50] [--pg]

1. classify_year for one office of N staff with T tasks each over the year (aim ≤ 10 s):
   every month scored (leaders' unit factor included), year results, unit caps, quota per
   task group, and the draft written with each entry's explanation.
2. period_scores for M offices of 40 staff (one month each), per-office p50 / max and total.
The work is the service's own code (services.evaluation.assessment, which the RPCs call) on a
fresh SQLite file, or with --pg a fresh PostgreSQL database dropped at the end.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from services.evaluation import assessment  # noqa: E402
from services.evaluation.models import (GeneralCriteria, StaffAssignment, StaffRecord,  # noqa: E402
                                        TaskOutcome, Unit)
from services.evaluation.rules import choose  # noqa: E402
from services.evaluation.settings import office_settings  # noqa: E402
from shared import migrations, plugins  # noqa: E402
from shared.db import make_engine  # noqa: E402

PG_ADMIN = os.environ.get("VANPHONG_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
YEAR = 2026
TODAY = date(YEAR + 1, 1, 10)          # every month of the year closed
GROUPS = ("chuyen_vien", "phuc_vu", "ky_thuat")


def populate(engine, office, staff_count, tasks_each, rng, months=range(1, 13), first_task=1):
    now = datetime.now(timezone.utc)
    units = max(1, staff_count // 100)
    unit_rows = [{"office": office, "unit_code": "VP", "unit_name": "Văn phòng", "parent_unit_code": None}]
    unit_rows += [{"office": office, "unit_code": f"P{u:02d}", "unit_name": f"Phòng {u}",
                   "parent_unit_code": "VP"} for u in range(units)]
    staff, assignments, general, tasks = [], [], [], []
    task_id = first_task
    for index in range(staff_count):
        staff_id = f"{office}-s{index:05d}"
        leader = index == 0 or index % 100 == 1
        unit = "VP" if index == 0 else f"P{(index // 100) % units:02d}"
        group = "lanh_dao" if leader else GROUPS[index % len(GROUPS)]
        staff.append({"office": office, "staff_id": staff_id, "full_name": f"Cán bộ {index}",
                      "unit_code": unit, "is_leader": leader, "is_unit_head": leader,
                      "task_group": group, "active": True, "changed_on": date(YEAR, 1, 1)})
        assignments.append({"office": office, "staff_id": staff_id, "unit_code": unit,
                            "is_leader": leader, "task_group": group, "valid_from": None,
                            "valid_to": None})
        general.append({"office": office, "staff_id": staff_id, "period": str(YEAR),
                        "points": rng.choice((24, 26, 27, 28, 29, 30)), "criteria": {},
                        "comment": None, "evaluator": "bench", "updated_at": now})
        month_list = list(months)
        for n in range(tasks_each):
            month = month_list[n % len(month_list)]
            due = date(YEAR, month, rng.randrange(1, 28))
            done = rng.random() > 0.04
            delays = 0 if rng.random() < 0.85 else rng.randrange(1, 3)
            tasks.append({
                "office": office, "task_id": task_id, "title": f"Nhiệm vụ {task_id}",
                "assignee": staff_id, "assigner": "ld", "unit_code": unit,
                "task_type": "general", "status": "completed" if done else "assigned",
                "weight": rng.choice((1.0, 1.0, 1.0, 1.5, 2.0)), "assigned_on": due - timedelta(days=10),
                "due_date": due, "due_period": f"{YEAR}-{month:02d}",
                "completed_on": due + timedelta(days=delays * 3) if done else None,
                "period": f"{YEAR}-{month:02d}" if done else None, "on_time": delays == 0,
                "delay_count": delays, "excused_delays": 1 if delays and rng.random() < 0.2 else 0,
                "objective_causes": 0, "failed_reviews": 0 if rng.random() < 0.9 else 1,
                "quality_met": rng.random() > 0.02, "recorded_at": now})
            task_id += 1
    with engine.begin() as connection:
        connection.execute(insert(Unit), unit_rows)
        connection.execute(insert(StaffRecord), staff)
        connection.execute(insert(StaffAssignment), assignments)
        connection.execute(insert(GeneralCriteria), general)
        for start in range(0, len(tasks), 20000):
            connection.execute(insert(TaskOutcome), tasks[start:start + 20000])
    return task_id


def database(use_pg, tmp):
    if not use_pg:
        return f"sqlite:///{tmp}/evaluation-bench.db", None
    name = f"vp_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(PG_ADMIN).set(database=name)), name


def drop(name):
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = database(args.pg, tmp)
        try:
            run(url, args, rng)
        finally:
            if pg_name:
                drop(pg_name)


def run(url, args, rng):
    migrations.upgrade(plugins.service_class("evaluation"), url)
    engine = make_engine(url)
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    rules, rule_settings = choose({}, "BENCH", YEAR)
    settings = office_settings({}, "BENCH")
    dialect = engine.dialect.name

    started = time.perf_counter()
    next_task = populate(engine, "BENCH-BIG", args.staff, args.tasks, rng)
    print(f"[{dialect}] loaded {args.staff} staff × {args.tasks} tasks "
          f"in {time.perf_counter() - started:.1f} s")
    for attempt in ("first", "again (replaces the draft)"):
        session = Session()
        started = time.perf_counter()
        found = assessment.classify_year(session, "BENCH-BIG", YEAR, "bench", rules,
                                         rule_settings, settings, TODAY)
        session.commit()
        elapsed = time.perf_counter() - started
        entries = assessment.entries_of(session, found.id)
        levels = {}
        for entry in entries:
            levels[entry.level] = levels.get(entry.level, 0) + 1
        moved = sum(1 for e in entries if any(a["rule"] == "quota" for a in e.adjustments))
        session.close()
        print(f"classify_year {attempt}: {len(entries)} staff, {args.staff * args.tasks} tasks, "
              f"12 months in {elapsed:.2f} s (aim ≤ 10 s); levels {levels}; "
              f"{moved} moved down by the quota")

    offices = [f"BENCH-{n:02d}" for n in range(args.offices)]
    for office in offices:
        next_task = populate(engine, office, 40, 10, rng, months=[10], first_task=next_task)
    timings = []
    for office in offices:
        session = Session()
        started = time.perf_counter()
        result = assessment.period_scores(session, office, f"{YEAR}-10", rules, rule_settings,
                                          settings, TODAY)
        timings.append(time.perf_counter() - started)
        session.close()
        assert len(result["staff"]) == 40
    print(f"period_scores {YEAR}-10 for {len(offices)} offices × 40 staff × 10 tasks: total "
          f"{sum(timings):.2f} s, per office p50 {statistics.median(timings) * 1000:.0f} ms, "
          f"max {max(timings) * 1000:.0f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
