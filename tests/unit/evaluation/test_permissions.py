"""The permission table covers every RPC, and its rules on subjects answer as the README says."""
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.evaluation import permissions
from services.evaluation.models import Base, StaffAssignment, StaffRecord, Unit
from services.evaluation.periods import parse
from services.evaluation.permissions import RULES, Caller, Subject
from services.evaluation.service import EvaluationService
from services.evaluation.staff import Directory
from shared.auth import Principal
from shared.errors import Forbidden

OFFICE = "DT-VPHDND"


def rpc_names():
    return {name for name, member in vars(EvaluationService).items()
            if callable(member) and getattr(member, "nameko_entrypoints", None)
            and name != "health" and not name.startswith("on_")}


def test_every_rpc_has_exactly_one_rule():
    assert rpc_names() == set(RULES)


@pytest.fixture
def directory():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Unit(office=OFFICE, unit_code="VP"),
                         Unit(office=OFFICE, unit_code="TH", parent_unit_code="VP"),
                         Unit(office=OFFICE, unit_code="HC", parent_unit_code="VP")])
        for staff_id, unit, head, since in (("tp1", "TH", True, None), ("pp1", "TH", True, None),
                                            ("cv1", "TH", False, None),
                                            ("cv5", "HC", False, date(2026, 7, 1))):
            session.add(StaffRecord(office=OFFICE, staff_id=staff_id, full_name=staff_id,
                                    unit_code=unit, is_unit_head=head, active=True))
            session.add(StaffAssignment(office=OFFICE, staff_id=staff_id, unit_code=unit,
                                        valid_from=since))
        # cv5 worked in Tổng hợp until July
        session.add(StaffAssignment(office=OFFICE, staff_id="cv5", unit_code="TH",
                                    valid_to=date(2026, 7, 1)))
        session.flush()
        yield Directory(session, OFFICE)


def caller(directory, sub, roles, action):
    return Caller(Principal(sub, OFFICE, frozenset(roles)), OFFICE, action, RULES[action],
                  lambda office: directory)


def test_a_head_rates_the_people_their_unit_had_in_the_period(directory):
    head = caller(directory, "tp1", ["head"], "set_general_criteria")
    head.check(Subject.person("cv5", "staff_id", parse("2026-03")))      # in TH then
    with pytest.raises(Forbidden) as raised:
        head.check(Subject.person("cv5", "staff_id", parse("2026-09")))
    assert "HC" in raised.value.fields["staff_id"][0]
    with pytest.raises(Forbidden):
        head.check(Subject.person("tp1", "staff_id", parse("2026-09")))
    deputy = caller(directory, "pp1", ["head"], "set_general_criteria")
    with pytest.raises(Forbidden) as raised:                           # phó rating trưởng
        deputy.check(Subject.person("tp1", "staff_id", parse("2026-09")))
    assert "leader above" in raised.value.fields["staff_id"][0]
    deputy.check(Subject.person("cv1", "staff_id", parse("2026-09")))


def test_admins_are_bound_by_the_rules_on_subjects_too(directory):
    admin = caller(directory, "cv1", ["admin"], "record_discipline")
    with pytest.raises(Forbidden):
        admin.check(Subject.person("cv1", "staff_id"))
    admin.check(Subject.person("cv5", "staff_id"))


def test_members_do_not_rate_their_unit_its_parents_or_the_office(directory):
    member = caller(directory, "cv1", ["leader"], "rate_unit")
    for unit in ("TH", "VP", OFFICE):
        with pytest.raises(Forbidden):
            member.check(Subject.unit(unit, "unit_code", parse("2026", allow_year=True)))
    member.check(Subject.unit("HC", "unit_code", parse("2026", allow_year=True)))
    outsider = caller(directory, "dg1", ["evaluator"], "rate_unit")
    outsider.check(Subject.unit(OFFICE, "unit_code"))


def test_without_a_reading_role_one_sees_oneself_only(directory):
    staff = caller(directory, "cv1", ["staff"], "explain")
    staff.check(Subject.person("cv1", "staff_id"))
    with pytest.raises(Forbidden):
        staff.check(Subject.person("cv5", "staff_id"))
    assert permissions.RULES["explain"].roles == permissions.ANYONE
