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


def test_accepted_reviews_notify_nobody():
    accepted = event("tasks", "task_reviewed", {**TASK, "decision": "accept", "quality_met": True,
                                                "reviewer": "lead1", "reviewed_on": "2026-12-01"})
    assert notices_for(accepted) == []


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
