"""Every event notify reacts to, built with the real contract, rendered with the real templates."""
import pytest

from services.notify.reactions import notices_for
from services.notify.templates import Templates
from shared.errors import InvalidInput
from shared.outbox import build_envelope

OFFICE = "DT-VPHDND"
TASK = {"task_id": 7, "title": "Báo cáo kết quả giám sát chuyên đề", "assignee": "cv1",
        "assigner": "lead1", "unit_code": "TH", "unit_head": "tp1", "due_date": "2026-12-04"}
NAMES = {"cv1": "Võ Văn Đức", "lead1": "Nguyễn Thị Lãnh", "tp1": "Phạm Hoà"}


def event(source, event_type, data):
    return build_envelope(source, event_type, data, office=OFFICE)


def rendered(envelope, templates=None):
    templates = templates or Templates()
    out = []
    for notice in notices_for(envelope):
        context = {"urgent": notice.urgent, "priority": None, **notice.data,
                   "recipient": {"staff_id": notice.recipients[0], "full_name": None},
                   "names": NAMES, "office": OFFICE}
        out.append((notice, *templates.render(notice.template, context, OFFICE)))
    return out


DEADLINE = {**TASK, "threshold": 2, "on_date": "2026-12-02", "working_days_overdue": 0}
CASES = [
    (("tasks", "task_assigned", {**TASK, "urgent": True, "coordinators": ["tp1"]}),
     ["cv1"], "task", "[KHẨN] Công việc mới được giao: Báo cáo kết quả giám sát chuyên đề",
     "Hạn hoàn thành: 04/12/2026"),
    (("tasks", "task_reviewed", {**TASK, "decision": "return", "quality_met": False,
                                 "reason": "Thiếu số liệu quý IV", "reviewer": "lead1",
                                 "reviewed_on": "2026-12-01"}),
     ["cv1"], "task", "Công việc bị trả lại: Báo cáo kết quả giám sát chuyên đề",
     "Lý do: Thiếu số liệu quý IV"),
    (("tasks", "task_due_soon", DEADLINE), ["cv1"], "deadline",
     "Sắp đến hạn: Báo cáo kết quả giám sát chuyên đề", "còn 2 ngày làm việc"),
    (("tasks", "task_overdue", {**DEADLINE, "threshold": 1, "working_days_overdue": 3}),
     ["cv1"], "deadline", "Quá hạn: Báo cáo kết quả giám sát chuyên đề",
     "đã quá hạn 3 ngày làm việc"),
    (("tasks", "task_escalated", {**DEADLINE, "working_days_overdue": 5}),
     ["lead1", "tp1"], "escalation", "[VƯỢT HẠN] Báo cáo kết quả giám sát chuyên đề",
     "do Võ Văn Đức chủ trì"),
    (("tasks", "extension_requested", TASK), ["lead1"], "task",
     "Đề nghị gia hạn: Báo cáo kết quả giám sát chuyên đề", "Võ Văn Đức đề nghị gia hạn"),
    (("tasks", "extension_decided", {**TASK, "approved": True, "old_due_date": "2026-12-04",
                                     "new_due_date": "2026-12-11", "decided_by": "lead1"}),
     ["cv1"], "task", "Đồng ý gia hạn: Báo cáo kết quả giám sát chuyên đề",
     "hạn mới 11/12/2026 (hạn cũ 04/12/2026)"),
    (("intake", "document_received", {"document_id": 1, "arrival_number": 12,
                                      "arrival_date": "2026-11-23", "channel": "paper",
                                      "subject": "Về kỳ họp", "priority": "thượng khẩn"}),
     ["role:leader"], "document", "[THƯỢNG KHẨN] Văn bản đến số 12 chờ ý kiến chỉ đạo",
     "Đây là văn bản thượng khẩn"),
]


@pytest.mark.parametrize("spec, recipients, category, title, in_body", CASES,
                         ids=[c[0][1] for c in CASES])
def test_each_event_notifies_the_right_people_in_vietnamese(spec, recipients, category, title,
                                                            in_body):
    [(notice, got_title, body)] = rendered(event(*spec))
    assert notice.recipients == recipients and notice.category == category
    assert got_title == title
    assert in_body in body


def test_escalation_recipients_field_wins_and_deadline_keys_ignore_the_event_id():
    data = {**DEADLINE, "recipients": ["lead1", "cvp"]}
    first, second = event("tasks", "task_escalated", data), event("tasks", "task_escalated", data)
    [a], [b] = notices_for(first), notices_for(second)
    assert a.recipients == ["lead1", "cvp"]
    assert a.dedup_key == b.dedup_key == "task_escalated:7:2:2026-12-02"


def test_an_accepted_result_tells_the_owner():
    accepted = event("tasks", "task_reviewed", {**TASK, "decision": "accept", "quality_met": True,
                                                "reviewer": "lead1", "reviewed_on": "2026-12-01"})
    [(notice, title, body)] = rendered(accepted)
    assert notice.recipients == ["cv1"] and notice.template == "result_accepted"
    assert title == "Kết quả được chấp nhận: Báo cáo kết quả giám sát chuyên đề"
    assert "được Nguyễn Thị Lãnh chấp nhận ngày 01/12/2026" in body


def test_classification_and_titles_go_to_each_person_or_unit():
    published = event("evaluation", "classification_published", {
        "year": 2026, "classification_id": 3, "rule_set": "nd335_2025",
        "results": [{"staff_id": "cv1", "level": "HTXSNV", "score": 95.5},
                    {"staff_id": "tp1", "level": "HTTNV", "score": 84}]})
    out = rendered(published)
    assert [n.recipients for n, _, _ in out] == [["cv1"], ["tp1"]]
    assert out[0][1] == "Kết quả đánh giá, xếp loại năm 2026"
    assert "Hoàn thành xuất sắc nhiệm vụ (95,5 điểm)" in out[0][2]      # decimal comma
    assert "Hoàn thành tốt nhiệm vụ (84 điểm)" in out[1][2]
    awarded = event("evaluation", "titles_awarded", {"year": 2026, "awards": [
        {"title": "Chiến sĩ thi đua cơ sở", "staff_id": "cv1"},
        {"title": "Tập thể lao động tiên tiến", "unit_code": "TH"}]})
    out = rendered(awarded)
    assert [n.recipients for n, _, _ in out] == [["cv1"], ["unit:TH"]]
    assert out[1][1] == "Khen thưởng năm 2026: Tập thể lao động tiên tiến"
    assert out[0][0].dedup_key != out[1][0].dedup_key


def test_an_office_template_overrides_the_suites(tmp_path):
    (tmp_path / "task_assigned.j2").write_text(
        "{% block title %}Giao việc: {{ title }}{% endblock %}"
        "{% block body %}Kính gửi đồng chí {{ names.get(assignee) }}{% endblock %}",
        encoding="utf-8")
    templates = Templates({OFFICE: tmp_path})
    [(_, title, body)] = rendered(event("tasks", "task_assigned", TASK), templates)
    assert (title, body) == ("Giao việc: Báo cáo kết quả giám sát chuyên đề",
                             "Kính gửi đồng chí Võ Văn Đức")
    other = templates.render("task_assigned", {**TASK, "urgent": False, "coordinators": [],
                                                "arrival_number": None, "names": NAMES},
                             "HN-VPHDND")
    assert other[0].startswith("Công việc mới được giao")


def test_unknown_and_broken_templates_are_clear_errors(tmp_path):
    templates = Templates({OFFICE: tmp_path})
    with pytest.raises(InvalidInput) as raised:
        templates.render("no_such_template", {}, OFFICE)
    assert raised.value.fields == {"template": ["no template 'no_such_template'"]}
    with pytest.raises(InvalidInput) as raised:
        templates.render("../etc/passwd", {}, OFFICE)
    assert "not a template name" in raised.value.fields["template"][0]
    with pytest.raises(InvalidInput) as raised:  # a variable the data does not have
        templates.render("general", {"title": "x", "urgent": False}, OFFICE)
    assert "'body' is undefined" in raised.value.fields["template"][0]
    (tmp_path / "broken.j2").write_text("{% block title %}{{ 1 / 0 }}{% endblock %}",
                                        encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        templates.render("broken", {}, OFFICE)
    assert "could not be rendered" in raised.value.message


# -- issue 10, point 2: everyone is told at every hand-off ------------------------------------

def test_work_directed_to_a_unit_goes_to_its_heads():
    directed = event("tasks", "task_assigned", {**TASK, "assignee": None, "arrival_number": 12})
    [(notice, title, body)] = rendered(directed)
    assert notice.recipients == ["head:TH", "tp1"] and notice.template == "task_to_unit"
    assert title == "Công việc giao cho đơn vị: Báo cáo kết quả giám sát chuyên đề"
    assert "Đơn vị TH được giao chủ trì thực hiện" in body
    assert "Đề nghị đồng chí phân công người thực hiện." in body
    assert "Căn cứ: văn bản đến số 12." in body


def test_a_reassigned_task_tells_the_new_owner_and_the_previous_one():
    moved = event("tasks", "task_assigned", {**TASK, "previous_assignee": "cv2"})
    (new, new_title, _), (old, old_title, old_body) = rendered(moved)
    assert new.recipients == ["cv1"] and old.recipients == ["cv2"]
    assert new.dedup_key != old.dedup_key
    assert old_title == "Công việc đã được giao lại: Báo cáo kết quả giám sát chuyên đề"
    assert "đã được giao lại cho Võ Văn Đức; đồng chí không còn phụ trách" in old_body
    same = event("tasks", "task_assigned", {**TASK, "previous_assignee": "cv1"})
    assert [n.recipients for n in notices_for(same)] == [["cv1"]]


def test_a_handed_in_result_goes_to_the_reviewer():
    data = {**TASK, "result": "Đã trình báo cáo", "reply_number": "45/BC-VP",
            "submitted_on": "2026-12-01"}
    [(notice, title, body)] = rendered(event("tasks", "task_submitted", data))
    assert notice.recipients == ["lead1"] and notice.category == "task"
    assert title == "Kết quả chờ xem xét: Báo cáo kết quả giám sát chuyên đề"
    assert "Võ Văn Đức đã nộp kết quả công việc" in body and "ngày 01/12/2026" in body
    assert "Văn bản trả lời số 45/BC-VP." in body
    no_assigner = event("tasks", "task_submitted", {**data, "assigner": None})
    assert [n.recipients for n in notices_for(no_assigner)] == [["head:TH", "tp1"]]
    own = event("tasks", "task_submitted", {**data, "assigner": "cv1", "unit_head": "cv1"})
    assert [n.recipients for n in notices_for(own)] == [["head:TH"]]


def test_a_refused_extension_tells_the_owner():
    refused = event("tasks", "extension_decided", {**TASK, "approved": False,
                                                   "old_due_date": "2026-12-04",
                                                   "reason": "Không có căn cứ",
                                                   "decided_by": "lead1"})
    [(notice, title, body)] = rendered(refused)
    assert notice.recipients == ["cv1"]
    assert title == "Không đồng ý gia hạn: Báo cáo kết quả giám sát chuyên đề"
    assert "hạn hoàn thành vẫn là 04/12/2026" in body


def test_a_recalled_incoming_document_tells_the_leaders():
    recalled = event("intake", "document_recalled", {"document_id": 5, "direction": "in",
                                                     "reason": "Ban hành nhầm"})
    [(notice, title, body)] = rendered(recalled)
    assert notice.recipients == ["role:leader"] and notice.category == "document"
    assert title == "Văn bản đến đã bị thu hồi"
    assert "lý do: Ban hành nhầm" in body and "không cần cho ý kiến chỉ đạo" in body
    outgoing = event("intake", "document_recalled", {"document_id": 6, "direction": "out"})
    assert notices_for(outgoing) == []


def test_every_event_with_a_reaction_has_a_handler_and_a_template():
    from services.notify import reactions
    from services.notify.service import NotifyService

    handled = {(m.source_service, m.event_type) for m in _handlers(NotifyService)}
    assert set(reactions.REACTIONS) <= handled
    templates = {p.stem for p in Templates().default_dir.glob("*.j2")}
    for template in ("task_to_unit", "task_reassigned", "task_submitted", "result_accepted",
                     "document_recalled"):
        assert template in templates


def _handlers(service_cls):
    from nameko.events import EventHandler

    for name in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                yield entrypoint


def test_head_recipients_reach_the_units_heads_or_the_nearest_above():
    from services.notify.recipients import entry_problem, resolve

    staff = [{"staff_id": "tp1", "full_name": "Phạm Hoà", "unit_code": "TH", "is_unit_head": True},
             {"staff_id": "pp1", "full_name": "Lý Phó", "unit_code": "TH", "is_unit_head": True},
             {"staff_id": "cv1", "full_name": "Võ Văn Đức", "unit_code": "TH"},
             {"staff_id": "cv3", "full_name": "Đỗ Tổ", "unit_code": "TO1",
              "parent_unit_code": "TH"}]
    assert sorted(resolve(["head:TH"], staff).people) == ["pp1", "tp1"]
    assert sorted(resolve(["head:TO1"], staff).people) == ["pp1", "tp1"]
    nobody = resolve(["head:KHAC"], staff)
    assert nobody.people == {} and nobody.unresolved
    assert entry_problem("head:TH") is None and entry_problem("head:Tổng hợp")


def test_a_cancelled_task_tells_whoever_had_it_but_not_who_cancelled_it():
    data = {**TASK, "reason": "Văn bản đến đã bị thu hồi"}
    [(notice, title, body)] = rendered(event("tasks", "task_cancelled", data))
    assert notice.recipients == ["cv1"]
    assert title == "Công việc đã hủy: Báo cáo kết quả giám sát chuyên đề"
    assert "lý do: Văn bản đến đã bị thu hồi" in body
    unit_work = event("tasks", "task_cancelled", {**data, "assignee": None})
    assert [n.recipients for n in notices_for(unit_work)] == [["head:TH", "tp1"]]
    by_owner = build_envelope("tasks", "task_cancelled", data, office=OFFICE,
                              actor={"sub": "cv1", "office": OFFICE, "roles": ["staff"]})
    assert notices_for(by_owner) == []
