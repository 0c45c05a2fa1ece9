"""`vanphong demo`: one incoming document through the running suite, shown step by step."""
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
    """Register a sample incoming document and show it reach tasks and notify."""
    config = load_config()
    office = office or next(iter(offices(config)))
    clerk = mint_token(config, "vanthu", office, ["clerk"])
    leader = mint_token(config, "lanhdao", office, ["leader"])
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
