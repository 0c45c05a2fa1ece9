"""Petitions kept by intake, and mail taken from a real IMAP server by intake's poller."""
from email.message import EmailMessage

import pytest
from nameko.testing.services import entrypoint_hook

from services.intake.service import IntakeService
from tests.support.dovecot import append

from tests.conftest import intake_call as call, intake_error as error_of, wait_for  # noqa: E402

pytestmark = pytest.mark.integration

PETITION = {"petitioner_name": "Nguyễn Văn Bình", "petitioner_address": "Ấp 3, xã Mỹ Hiệp",
            "content": "Khiếu nại việc bồi thường đất khi mở rộng quốc lộ 30",
            "categories": ["khiếu nại"], "received_on": "2026-04-24"}


@pytest.fixture
def intake(runner_factory, service_config):
    config = service_config(IntakeService)
    runner_factory(config, IntakeService).start()
    return config


def test_petition_is_classified_forwarded_once_and_followed_up(intake, token):
    clerk = token()
    petition = call(intake, "receive_petition", clerk, petition=PETITION)
    assert petition["category"] == "complaint" and petition["classification"]["eligible"]
    forwarded = call(intake, "dispose_petition", clerk, petition_id=petition["id"],
                     disposition="forward", forward_to="UBND huyện Cao Lãnh",
                     disposed_on="2026-04-24")
    # 10 working days from Fri 24/4/2026 across 27/4 (nghỉ bù Giỗ Tổ) and 30/4–1/5
    assert forwarded["follow_up_due"] == "2026-05-13"
    replied = call(intake, "record_reply", clerk, petition_id=petition["id"],
                   summary="UBND huyện đã trả lời", replied_on="2026-05-10")
    assert replied["status"] == "replied"

    again = call(intake, "receive_petition", clerk, petition={
        **PETITION, "petitioner_name": "Nguyen Van Binh", "received_on": "2026-06-01"})
    assert again["duplicate_of"] == petition["id"]
    code, message, fields = error_of(intake, "dispose_petition", clerk, petition_id=again["id"],
                                     disposition="forward", forward_to="UBND tỉnh")
    assert code == "CONFLICT" and fields["rule"] == ["forward_once"]


def test_petition_errors_name_the_field(intake, token):
    clerk = token()
    assert error_of(intake, "receive_petition", clerk,
                    petition={**PETITION, "signed": "yes"})[2].keys() == {"signed"}
    assert "content" in error_of(intake, "receive_petition", clerk,
                                 petition={**PETITION, "content": " "})[2]
    petition = call(intake, "receive_petition", clerk, petition=PETITION)
    assert error_of(intake, "dispose_petition", clerk, petition_id=petition["id"],
                    disposition="file")[0] == "VALIDATION_ERROR"
    assert error_of(intake, "record_reply", clerk, petition_id=petition["id"],
                    summary="x")[0] == "CONFLICT"
    assert error_of(intake, "dispose_petition", token(office="HN-VPHDND"),
                    petition_id=petition["id"], disposition="guide")[0] == "NOT_FOUND"


def test_petition_stats_in_the_shape_of_the_year_report(intake, token):
    clerk = token()
    outcomes = [("answer", None, None)] * 2 + [("guide", None, None)] + \
        [("forward", None, "UBND huyện")] * 2 + [("file", "ineligible", None)] * 5
    for number, (disposition, reason, target) in enumerate(outcomes):
        petition = call(intake, "receive_petition", clerk, petition={
            **PETITION, "petitioner_name": f"Công dân {number}", "received_on": "2026-03-02"})
        call(intake, "dispose_petition", clerk, petition_id=petition["id"],
             disposition=disposition, reason=reason, forward_to=target)
    stats = call(intake, "petition_stats", clerk, year=2026)
    assert (stats["received"], stats["handled"], stats["handled_percent"]) == (10, 5, 50)
    assert (stats["answered"], stats["guided"], stats["forwarded"]) == (2, 1, 2)
    assert (stats["filed"], stats["filed_percent"]) == (5, 50)
    assert "10 đơn" in stats["text"] and "50%" in stats["text"]
    assert call(intake, "petition_stats", clerk, year=2025)["received"] == 0


def mail(subject, body, message_id):
    message = EmailMessage()
    message["From"] = "Sở Nội vụ <sonoivu@example.vn>"
    message["To"] = "vanthu@example.vn"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes()


def test_mailbox_poller_registers_each_mail_once(runner_factory, service_config, imap_server,
                                                 token):
    config = service_config(IntakeService, IMAP_MAILBOXES=[{
        "office": "DT-VPHDND", "host": imap_server.host, "port": imap_server.port,
        "user": imap_server.user, "password": imap_server.password}])
    runner = runner_factory(config, IntakeService)
    runner.start()
    container = next(iter(runner.containers))
    append(imap_server, mail("Giấy mời họp giao ban tháng 11", "Kính mời...", "<m1@example.vn>"))
    append(imap_server, b"\x00\x01\x02 not a mail")  # logged, skipped, not blocking the mailbox
    append(imap_server, mail("Công văn về lịch tiếp công dân", "Đề nghị...", "<m2@example.vn>"))
    with entrypoint_hook(container, "poll_mailboxes") as poll:
        poll()
        poll()
    found = call(config, "search", token(), direction="in")["items"]
    assert sorted(d["subject"] for d in found) == ["Công văn về lịch tiếp công dân",
                                                   "Giấy mời họp giao ban tháng 11"]
    append(imap_server, mail("Thông báo lịch nghỉ Tết", "Thông báo...", "<m3@example.vn>"))
    with entrypoint_hook(container, "poll_mailboxes") as poll:
        poll()
    subjects = [d["subject"] for d in call(config, "search", token())["items"]]
    assert len(subjects) == 3 and "Thông báo lịch nghỉ Tết" in subjects


def test_mailbox_poll_interval_comes_from_config(runner_factory, service_config, imap_server,
                                                 token):
    """IMAP_POLL_SECONDS drives the timer itself: the mail arrives with no manual poll."""
    config = service_config(IntakeService, IMAP_POLL_SECONDS=0.5, IMAP_MAILBOXES=[{
        "office": "DT-VPHDND", "host": imap_server.host, "port": imap_server.port,
        "user": imap_server.user, "password": imap_server.password}])
    runner = runner_factory(config, IntakeService)
    runner.start()
    append(imap_server, mail("Giấy mời dự phiên họp thường kỳ", "Kính mời...", "<t1@example.vn>"))
    found = wait_for(lambda: call(config, "search", token(), direction="in")["items"],
                     timeout=20, message="the timer to register the mail")
    assert [d["subject"] for d in found] == ["Giấy mời dự phiên họp thường kỳ"]


def test_a_bad_poll_interval_stops_the_service_at_start(container_factory, service_config):
    container = container_factory(IntakeService, service_config(IntakeService,
                                                                IMAP_POLL_SECONDS="often"))
    with pytest.raises(ValueError, match="IMAP_POLL_SECONDS must be a number"):
        container.start()
