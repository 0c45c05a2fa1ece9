"""intake's RPCs against the real broker, on SQLite and PostgreSQL."""
import base64
import csv
import io

import eventlet
import pytest
from openpyxl import load_workbook

from services.intake.service import IntakeService
from services.notify.service import NotifyService
from services.tasks.service import TasksService
from shared.rpc_client import suite_proxy
from tests.conftest import OTHER_OFFICE, wait_for, intake_call as call, intake_error as error_of

pytestmark = pytest.mark.integration


@pytest.fixture
def intake(runner_factory, service_config):
    config = service_config(IntakeService, MAX_ATTACHMENT_BYTES=200_000,
                            NUMBERING={"default": {"scheme": "per_type", "issuer": "VP"}})
    runner_factory(config, IntakeService).start()
    return config


def test_receive_reads_the_text_and_keeps_the_clerks_corrections(intake, token, corpus_dir):
    text = (corpus_dir / "seeds" / "000_f5e64ef9a2fe196c.txt").read_text(encoding="utf-8")
    clerk = token()
    document = call(intake, "receive", clerk, document={
        "text": text, "channel": "paper", "organ_name": "Văn phòng Đoàn ĐBQH và HĐND tỉnh Đồng Tháp"})
    assert (document["code_number"], document["code_notation"]) == ("159", "TB-VP")
    assert document["issued_date"] == "2021-09-01"
    assert document["type_name"] == "Thông báo" and document["doc_type"] == "TB"
    assert document["subject"].startswith("Ý kiến kết luận của Chủ tịch Hội đồng nhân dân Tỉnh")
    assert document["arrival_number"] == 1
    detail = call(intake, "get", clerk, document_id=document["id"])
    assert detail["parsed"]["code_notation"] == "TB-VP"
    assert detail["parsed"]["directives"], "the seed's directives are kept for tasks"
    assert detail["history"][0]["action"] == "registered"


def test_duplicates_are_warned_not_refused(intake, token):
    clerk = token()
    attachment = {"file_name": "cong-van.pdf", "content_type": "application/pdf",
                  "data": base64.b64encode(b"%PDF-1.4 same bytes").decode()}
    fields = {"subject": "V/v góp ý dự thảo nghị quyết", "code_number": "412",
              "code_notation": "UBND-VP", "organ_name": "UBND tỉnh", "issued_date": "2026-11-02"}
    first = call(intake, "receive", clerk, document={**fields, "attachments": [attachment]})
    again = call(intake, "receive", clerk, document={**fields, "channel": "email"})
    rescanned = call(intake, "receive", clerk, document={
        "subject": "Bản quét lại", "attachments": [attachment]})
    assert first["duplicates"] == []
    assert not any("duplicate" in warning for warning in first["warnings"])
    assert "no text read from cong-van.pdf" in first["warnings"][0]  # not a real PDF
    assert again["duplicate_of"] == first["id"]
    assert "same number, notation, organ and date" in again["duplicates"][0]["reason"]
    assert rescanned["duplicate_of"] == first["id"]
    assert "same file" in rescanned["duplicates"][0]["reason"]
    assert [d["arrival_number"] for d in (first, again, rescanned)] == [1, 2, 3]


def test_bad_documents_are_refused_whole(intake, token):
    clerk = token()
    big = base64.b64encode(b"x" * 300_000).decode()
    code, _, fields = error_of(intake, "receive", clerk, document={
        "subject": "Quá lớn", "attachments": [{"file_name": "scan.pdf", "data": big}]})
    assert code == "VALIDATION_ERROR" and "scan.pdf" in fields["attachments"][0]
    code, _, fields = error_of(intake, "receive", clerk, document={"text": "", "subject": None})
    assert code == "VALIDATION_ERROR" and "subject" in fields
    code, _, fields = error_of(intake, "receive", clerk, document={
        "subject": "x", "attachments": [{"file_name": "a.pdf", "data": "not base64!"}]})
    assert code == "VALIDATION_ERROR" and "attachments" in fields
    assert call(intake, "receive", clerk, document={"subject": "Sau lỗi"})["arrival_number"] == 1


def test_classified_documents_need_clearance_everywhere(intake, token):
    clerk = token(clearance=2)
    secret = call(intake, "receive", clerk, document={"subject": "Kế hoạch bảo vệ", "secrecy": "mật"})
    call(intake, "receive", clerk, document={"subject": "Kế hoạch tiếp dân"})
    staff = token("s1", ["staff"])
    assert error_of(intake, "get", staff, document_id=secret["id"])[0] == "NOT_FOUND"
    assert [d["subject"] for d in call(intake, "search", staff, query="ke hoach")["items"]] == \
        ["Kế hoạch tiếp dân"]
    cleared = token("s2", ["staff"], clearance=1)
    assert call(intake, "get", cleared, document_id=secret["id"])["subject"] == "Kế hoạch bảo vệ"
    rows = call(intake, "register_book", staff, year=int(secret["arrival_date"][:4]))["rows"]
    assert [row[5] for row in rows] == ["Kế hoạch tiếp dân"]
    rows = call(intake, "register_book", cleared, year=int(secret["arrival_date"][:4]))["rows"]
    assert [row[5] for row in rows] == ["Kế hoạch bảo vệ", "Kế hoạch tiếp dân"]


def test_search_ignores_diacritics_and_ranks_the_subject_first(intake, token):
    clerk = token()
    for subject, organ in (("Thông báo kết luận của Thường trực HĐND", "Văn phòng"),
                           ("Báo cáo kết quả giám sát", "Ban Kinh tế - Ngân sách"),
                           ("Kế hoạch tổ chức hội nghị", "Đảng ủy khối")):
        call(intake, "receive", clerk, document={"subject": subject, "organ_name": organ,
                                                 "type_name": subject.split()[0] + " " +
                                                 subject.split()[1]})
    found = call(intake, "search", clerk, query="thong bao ket luan")["items"]
    assert found[0]["subject"] == "Thông báo kết luận của Thường trực HĐND"
    assert [d["subject"] for d in call(intake, "search", clerk, query="dang uy")["items"]] == \
        ["Kế hoạch tổ chức hội nghị"]
    assert call(intake, "search", clerk, query="ĐẢNG ỦY")["total"] == 1
    assert call(intake, "search", clerk, query="giam sat", organ="ngan sach")["total"] == 1
    assert call(intake, "search", clerk, query="giam sat", organ="van phong")["total"] == 0
    assert error_of(intake, "search", clerk, query="x", limit=0)[0] == "VALIDATION_ERROR"


def test_outgoing_numbers_per_type_and_classified_apart(intake, token):
    clerk = token()
    issued = [call(intake, "issue", clerk, document=document)
              for document in ({"type_name": "Thông báo", "subject": "Lịch tiếp công dân"},
                               {"type_name": "Thông báo", "subject": "Lịch họp"},
                               {"type_name": "Công văn", "subject": "V/v cử cán bộ",
                                "drafting_unit": "TH"},
                               {"type_name": "Thông báo", "subject": "Mật", "secrecy": "mật"},
                               {"type_name": "Báo cáo", "subject": "Báo cáo tháng"})]
    symbols = [f"{d['code_number']}/{d['code_notation']}" for d in issued]
    assert symbols == ["01/TB-VP", "02/TB-VP", "01/VP-TH", "01/TB-VP", "01/BC-VP"]
    assert issued[3]["secrecy"] == "mật"  # its own sequence: the 01 is not a repeat of the first


def test_concurrent_issues_never_repeat_or_skip(intake, token):
    clerk = token()
    pool = eventlet.GreenPool(15)
    numbers = list(pool.imap(lambda n: call(intake, "issue", clerk, document={
        "type_name": "Giấy mời", "subject": f"Mời họp {n}"})["code_number"], range(30)))
    assert sorted(numbers) == [f"{n:02d}" for n in range(1, 31)]


def test_concurrent_batches_and_single_receives_share_one_gapless_sequence(intake, token):
    """Batches number their documents at the end; with single receives in between, in order."""
    clerk = token()

    def batch(n):
        answers = call(intake, "receive_batch", clerk, documents=[
            {"subject": f"Lô {n} văn bản {i}"} for i in range(8)])
        return [a["arrival_number"] for a in answers]

    def single(n):
        return [call(intake, "receive", clerk, document={"subject": f"Lẻ {n}"})["arrival_number"]]

    pool = eventlet.GreenPool(10)
    results = list(pool.imap(lambda n: batch(n) if n % 2 else single(n), range(12)))
    numbers = sorted(number for result in results for number in result)
    assert numbers == list(range(1, 6 * 8 + 6 + 1))
    for result in results:  # a batch's documents are consecutive, in the order sent
        assert result == list(range(result[0], result[0] + len(result)))


def test_issued_to_another_office_arrives_there_and_recall_follows(intake, token):
    sender, receiver = token(), token("vt2", ["clerk"], office=OTHER_OFFICE)
    issued = call(intake, "issue", sender, document={
        "type_name": "Công văn", "subject": "V/v phối hợp giám sát", "drafting_unit": "TH",
        "signer_full_name": "Nguyễn Văn A", "to_offices": [OTHER_OFFICE],
        "to_places": ["Văn phòng Đoàn ĐBQH và HĐND thành phố Hà Nội", "Lưu: VT, TH"]})
    arrived = wait_for(lambda: call(intake, "search", receiver, query="phoi hop giam sat")["items"],
                       message="the copy in the other office")
    assert arrived[0]["direction"] == "in" and arrived[0]["channel"] == "internal"
    assert (arrived[0]["code_number"], arrived[0]["arrival_number"]) == (issued["code_number"], 1)
    assert call(intake, "search", sender, query="phoi hop", direction="in")["total"] == 0
    call(intake, "recall", sender, document_id=issued["id"], reason="Sai thành phần")
    wait_for(lambda: call(intake, "get", receiver, document_id=arrived[0]["id"])["status"]
             == "recalled", message="the copy recalled")
    assert error_of(intake, "recall", sender, document_id=issued["id"], reason="x")[0] == "CONFLICT"
    unknown = error_of(intake, "issue", sender, document={"subject": "x", "to_offices": ["XX-1"]})
    assert unknown[0] == "VALIDATION_ERROR" and "to_offices" in unknown[2]


def test_correction_keeps_history_and_refuses_unknown_fields(intake, token):
    clerk = token()
    document = call(intake, "receive", clerk, document={"subject": "Tờ trình số liệu",
                                                         "code_number": "12"})
    corrected = call(intake, "correct", clerk, document_id=document["id"],
                     changes={"code_number": "21"}, reason="Vào sổ nhầm số")
    assert corrected["code_number"] == "21"
    history = call(intake, "get", clerk, document_id=document["id"])["history"]
    assert history[-1]["action"] == "corrected" and history[-1]["before"] == {"code_number": "12"}
    code, _, fields = error_of(intake, "correct", clerk, document_id=document["id"],
                               changes={"secrecy": "mật"}, reason="x")
    assert code == "VALIDATION_ERROR"
    assert error_of(intake, "correct", clerk, document_id=document["id"],
                    changes={"code_number": "1"}, reason="")[0] == "VALIDATION_ERROR"
    assert error_of(intake, "get", clerk, document_id="abc")[0] == "VALIDATION_ERROR"
    assert error_of(intake, "get", clerk, document_id=99999)[0] == "NOT_FOUND"
    assert error_of(intake, "get", token(office=OTHER_OFFICE),
                    document_id=document["id"])[0] == "NOT_FOUND"


def test_register_books_export_with_the_official_headings(intake, token):
    clerk = token()
    received = call(intake, "receive", clerk, document={
        "subject": "Về việc chuẩn bị kỳ họp", "type_name": "Công văn", "organ_name": "UBND tỉnh",
        "code_number": "88", "code_notation": "UBND-TH", "issued_date": "2026-11-20",
        "priority": "khẩn"})
    year = int(received["arrival_date"][:4])
    book = call(intake, "register_book", clerk, year=year)
    assert book["headings"][:3] == ["Ngày đến", "Số đến", "Tác giả"]
    assert book["rows"][0][1:6] == [1, "UBND tỉnh", "88/UBND-TH", "20/11/2026",
                                    "Công văn Về việc chuẩn bị kỳ họp"]
    exported = call(intake, "register_book", clerk, year=year, format="csv")
    rows = list(csv.reader(io.StringIO(base64.b64decode(exported["data"]).decode("utf-8-sig"))))
    assert rows[0][5] == "Tên loại và trích yếu nội dung" and rows[1][3] == "88/UBND-TH"
    workbook = call(intake, "register_book", clerk, year=year, format="xlsx")
    sheet = load_workbook(io.BytesIO(base64.b64decode(workbook["data"]))).active
    assert sheet["A2"].value == f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM {year}"
    assert [cell.value for cell in sheet[4]][:2] == ["Ngày đến", "Số đến"]
    assert sheet["D5"].value == "88/UBND-TH"
    call(intake, "issue", clerk, document={"type_name": "Báo cáo", "subject": "Báo cáo tuần",
                                           "signer_full_name": "Trần Thị B",
                                           "to_places": ["Thường trực HĐND tỉnh"]})
    outgoing = call(intake, "register_book", clerk, year=year, direction="out")
    assert outgoing["headings"][0] == "Số, ký hiệu văn bản"
    assert outgoing["rows"][0][0] == "01/BC-VP" and outgoing["rows"][0][3] == "Trần Thị B"


def test_classified_subject_does_not_travel_on_the_bus(runner_factory, service_config, token):
    configs = {cls.name: service_config(cls) for cls in (IntakeService, TasksService, NotifyService)}
    for cls in (IntakeService, TasksService, NotifyService):
        runner_factory(configs[cls.name], cls).start()
    call(configs["intake"], "receive", token(clearance=3),
         document={"subject": "Phương án bảo vệ bí mật", "secrecy": "tối mật"})
    with suite_proxy(configs["notify"], token=token("ld", ["leader"])) as proxy:
        notices = wait_for(lambda: proxy.notify.inbox()["items"], message="the notice")
    assert "Phương án bảo vệ bí mật" not in notices[0]["body"]
    assert "tối mật" in notices[0]["body"]


def test_batch_registers_the_good_documents_and_numbers_them_without_gaps(intake, token):
    clerk = token()
    answers = call(intake, "receive_batch", clerk, documents=[
        {"subject": "Văn bản một"}, {"subject": "", "text": None},
        {"subject": "Văn bản hai", "priority": "rất gấp"}, {"subject": "Văn bản ba"}])
    assert [a.get("arrival_number") for a in answers] == [1, None, None, 2]
    assert answers[1]["error"]["code"] == "VALIDATION_ERROR" and "subject" in answers[1]["error"]["fields"]
    assert "priority" in answers[2]["error"]["fields"]
    assert call(intake, "receive", clerk, document={"subject": "Sau lô"})["arrival_number"] == 3
    assert error_of(intake, "receive_batch", clerk, documents=[])[0] == "VALIDATION_ERROR"
    assert error_of(intake, "receive_batch", clerk, documents={"subject": "x"})[0] == \
        "VALIDATION_ERROR"


# -- duplicates on every path (issue 10, point 4) -----------------------------------------------

def _as_ingest_sends(paths):
    """The documents `vanphong ingest` sends for these files (a .txt carries its file too)."""
    from shared.cli.ingest import request_for

    return [request_for(path)[1]["document"] for path in paths]


def test_the_same_files_twice_are_duplicates_within_and_across_batches(intake, token, corpus_dir):
    clerk = token()
    seeds = sorted((corpus_dir / "seeds").glob("*.txt"))
    first = call(intake, "receive_batch", clerk, documents=_as_ingest_sends(seeds + seeds[:1]))
    again = call(intake, "receive_batch", clerk, documents=_as_ingest_sends(seeds))
    assert [a["duplicate_of"] for a in first[:5]] == [None] * 5
    assert first[5]["duplicate_of"] == first[0]["id"]  # twice in one batch
    assert [a["duplicate_of"] for a in again] == [a["id"] for a in first[:5]]
    for answer, path in zip(again, seeds):
        assert "same file as document" in answer["duplicates"][0]["reason"]
        assert path.name in answer["duplicates"][0]["reason"]
        assert any(w.startswith("possible duplicate") for w in answer["warnings"])
    assert [a["arrival_number"] for a in first + again] == list(range(1, 12))
    detail = call(intake, "get", clerk, document_id=again[0]["id"])
    assert detail["attachments"][0]["file_name"] == seeds[0].name  # the file, kept


def test_same_number_notation_and_date_is_a_duplicate_when_no_organ_was_read(intake, token,
                                                                             corpus_dir):
    clerk = token()
    text = (corpus_dir / "seeds" / "000_f5e64ef9a2fe196c.txt").read_text(encoding="utf-8")
    first = call(intake, "receive", clerk, document={"text": text})
    retyped = call(intake, "receive", clerk, document={"text": text + "\nBản sao.\n"})
    with_organ = call(intake, "receive", clerk, document={
        "text": text, "organ_name": "Văn phòng HĐND tỉnh"})
    other_date = call(intake, "receive", clerk, document={
        "text": text, "issued_date": "2021-09-02"})
    assert first["organ_name"] is None and first["duplicate_of"] is None
    assert retyped["duplicate_of"] == first["id"]
    assert "same number, notation and date" in retyped["duplicates"][0]["reason"]
    assert with_organ["duplicate_of"] == first["id"]  # an organ not read is not a different one
    assert other_date["duplicates"] == [] and other_date["duplicate_of"] is None


def test_concurrent_batches_of_the_same_file_flag_all_but_one(intake, token):
    clerk = token()
    attachment = {"file_name": "cong-van-412.pdf",
                  "data": base64.b64encode(b"%PDF-1.4 one file, many batches").decode()}

    def batch(n):
        return call(intake, "receive_batch", clerk, documents=[
            {"subject": f"Lô {n} văn bản {i}", "attachments": [attachment]} for i in range(3)])

    answers = [a for result in eventlet.GreenPool(6).imap(batch, range(6)) for a in result]
    originals = [a for a in answers if a["duplicate_of"] is None]
    assert len(originals) == 1
    assert all(a["duplicate_of"] == originals[0]["id"] for a in answers if a is not originals[0])


def test_a_duplicate_in_the_same_batch_is_not_named_above_the_records_level(intake, token):
    clerk = token(clearance=2)
    attachment = {"file_name": "phuong-an.pdf",
                  "data": base64.b64encode(b"%PDF-1.4 classified plan").decode()}
    secret, plain = call(intake, "receive_batch", clerk, documents=[
        {"subject": "Phương án bảo vệ", "secrecy": "mật", "attachments": [attachment]},
        {"subject": "Bản chụp", "attachments": [attachment]}])
    assert secret["duplicate_of"] is None
    assert plain["duplicate_of"] is None and plain["duplicates"] == []
    assert any("classified document, not named" in w for w in plain["warnings"])
    assert str(secret["id"]) not in " ".join(plain["warnings"])


def test_search_finds_a_document_by_its_number_and_notation_as_a_clerk_types_them(intake, token):
    """Issue 10 point 5: "412/UBND-VP" finds the document numbered 412/UBND-VP, whatever the
    case, marks or "Số" before it; a Party symbol "1103-KL/ĐUK" too; "412" alone the number."""
    clerk = token()
    state = call(intake, "receive", clerk, document={
        "subject": "V/v báo cáo kết quả giám sát", "code_number": "412",
        "code_notation": "UBND-VP", "organ_name": "UBND tỉnh", "type_name": "Công văn"})
    other = call(intake, "receive", clerk, document={
        "subject": "V/v tổ chức hội nghị", "code_number": "412", "code_notation": "SNV-TCBC",
        "organ_name": "Sở Nội vụ", "type_name": "Công văn"})
    party = call(intake, "receive", clerk, document={
        "subject": "Kết luận của Ban Thường vụ Đảng ủy khối", "code_number": "1103",
        "code_notation": "KL/ĐUK", "organ_name": "Đảng ủy khối", "type_name": "Kết luận"})
    mentions = call(intake, "receive", clerk, document={
        "subject": "Thực hiện Công văn số 412 ngày 20 tháng 11", "type_name": "Tờ trình"})

    def found(**criteria):
        return [d["id"] for d in call(intake, "search", clerk, **criteria)["items"]]

    for typed in ("412/UBND-VP", "412/ubnd-vp", "Số 412/UBND-VP", "số 412 / UBND-VP", "412/UBND"):
        assert found(query=typed) == [state["id"]], typed
    for typed in ("1103-KL/ĐUK", "1103-kl/duk", "Số 1103-KL/ĐUK"):
        assert found(query=typed) == [party["id"]], typed
    by_number = found(query="412")
    assert set(by_number[:2]) == {state["id"], other["id"]} and by_number[2:] == [mentions["id"]]
    assert found(query="412/UBND-VPX") == [] and found(query="413/UBND-VP") == []

    assert found(number="412", notation="ubnd-vp") == [state["id"]]
    assert set(found(number="Số 412")) == {state["id"], other["id"]}
    assert found(notation="KL/ĐUK") == [party["id"]]
    assert found(organ="so noi vu") == [other["id"]]
    assert found(doc_type="Kết luận") == [party["id"]]
    assert found(query="giam sat", number="412") == [state["id"]]


def test_search_filters_dates_as_people_type_them_status_and_waiting_for_direction(intake,
                                                                                  token):
    clerk = token()
    incoming = call(intake, "receive", clerk, document={"subject": "Kế hoạch giám sát chuyên đề"})
    outgoing = call(intake, "issue", clerk, document={"type_name": "Thông báo",
                                                      "subject": "Lịch tiếp công dân"})
    day = incoming["arrival_date"]
    iso = day
    typed = "/".join(reversed(day.split("-")))              # 2026-12-01 → 01/12/2026

    def found(**criteria):
        return {d["id"] for d in call(intake, "search", clerk, **criteria)["items"]}

    assert incoming["id"] in found(date_from=typed, date_to=typed)
    assert found(date_from=iso, date_to=iso) == found(date_from=typed, date_to=typed)
    assert found(waiting_for_direction=True) == {incoming["id"]}
    assert found(waiting_for_direction=False) == {outgoing["id"]}
    assert found(status="issued") == {outgoing["id"]}
    code, _, fields = error_of(intake, "search", clerk, date_from="31/02/2026")
    assert code == "VALIDATION_ERROR" and "2026-11-20 or 20/11/2026" in fields["date_from"][0]
    code, _, fields = error_of(intake, "search", clerk, date_from="02/12/2026",
                               date_to="01/12/2026")
    assert code == "VALIDATION_ERROR" and "date_from" in fields
    code, _, fields = error_of(intake, "search", clerk, waiting=True)
    assert code == "VALIDATION_ERROR" and "waiting" in fields


def test_the_same_file_is_a_duplicate_whichever_channel_brings_it(runner_factory, service_config,
                                                                  token, corpus_dir):
    from email.message import EmailMessage

    from services.intake.channels.edxml import parse_edxml

    intake = service_config(IntakeService)
    runner_factory(intake, IntakeService).start()
    clerk = token()
    raw_edxml = (corpus_dir / "edxml" / "edoc_new.edxml").read_bytes()
    file = parse_edxml(raw_edxml)["attachments"][0]
    original = call(intake, "receive_edxml", clerk,
                    xml_b64=base64.b64encode(raw_edxml).decode())["document"]

    mail = EmailMessage()
    mail["From"], mail["Subject"] = "vpcp@gov.vn", "Chuyển tiếp Quyết định 1896"
    mail["Message-ID"] = "<chuyen-tiep-1896@gov.vn>"
    mail.set_content("Xin gửi lại văn bản đính kèm.")
    mail.add_attachment(file["data"], maintype="application", subtype="msword",
                        filename=file["file_name"])
    by_mail = call(intake, "receive_email", clerk,
                   raw_message_b64=base64.b64encode(mail.as_bytes()).decode())
    attachment = {"file_name": "ban-in-lai.doc", "data": base64.b64encode(file["data"]).decode()}
    by_hand = call(intake, "receive", clerk, document={"subject": "Bản in lại",
                                                       "attachments": [attachment]})
    in_batch, = call(intake, "receive_batch", clerk, documents=[
        {"subject": "Bản quét", "attachments": [attachment]}])
    for answer in (by_mail, by_hand, in_batch):
        assert answer["duplicate_of"] == original["id"]
        assert answer["duplicates"][0]["reason"].startswith(
            f"same file as document {original['id']} ({file['file_name']})")
