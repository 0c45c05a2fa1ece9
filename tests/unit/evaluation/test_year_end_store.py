"""The year-end workflow over evaluation's tables (in-memory SQLite): ties go to the council,
publishing waits for it, the council cannot exceed the places the quota leaves."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.evaluation import assessment
from services.evaluation.models import Base, GeneralCriteria, StaffAssignment, StaffRecord, TaskOutcome
from services.evaluation.rules import choose
from services.evaluation.settings import office_settings
from shared.errors import Conflict

OFFICE = "DT-VPHDND"
TODAY = date(2027, 1, 10)
# general points → year score with one task done well (70): a1 98, a2 and a3 95, nine at 80
GENERAL = {"a1": 28, "a2": 25, "a3": 25, **{f"h{i}": 10 for i in range(9)}}


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        for number, (staff_id, points) in enumerate(GENERAL.items(), start=1):
            session.add(StaffRecord(office=OFFICE, staff_id=staff_id, full_name=staff_id,
                                    unit_code="TH", task_group="g", active=True))
            session.add(StaffAssignment(office=OFFICE, staff_id=staff_id, unit_code="TH",
                                        is_leader=False, task_group="g"))
            session.add(GeneralCriteria(office=OFFICE, staff_id=staff_id, period="2026",
                                        points=points, criteria={}, evaluator="dg",
                                        updated_at=now))
            session.add(TaskOutcome(office=OFFICE, task_id=number, title="", assignee=staff_id,
                                    status="completed", weight=1.0, due_date=date(2026, 5, 5),
                                    due_period="2026-05", completed_on=date(2026, 5, 5),
                                    period="2026-05", on_time=True, delay_count=0,
                                    excused_delays=0, objective_causes=0, failed_reviews=0,
                                    quality_met=True, recorded_at=now))
        session.flush()
        yield session


def classify(session):
    rules, rule_settings = choose({}, OFFICE, 2026)
    return assessment.classify_year(session, OFFICE, 2026, "dg", rules, rule_settings,
                                    office_settings({}, OFFICE), TODAY)


def test_a_tie_at_the_cut_waits_for_the_council(session):
    found = classify(session)
    entries = {e.staff_id: e for e in assessment.entries_of(session, found.id)}
    # 3 candidates, 9 HTTNV: ⌊0.2 × 12 / 1.2⌋ = 2 places; 98 keeps one, 95 and 95 share one
    assert entries["a1"].level == "HTXSNV" and not entries["a1"].council_pending
    assert entries["a2"].council_pending and entries["a3"].council_pending
    assert found.quota[0]["places_for_council"] == 1
    with pytest.raises(Conflict) as raised:
        assessment.publish(session, OFFICE, 2026, "dg")
    assert set(raised.value.fields) == {"a2", "a3"}

    assessment.decide_tie(session, OFFICE, 2026, "a2", "HTXSNV", "Hội đồng bỏ phiếu 7/9", "dg")
    with pytest.raises(Conflict) as raised:
        assessment.decide_tie(session, OFFICE, 2026, "a3", "HTXSNV", "thử thêm", "dg")
    assert "1 place(s)" in raised.value.fields["level"][0]
    assessment.decide_tie(session, OFFICE, 2026, "a3", "HTTNV", "Hội đồng bỏ phiếu 2/9", "dg")

    assert sorted(assessment.tied_with(session, OFFICE, 2026, "a1")) == []
    assert assessment.tied_with(session, OFFICE, 2026, "a2") == ["a3"]   # decided, still of the tie
    published, entries = assessment.publish(session, OFFICE, 2026, "dg")
    levels = {e.staff_id: e.level for e in entries}
    assert (levels["a1"], levels["a2"], levels["a3"]) == ("HTXSNV", "HTXSNV", "HTTNV")
    assert published.status == "published"
    with pytest.raises(Conflict):
        classify(session)
