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
