"""`vanphong demo`: one incoming document through the running suite, shown step by step:
received (intake) → direction and assignment (tasks) → notices (notify) → handed in and
accepted (tasks) → outcome recorded for the year-end evaluation (evaluation)."""
import sys
import time

import click
from rich.console import Console
from rich.table import Table

from shared.auth import mint_token
from shared.config import load_config, offices
from shared.rpc_client import suite_proxy

console = Console()

SAMPLE = {
    "channel": "paper",
    "code_number": "412",
    "code_notation": "UBND-VP",
    "organ_name": "Ủy ban nhân dân tỉnh Đồng Tháp",
    "type_name": "Công văn",
    "subject": "V/v chuẩn bị nội dung trình kỳ họp thường lệ cuối năm của HĐND tỉnh",
    "priority": "khẩn",
}


def wait(what, fetch, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.3)
    console.print(f"[bold red]{what} did not arrive within {timeout} s[/]")
    sys.exit(1)


@click.command()
@click.option("--office", default=None, help="Office code (default: the first configured).")
def demo(office):
    """Take a sample incoming document through the whole loop of the running suite."""
    config = load_config()
    office = office or next(iter(offices(config)))
    clerk = mint_token(config, "vanthu", office, ["clerk"])
    leader = mint_token(config, "lanhdao", office, ["leader"])
    head = mint_token(config, "truongphong", office, ["head"])
    staff = mint_token(config, "chuyenvien", office, ["staff"])
    with suite_proxy(config, token=clerk) as proxy:
        document = proxy.intake.receive(document=SAMPLE)
    console.print(f"1. intake registered văn bản đến số [bold]{document['arrival_number']}[/] "
                  f"({document['arrival_date']}) for {office}: {document['subject']}")
    with suite_proxy(config, token=leader) as proxy:
        items = wait("the direction item", lambda: [
            i for i in proxy.tasks.pending_directions() if i["document_id"] == document["id"]])
        console.print(f"2. tasks: waiting for the leader's direction (urgent: {items[0]['urgent']})")
        inbox = wait("the leader's notice", lambda: proxy.notify.inbox(unread_only=True))
        table = Table(title=f"3. notify: the leader's inbox ({inbox['unread']} unread)")
        table.add_column("tiêu đề")
        table.add_column("nội dung")
        for notice in inbox["items"][:3]:
            table.add_row(notice["title"], notice["body"])
        console.print(table)

    with suite_proxy(config, token=leader) as proxy:
        proxy.tasks.upsert_unit(unit={"code": "TH", "name": "Phòng Tổng hợp"})
        proxy.tasks.upsert_staff(staff={"staff_id": "truongphong", "full_name": "Trần Văn Trưởng",
                                        "unit_code": "TH", "is_unit_head": True,
                                        "position": "Trưởng phòng"})
        proxy.tasks.upsert_staff(staff={"staff_id": "chuyenvien", "full_name": "Lê Thị Chuyên",
                                        "unit_code": "TH", "position": "Chuyên viên"})
        directed = proxy.tasks.direct(document_id=document["id"], lead="TH",
                                      due_in_working_days=5,
                                      note="Phòng Tổng hợp chủ trì, tham mưu nội dung trình kỳ họp")
    task = directed["tasks"][0]
    console.print(f"4. tasks: the leader gave it to Phòng Tổng hợp, due {task['due_date']} "
                  f"(5 ngày làm việc); task {task['id']}")
    with suite_proxy(config, token=head) as proxy:
        proxy.tasks.assign(task_id=task["id"], assignee="chuyenvien")
    with suite_proxy(config, token=staff) as proxy:
        notices = wait("the staff member's notice", lambda: [
            n for n in proxy.notify.inbox()["items"] if n["title"].endswith(task["title"])])
        console.print(f"5. the head assigned it; notify told the staff member: {notices[0]['title']}")
        proxy.tasks.accept(task_id=task["id"])
        proxy.tasks.report_progress(task_id=task["id"], percent=80, note="Đã có dự thảo tờ trình")
        proxy.tasks.submit(task_id=task["id"], result="Đã trình dự thảo nội dung kỳ họp")
    with suite_proxy(config, token=leader) as proxy:
        done = proxy.tasks.review(task_id=task["id"], decision="accept", quality_met=True)
        console.print(f"6. handed in and accepted by the leader: status {done['status']}")
        outcome = wait("the outcome in evaluation", lambda: [
            o for o in proxy.evaluation.outcomes(assignee="chuyenvien")
            if o["task_id"] == task["id"] and o["completed_on"]])[0]
    console.print(f"7. evaluation recorded the outcome for the year-end rating: on time "
                  f"{outcome['on_time']}, due {outcome['due_date']}, done {outcome['completed_on']}")
