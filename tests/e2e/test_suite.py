"""End to end: four processes, the real broker, nameko's standalone RPC client, and faults."""
import json
import os
import re
import signal
import subprocess
import time

import eventlet
import pytest
from nameko.exceptions import RemoteError, RpcTimeout
from sqlalchemy import func, select

from services.tasks.models import DirectionItem
from shared import outbox
from shared.auth import mint_token
from shared.broker_admin import BrokerAdmin
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy
from tests.support.events import publish_events
from tests.conftest import OFFICE, read_engine, wait_for
from tests.e2e.conftest import VANPHONG

DOCUMENT = {"subject": "Về việc tiếp xúc cử tri sau kỳ họp", "organ_name": "Ban Dân nguyên",
            "code_number": "88", "code_notation": "BDN-TH", "channel": "paper"}


def tokens(suite):
    config = suite.config
    return (mint_token(config, "clerk1", OFFICE, ["clerk"]),
            mint_token(config, "lead1", OFFICE, ["leader"]))


def direction_count(suite):
    engine = read_engine(suite.db_url("tasks"))
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(DirectionItem)).scalar_one()
    engine.dispose()
    return count


def test_cli_status_health_token_and_queues(suite):
    status = suite.cli("status")
    assert status.returncode == 0, status.stdout + status.stderr
    for service in ("intake", "tasks", "evaluation", "notify"):
        assert service in status.stdout
    health = suite.cli("rpc", "intake.health", "{}", check=True)
    assert json.loads(health.stdout)["status"] == "ok"
    token = suite.cli("token", "--office", OFFICE, "--sub", "c1", "--roles", "clerk",
                      check=True).stdout.strip()
    received = suite.cli("rpc", "intake.receive", json.dumps({"document": DOCUMENT}),
                         "--token", token, check=True)
    assert json.loads(received.stdout)["arrival_number"] >= 1
    queues = suite.cli("queues", "--json")
    names = [row["name"] for row in json.loads(queues.stdout)["queues"]]
    assert "rpc-intake" in names
    assert "evt-intake-document_received--tasks.on_document_received" in names


def test_cli_errors_are_clear(suite):
    bad_json = suite.cli("rpc", "intake.receive", "{oops")
    assert bad_json.returncode == 2 and "not valid JSON" in bad_json.stderr
    no_token = suite.cli("rpc", "intake.receive", json.dumps({"document": DOCUMENT}))
    assert no_token.returncode == 1 and "UNAUTHORIZED" in no_token.stderr
    unknown_office = suite.cli("token", "--office", "XX-NOWHERE", "--sub", "x")
    assert unknown_office.returncode == 2 and "unknown office" in unknown_office.stderr


def test_document_flows_across_processes(suite):
    clerk, leader = tokens(suite)
    with suite_proxy(suite.config, token=clerk) as proxy:
        document = proxy.intake.receive(document={**DOCUMENT, "priority": "khẩn"})
    with suite_proxy(suite.config, token=leader) as proxy:
        items = wait_for(lambda: [i for i in proxy.tasks.pending_directions()
                                  if i["document_id"] == document["id"]],
                         message="the direction item")
        assert items[0]["urgent"] is True
        notices = wait_for(lambda: [n for n in proxy.notify.inbox()["items"]
                                    if f"số {document['arrival_number']} " in n["title"]],
                           message="the leader's notice")
        assert notices[0]["title"].startswith("[KHẨN]")


def test_rpc_to_a_stopped_service_times_out_clearly(suite):
    suite.cli("down", "--service", "evaluation", check=True)
    try:
        with pytest.raises(RpcTimeout):  # raised, so the call did not hang
            with suite_proxy(suite.config, timeout=2) as proxy:
                proxy.evaluation.health()
        result = suite.cli("rpc", "evaluation.health", "{}", "--timeout", "2")
        assert result.returncode == 1 and "TIMEOUT" in result.stderr
    finally:
        suite.cli("up", "--service", "evaluation", "--detach", check=True)
    # the expired request did not linger in the queue to run later
    admin = BrokerAdmin.from_config(suite.config)
    wait_for(lambda: admin.queue("rpc-evaluation")["messages"] == 0, timeout=20,
             message="the stale request to expire")


def envelopes(start, count):
    for document_id in range(start, start + count):
        yield outbox.build_envelope("intake", "document_received", {
            "document_id": document_id, "arrival_number": document_id,
            "arrival_date": "2026-11-02", "channel": "edxml",
            "subject": f"Văn bản thử {document_id}"}, office=OFFICE)


def publish(suite, bodies):
    publish_events(suite.env["AMQP_URI"], bodies)


def wait_while_progressing(count, total, stall=60):
    """Wait until `count()` reaches `total`, failing only when it stops moving for `stall` s.

    A slow machine takes longer, but a lost event shows as a count that stops short.
    """
    last, last_change = count(), time.monotonic()
    while last != total:
        eventlet.sleep(0.5)
        now = count()
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change > stall:
            raise AssertionError(f"stuck at {last} of {total} events for {stall} s")


def log_errors(suite, service, limit=5):
    log = suite.var / "log" / f"{service}.log"
    if not log.exists():
        return "no log"
    lines = [line for line in log.read_text(errors="replace").splitlines()
             if " ERROR " in line or " WARNING " in line or "Error" in line]
    return lines[-limit:] or "no errors"


def test_handler_killed_mid_event_applies_every_event_once(suite):
    before = direction_count(suite)
    total = 3000
    suite.cli("down", "--service", "tasks", check=True)
    publish(suite, envelopes(100_000, total))
    process = subprocess.Popen([*VANPHONG, "up", "--service", "tasks", "--detach"], env=suite.env,
                               cwd=suite.var.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for(lambda: (suite.var / "run" / "tasks.0.pid").exists(), message="tasks to start")
    wait_for(lambda: direction_count(suite) > before + 50, timeout=60, interval=0.02,
             message="tasks to be working through the backlog")
    progress = direction_count(suite) - before
    os.kill(suite.pid("tasks"), signal.SIGKILL)
    process.wait(timeout=120)
    assert progress < total, "the backlog was finished before the kill: raise `total`"

    suite.cli("up", "--service", "tasks", "--detach", check=True)
    admin = BrokerAdmin.from_config(suite.config)
    queue = "evt-intake-document_received--tasks.on_document_received"
    try:
        wait_while_progressing(lambda: direction_count(suite) - before, total)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; queue: {admin.queue(queue)}; "
                             f"dead letters: {admin.queue(queue + '.dlq')['messages']}; "
                             f"tasks log: {log_errors(suite, 'tasks')}") from None
    eventlet.sleep(2)
    assert direction_count(suite) - before == total  # and none twice
    assert admin.queue(queue + ".dlq")["messages"] == 0
    redelivered = wait_for(
        lambda: admin.queue(queue).get("message_stats", {}).get("redeliver", 0),
        timeout=30, interval=1, message="the broker to report redeliveries")
    assert redelivered > 0  # messages in flight at the kill came back


def test_same_event_twice_is_applied_once(suite):
    before = direction_count(suite)
    [event] = list(envelopes(200_000, 1))
    publish(suite, [event, event])
    wait_for(lambda: direction_count(suite) == before + 1, message="the event applied")
    eventlet.sleep(1.5)
    assert direction_count(suite) == before + 1


def test_broker_closing_connections_loses_nothing(suite):
    clerk, leader = tokens(suite)
    before = direction_count(suite)
    subprocess.run(["rabbitmqctl", "close_all_connections", "--vhost", suite.vhost,
                    "e2e: broker connection drop"], check=True, capture_output=True, timeout=60)
    received = []
    deadline = time.monotonic() + 60
    while len(received) < 5 and time.monotonic() < deadline:
        try:
            with suite_proxy(suite.config, token=clerk, timeout=5) as proxy:
                received.append(proxy.intake.receive(document=DOCUMENT))
        except (RpcTimeout, OSError, RemoteError) as exc:
            if isinstance(exc, RemoteError) and parse_remote_error(exc)[0] != "INTERNAL":
                raise
            eventlet.sleep(0.5)
    assert len(received) == 5, "intake did not come back after the connection drop"
    wait_for(lambda: direction_count(suite) == before + 5, timeout=60,
             message="every document received after the drop to reach tasks")
    status = suite.cli("status")
    assert status.returncode == 0, status.stdout


def test_poison_event_is_parked_and_raises_the_alarm(suite):
    bad = next(envelopes(300_000, 1))
    bad["data"]["arrival_date"] = "not a date"
    publish(suite, [bad])
    queue = "evt-intake-document_received--tasks.on_document_received.dlq"
    admin = BrokerAdmin.from_config(suite.config)
    wait_for(lambda: admin.queue(queue)["messages"] >= 1, timeout=30, message="the DLQ")

    def alarm():
        result = suite.cli("queues", "--json")
        data = json.loads(result.stdout)
        return result if any(w["code"] == "DEAD_LETTERS" and w["queue"] == queue
                             for w in data["warnings"]) else None

    result = wait_for(alarm, timeout=30, interval=1, message="queues to report the DLQ")
    assert result.returncode == 1
    parked = admin.get_messages(queue, 1, requeue=False)
    assert json.loads(parked[0]["payload"])["event_id"] == bad["event_id"]
    admin.purge("evt-intake-document_received--notify.on_document_received.dlq")


def test_clerk_ingests_the_corpus_searches_and_prints_the_register(suite, corpus_dir, tmp_path):
    clerk = mint_token(suite.config, "vanthu", OFFICE, ["clerk"])
    folder = tmp_path / "inbox"
    folder.mkdir()
    for source in sorted((corpus_dir / "seeds").glob("*.txt")):
        (folder / source.name).write_bytes(source.read_bytes())
    for name in ("edoc_new.edxml", "edoc_revocation.edxml", "edoc_update.edxml"):
        (folder / name).write_bytes((corpus_dir / "edxml" / name).read_bytes())  # in this order
    (folder / "broken.edxml").write_bytes(b"<edXML><unclosed>")
    result = suite.cli("ingest", str(folder), "--token", clerk, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr  # one file failed, and is named
    assert "broken.edxml" in result.stdout and "VALIDATION_ERROR" in result.stdout
    counts = re.findall(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│",
                        result.stdout.split("ingest summary", 1)[1])
    # registered, duplicate, changed (the recall, then the update answered "02 từ chối"), status,
    # failed: the edXML messages were applied in file order
    assert counts[0] == ("6", "0", "2", "0", "1")

    found = json.loads(suite.cli("rpc", "intake.search",
                                 json.dumps({"query": "thong bao ket luan kiem tra"}),
                                 "--token", clerk, check=True).stdout)
    assert found["items"][0]["code_notation"] == "TB/ĐUK"
    year = int(found["items"][0]["arrival_date"][:4])
    table = suite.cli("register", "--year", str(year), "--token", clerk, check=True)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in table.stdout and "159/TB-VP" in table.stdout
    exported = tmp_path / "so-den.xlsx"
    suite.cli("register", "--year", str(year), "--format", "xlsx", "-o", str(exported),
              "--token", clerk, check=True)
    assert exported.read_bytes()[:2] == b"PK"
