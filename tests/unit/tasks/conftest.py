"""A tasks office in an in-memory SQLite database, with a fake unit of work that checks every
recorded event against the contract (shared.contracts) instead of writing an outbox."""
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from services.tasks import lifecycle, organisation
from services.tasks.models import Base
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.contracts import validate_data

OFFICE, OTHER = "DT-VPHDND", "HN-VPHDND"
CAL = WorkingCalendar()
MONDAY = date(2026, 11, 2)


class FakeWork:
    def __init__(self, session):
        self.session = session
        self.events = []

    def record_event(self, event_type, data, *, office, actor=None):
        self.events.append((event_type, validate_data("tasks", event_type, data), office))

    def record_events(self, event_type, data_list, *, office, actor=None):
        for data in data_list:
            self.record_event(event_type, data, office=office, actor=actor)

    def of(self, event_type):
        return [data for kind, data, _ in self.events if kind == event_type]


class Office:
    def __init__(self, session):
        self.session = session
        self.work = FakeWork(session)

    def ctx(self, sub, *roles, today=MONDAY, office=OFFICE):
        return lifecycle.Context(self.work, Principal(sub=sub, office=office,
                                                      roles=frozenset(roles or ("staff",))),
                                 today, CAL)


@pytest.fixture
def office():
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    session = Session(engine)
    for code, name, parent in (("VP", "Văn phòng", None), ("PTH", "Phòng Tổng hợp", "VP"),
                               ("PHC", "Phòng Hành chính - Tổ chức", "VP")):
        organisation.upsert_unit(session, OFFICE, {"code": code, "name": name,
                                                   "parent_code": parent})
    for staff_id, unit, head in (("lead1", "VP", False), ("tp1", "PTH", True),
                                 ("cv1", "PTH", False), ("cv2", "PTH", False),
                                 ("tp2", "PHC", True), ("cv3", "PHC", False)):
        organisation.upsert_staff(session, OFFICE, {"staff_id": staff_id, "full_name": staff_id,
                                                    "unit_code": unit, "is_unit_head": head,
                                                    "is_leader": staff_id == "lead1"})
    organisation.upsert_unit(session, OTHER, {"code": "PTH", "name": "Phòng Tổng hợp"})
    organisation.upsert_staff(session, OTHER, {"staff_id": "hn1", "full_name": "hn1",
                                               "unit_code": "PTH"})
    yield Office(session)
    session.close()
    engine.dispose()
