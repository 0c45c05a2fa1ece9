"""The queue report's rules, on hand-written management-API queue dicts."""
import json
import socket

import pytest
from click.testing import CliRunner
from rich.console import Console

from shared.broker_admin import BrokerAdmin, vhost_from_uri
from shared.cli.queues import queues
from shared.errors import Unavailable
from shared.queue_report import build_report, classify, render

EVT = "evt-intake-document_received--tasks.on_document_received"


def api_queue(name, ready=0, unacked=0, consumers=0, ready_rate=0.0, stats=None):
    queue = {"name": name, "messages_ready": ready, "messages_unacknowledged": unacked,
             "consumers": consumers, "messages_ready_details": {"rate": ready_rate}}
    if stats is not None:
        queue["message_stats"] = stats
    return queue


def codes(report, queue=None):
    return sorted(w["code"] for w in report["warnings"] if queue in (None, w["queue"]))


def test_classify_suite_queues():
    assert classify("rpc-intake") == ("rpc", "intake")
    assert classify(EVT) == ("event", "tasks")
    assert classify(EVT + ".dlq") == ("dead-letter", "tasks")
    assert classify("rpc.reply-standalone_rpc_proxy-1234")[0] == "reply"
    assert classify("rpc-unknown")[0] == "other"
    assert classify("rpc-intake.dlq") == ("dead-letter", "intake")     # poison requests


def test_reply_and_foreign_queues_ignored_unless_all():
    queues = [api_queue("rpc-tasks", consumers=1), api_queue("rpc.reply-abc", ready=3),
              api_queue("celery", ready=9)]
    report = build_report(queues)
    assert [row["name"] for row in report["queues"]] == ["rpc-tasks"]
    assert report["warnings"] == []
    everything = build_report(queues, include_all=True)
    assert {row["name"] for row in everything["queues"]} == {"rpc-tasks", "rpc.reply-abc", "celery"}
    assert everything["warnings"] == []  # --all widens the view, not the alerting


def test_row_fields_and_missing_stats_mean_zero():
    stats = {"publish_details": {"rate": 1.5}, "deliver_get_details": {"rate": 0.5},
             "redeliver": 4}
    rows = build_report([api_queue("rpc-notify", ready=2, unacked=1, consumers=3, stats=stats),
                         api_queue("rpc-intake", consumers=1)])["queues"]
    by_name = {row["name"]: row for row in rows}
    notify = by_name["rpc-notify"]
    assert (notify["kind"], notify["service"], notify["ready"], notify["unacked"],
            notify["consumers"]) == ("rpc", "notify", 2, 1, 3)
    assert (notify["publish_rate"], notify["deliver_rate"], notify["redeliveries"]) == (1.5, 0.5, 4)
    intake = by_name["rpc-intake"]
    assert (intake["publish_rate"], intake["deliver_rate"], intake["redeliveries"]) == (0, 0, 0)


def test_dead_letter_depth_paired_with_its_queue():
    other = "evt-tasks-task_done--notify.on_task_done"
    report = build_report([api_queue(EVT + ".dlq", ready=2), api_queue(other, consumers=1),
                           api_queue(EVT, consumers=1), api_queue("rpc-intake", consumers=1),
                           api_queue(other + ".dlq")])
    rows = {row["name"]: row for row in report["queues"]}
    assert rows[EVT]["dead_letters"] == 2
    assert rows[other]["dead_letters"] == 0
    assert rows["rpc-intake"]["dead_letters"] is None
    # each dead-letter queue is listed right after its event queue
    assert [row["name"] for row in report["queues"]] == [
        "rpc-intake", EVT, EVT + ".dlq", other, other + ".dlq"]


def test_event_queue_without_dlq_has_no_depth():
    assert build_report([api_queue(EVT, consumers=1)])["queues"][0]["dead_letters"] is None


def test_no_consumer_fires_only_with_ready_messages_and_no_consumer():
    report = build_report([api_queue("rpc-intake", ready=3), api_queue("rpc-tasks", ready=3,
                                                                       consumers=1),
                           api_queue("rpc-notify"), api_queue(EVT + ".dlq", ready=1)])
    assert codes(report, "rpc-intake") == ["NO_CONSUMER"]
    assert codes(report, "rpc-tasks") == []
    assert codes(report, "rpc-notify") == []
    assert "NO_CONSUMER" not in codes(report, EVT + ".dlq")


def test_dead_letters_fire_for_any_message_in_a_dlq():
    report = build_report([api_queue(EVT, consumers=1), api_queue(EVT + ".dlq", unacked=1),
                           api_queue("evt-tasks-x--notify.on_x.dlq")])
    assert codes(report) == ["DEAD_LETTERS"]
    assert report["warnings"][0]["queue"] == EVT + ".dlq"


def test_growing_backlog_against_previous_sample():
    previous = [api_queue("rpc-tasks", ready=5, consumers=1),
                api_queue("rpc-intake", ready=5, consumers=1)]
    # the broker's rate says growing, but the previous sample wins when the queue is in it
    current = [api_queue("rpc-tasks", ready=8, consumers=1),
               api_queue("rpc-intake", ready=5, consumers=1, ready_rate=2.0),
               api_queue("rpc-notify", ready=1, consumers=1, ready_rate=1.0)]
    report = build_report(current, previous)
    assert codes(report, "rpc-tasks") == ["GROWING_BACKLOG"]
    assert codes(report, "rpc-intake") == []
    assert codes(report, "rpc-notify") == ["GROWING_BACKLOG"]  # new queue: rate rule


def test_growing_backlog_without_previous_uses_ready_rate():
    report = build_report([api_queue("rpc-tasks", ready=4, consumers=1, ready_rate=0.8),
                           api_queue("rpc-intake", ready=4, consumers=1, ready_rate=0.0),
                           api_queue("rpc-notify", ready=0, consumers=1, ready_rate=0.8),
                           api_queue("rpc-evaluation", ready=4, consumers=1, ready_rate=-1.0),
                           api_queue(EVT + ".dlq", ready=4, ready_rate=1.0)])
    assert [(w["queue"], w["code"]) for w in report["warnings"]] == [
        ("rpc-tasks", "GROWING_BACKLOG"), (EVT + ".dlq", "DEAD_LETTERS")]


def test_healthy_suite_has_no_warnings_and_renders():
    report = build_report([api_queue("rpc-intake", consumers=2), api_queue(EVT, consumers=1),
                           api_queue(EVT + ".dlq")])
    assert report["warnings"] == []
    json.dumps(report)
    console = Console(record=True, width=160)
    console.print(render(report))
    text = console.export_text()
    assert "rpc-intake" in text and "none" in text


def test_render_shows_warnings():
    report = build_report([api_queue(EVT, ready=2), api_queue(EVT + ".dlq", ready=1)])
    console = Console(record=True, width=200)
    console.print(render(report))
    text = console.export_text()
    assert "NO_CONSUMER" in text and "DEAD_LETTERS" in text


def test_admin_from_config():
    admin = BrokerAdmin.from_config({"AMQP_URI": "pyamqp://bob:s%40cret@rabbit.local:5672/office"})
    assert (admin.api_url, admin.session.auth, admin.vhost) == (
        "http://rabbit.local:15672", ("bob", "s@cret"), "office")
    admin = BrokerAdmin.from_config({"AMQP_URI": "pyamqp://guest:guest@localhost:5672/",
                                     "MANAGEMENT_API": "https://mq.example/"})
    assert (admin.api_url, admin.vhost) == ("https://mq.example", "/")
    assert vhost_from_uri("amqp://h") == "/" and vhost_from_uri("amqp://h/%2F") == "/"
    assert admin._path("queues", "/", "a.b") == "/api/queues/%2F/a.b"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_api_raises_unavailable_with_hint():
    with pytest.raises(Unavailable) as caught:
        BrokerAdmin(f"http://127.0.0.1:{_closed_port()}", timeout=2).queues()
    assert "unreachable" in caught.value.message
    assert "rabbitmq-plugins enable rabbitmq_management" in caught.value.message


def test_cli_exits_2_when_api_unreachable(tmp_path, monkeypatch):
    (tmp_path / "suite.yaml").write_text(
        "AMQP_URI: pyamqp://guest:guest@127.0.0.1:5672/\n"
        f"MANAGEMENT_API: http://127.0.0.1:{_closed_port()}\n")
    monkeypatch.setenv("VANPHONG_CONFIG_DIR", str(tmp_path))
    result = CliRunner().invoke(queues, ["--json"])
    assert result.exit_code == 2
    assert "rabbitmq-plugins enable rabbitmq_management" in result.stderr
    assert result.stdout == ""
