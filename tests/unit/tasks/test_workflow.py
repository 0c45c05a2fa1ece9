"""The transition table: who may do what, from which state."""
from types import SimpleNamespace

import pytest

from services.tasks import workflow
from shared.errors import Conflict, Forbidden


def task(**fields):
    base = {"assigner": "lead1", "assignee": "cv1", "coordinator_ids": ["cv2"],
            "unit_code": "PTH"}
    return SimpleNamespace(**{**base, **fields})


def test_relations_come_from_the_task_and_the_caller():
    t = task()
    assert workflow.relations(t, "lead1", {"leader"}) == {"assigner", "leader"}
    assert workflow.relations(t, "cv1", {"staff"}) == {"assignee"}
    assert workflow.relations(t, "cv2", {"staff"}) == {"coordinator"}
    assert workflow.relations(t, "tp1", {"head"}, head_of_units={"PTH", "PTH.1"}) == {"unit_head"}
    assert workflow.relations(t, "tp2", {"head"}, head_of_units={"PHC"}) == set()
    assert workflow.relations(t, "root", {"admin"}) == {"admin"}


@pytest.mark.parametrize("action, status, who, expected", [
    ("accept", "assigned", {"assignee"}, "in_progress"),
    ("submit", "in_progress", {"assignee"}, "submitted"),
    ("submit", "returned", {"assignee"}, "submitted"),
    ("assign", "new", {"unit_head"}, "assigned"),
    ("assign", "in_progress", {"leader"}, "assigned"),
    ("confirm", "proposed", {"leader"}, "new"),
    ("cancel", "submitted", {"assigner"}, "cancelled"),
    ("report_progress", "in_progress", {"coordinator"}, "in_progress"),
])
def test_allowed_transitions(action, status, who, expected):
    workflow.check(action, status, who, 7)
    assert workflow.target_state(action, status) == expected


def test_review_leads_to_done_or_returned():
    workflow.check("review", "submitted", {"unit_head"}, 7)
    assert workflow.target_state("review", "submitted", "accept") == "done"
    assert workflow.target_state("review", "submitted", "return") == "returned"


@pytest.mark.parametrize("action, who", [
    ("submit", {"coordinator"}), ("submit", {"leader"}), ("accept", {"assigner"}),
    ("review", {"assignee"}), ("cancel", {"assignee", "coordinator"}),
    ("confirm", {"unit_head"}), ("decide_extension", {"assignee", "unit_head"}),
])
def test_forbidden_relations_are_named(action, who):
    with pytest.raises(Forbidden) as raised:
        workflow.check(action, "in_progress" if action != "confirm" else "proposed", who, 7)
    assert raised.value.message.startswith(f"{action}: only ")
    assert "task 7" in raised.value.fields["task_id"][0]


@pytest.mark.parametrize("action, status", [
    ("submit", "done"), ("submit", "assigned"), ("accept", "in_progress"),
    ("review", "in_progress"), ("cancel", "done"), ("assign", "submitted"),
    ("request_extension", "submitted"),
])
def test_states_that_do_not_allow_an_action(action, status):
    with pytest.raises(Conflict) as raised:
        workflow.check(action, status, {"assignee", "assigner", "leader", "unit_head"}, 3)
    assert f"is {status!r}" in raised.value.fields["status"][0]


def test_admin_passes_relations_but_not_states():
    workflow.check("submit", "in_progress", {"admin"}, 1)
    with pytest.raises(Conflict):
        workflow.check("submit", "done", {"admin"}, 1)


def test_every_transition_names_known_states_and_relations():
    states = set(workflow.OPEN + workflow.ACTIVE + workflow.NOT_COUNTED + (workflow.DONE,))
    for action, (sources, who, target) in workflow.TRANSITIONS.items():
        assert set(sources) <= states, action
        assert set(who) <= set(workflow.RELATION_NAMES), action
        assert target is None or target in states, action


# -- authorize: nobody decides on their own request; work stays inside what one may give --------

def caller(sub, *roles, headed=()):
    return workflow.Caller(sub, frozenset(roles or ("staff",)), frozenset(headed))


def in_state(status, **fields):
    return task(id=7, status=status, **fields)


@pytest.mark.parametrize("action, status", [
    ("assign", "in_progress"), ("review", "submitted"), ("decide_extension", "in_progress"),
    ("cancel", "in_progress")])
@pytest.mark.parametrize("who", [caller("cv1", "leader"), caller("cv1", "admin"),
                                 caller("cv1", "head", headed={"PTH"})])
def test_the_owner_never_decides_on_their_own_task(action, status, who):
    own = in_state(status, assigner="cv1", submitted_by="cv2")
    with pytest.raises(Forbidden) as raised:
        workflow.authorize(action, own, who, decision="accept")
    assert "own task" in raised.value.message


def test_an_extension_is_never_decided_by_whoever_asked_for_it():
    asked = SimpleNamespace(requested_by="tp1")
    with pytest.raises(Forbidden) as raised:
        workflow.authorize("decide_extension", in_state("in_progress", assigner="tp1"),
                           caller("tp1", "head", headed={"PTH"}), request=asked)
    assert "own request" in raised.value.message
    workflow.authorize("decide_extension", in_state("in_progress"), caller("lead1", "leader"),
                       request=asked)


def test_a_result_is_never_reviewed_by_its_author():
    handed_in = in_state("submitted", submitted_by="root")
    with pytest.raises(Forbidden) as raised:
        workflow.authorize("review", handed_in, caller("root", "admin"), decision="accept")
    assert "own result" in raised.value.message
    assert workflow.authorize("review", handed_in, caller("lead1", "leader"),
                              decision="return") == "returned"


@pytest.mark.parametrize("who, action, work, allowed", [
    (caller("lead1", "leader"), "create", workflow.Work("PHC", "cv3", "PHC"), True),
    (caller("tp1", "head", headed={"PTH"}), "create", workflow.Work("PTH", "cv1", "PTH"), True),
    (caller("tp1", "head", headed={"PTH"}), "create", workflow.Work("PTH", "cv3", "PHC"), False),
    (caller("tp1", "head", headed={"PTH"}), "create", workflow.Work("PHC"), False),
    (caller("cv1"), "create", workflow.Work("PTH", "cv1", "PTH"), False),
    (caller("cv1"), "add_subtask", workflow.Work("PTH", "cv1", "PTH"), True),
    (caller("cv1"), "add_subtask", workflow.Work("PTH", "cv2", "PTH"), False),
    (caller("cv1"), "add_subtask", workflow.Work("PHC", "cv1", "PTH"), False),
    (caller("cv1"), "add_subtask", workflow.Work("PTH"), False),
    (caller("tp1", "head", headed={"PTH"}), "add_subtask", workflow.Work("PTH", "cv2", "PTH"),
     True),
    (caller("tp1", "head", headed={"PTH"}), "add_subtask", workflow.Work("PHC", "cv3", "PHC"),
     False),
    (caller("tp1", "head", headed={"PTH"}), "assign", workflow.Work("PTH", "cv3", "PHC"), False),
    (caller("lead1", "leader"), "assign", workflow.Work("PTH", "cv3", "PHC"), True),
])
def test_work_stays_inside_what_its_giver_may_give(who, action, work, allowed):
    parent = None if action == "create" else in_state("in_progress", assigner="lead1",
                                                      assignee="cv1", coordinator_ids=[])
    if allowed:
        workflow.authorize(action, parent, who, work=work)
        return
    with pytest.raises(Forbidden) as raised:
        workflow.authorize(action, parent, who, work=work)
    assert "outside what you may give" in raised.value.message


def test_a_sub_task_one_gives_oneself_is_decided_by_whoever_gave_the_parent():
    parent = in_state("in_progress", assigner="lead1", assignee="cv1")
    assert workflow.assigner_of_subtask(parent, caller("cv1"), "cv1") == "lead1"
    assert workflow.assigner_of_subtask(parent, caller("tp1", "head"), "cv2") == "tp1"


@pytest.mark.parametrize("who, kind, value, person_unit, allowed", [
    (caller("lead1", "leader"), "office", "", None, True),
    (caller("ev", "evaluator"), "person", "cv3", "PHC", True),
    (caller("tp1", "head", headed={"PTH"}), "office", "", None, False),
    (caller("tp1", "head", headed={"PTH"}), "unit", "PTH", None, True),
    (caller("tp1", "head", headed={"PTH"}), "unit", "PHC", None, False),
    (caller("tp1", "head", headed={"PTH"}), "person", "cv1", "PTH", True),
    (caller("cv1"), "person", "cv1", "PTH", True),
    (caller("cv1"), "person", "cv2", "PTH", False),
])
def test_whose_tracking_table_one_may_read(who, kind, value, person_unit, allowed):
    if allowed:
        workflow.check_table_scope(who, kind, value, person_unit)
    else:
        with pytest.raises(Forbidden):
            workflow.check_table_scope(who, kind, value, person_unit)
