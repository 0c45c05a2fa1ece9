"""Periods (months, quarters, closing) and evaluation's staff history (transfers, late events)."""
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.evaluation import periods, staff
from services.evaluation.models import Base
from shared import outbox
from shared.errors import InvalidInput

OFFICE = "DT-VPHDND"


def test_months_and_quarters():
    quarter = periods.parse("2026-Q4")
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.months() == ["2026-10", "2026-11", "2026-12"]
    assert periods.parse("2024-02").end == date(2024, 2, 29)
    assert periods.parse("2026", allow_year=True).months()[0] == "2026-01"


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "26-10", "2026", ""])
def test_bad_periods_name_the_format(code):
    with pytest.raises(InvalidInput) as raised:
        periods.parse(code)
    assert "YYYY-MM" in raised.value.fields["period"][0]


def test_a_period_is_closed_when_over_or_closed_early():
    december = periods.parse("2026-12")
    assert not periods.is_closed(december, date(2026, 12, 10))
    assert periods.is_closed(december, date(2026, 12, 10), {"2026-12"})
    assert periods.is_closed(december, date(2027, 1, 1))
    quarter = periods.parse("2026-Q4")
    assert not periods.is_closed(quarter, date(2026, 12, 10), {"2026-12"})
    assert periods.is_closed(quarter, date(2026, 12, 10), {"2026-10", "2026-11", "2026-12"})
    with pytest.raises(InvalidInput) as raised:
        periods.require_closed(december, date(2026, 12, 10))
    assert "ends on 2026-12-31" in raised.value.fields["period"][0]


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def change(session, unit, changed_on, **extra):
    event = outbox.build_envelope("tasks", "staff_changed", {
        "staff_id": "cv4", "full_name": "Võ Văn Bốn", "unit_code": unit, "parent_unit_code": "VP",
        "task_group": "chuyen_vien", "changed_on": changed_on, **extra}, office=OFFICE)
    staff.apply_change(session, event)


def unit_in(session, start, end):
    directory = staff.Directory(session, OFFICE)
    return directory.assignment_in("cv4", date.fromisoformat(start), date.fromisoformat(end)).unit_code


def test_a_transfer_keeps_the_old_unit_for_earlier_periods(session):
    change(session, "TH", "2026-01-05")
    change(session, "HC", "2026-07-01", previous_unit_code="TH")
    assert unit_in(session, "2026-06-01", "2026-06-30") == "TH"
    assert unit_in(session, "2026-07-01", "2026-07-31") == "HC"
    assert unit_in(session, "2026-01-01", "2026-01-31") == "TH"   # on the books since before


def test_a_transfer_seen_first_still_knows_the_old_unit(session):
    change(session, "HC", "2026-07-01", previous_unit_code="TH")
    assert unit_in(session, "2026-03-01", "2026-03-31") == "TH"
    change(session, "TH", "2026-01-05")                            # older event, arriving late
    assert unit_in(session, "2026-08-01", "2026-08-31") == "HC"
    assert unit_in(session, "2026-03-01", "2026-03-31") == "TH"


def test_leaving_closes_the_assignment(session):
    change(session, "TH", "2026-01-05")
    change(session, "TH", "2026-09-01", active=False)
    directory = staff.Directory(session, OFFICE)
    assert directory.assignment_in("cv4", date(2026, 10, 1), date(2026, 10, 31)) is None
    assert directory.assignment_in("cv4", date(2026, 8, 1), date(2026, 8, 31)).unit_code == "TH"
