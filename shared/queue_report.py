"""What the suite's queues say about its health, from management-API queue dicts.

Framework-free so the rules can be tested on hand-written dicts.  Suite queues are nameko's
RPC queues ``rpc-<service>``, event-handler queues
``evt-<source>-<event_type>--<service>.<method>`` and the dead-letter queue ``<queue>.dlq`` of
each (poison requests, see `shared.entrypoints`; failed or forged events, `shared.events`).  Reply queues ``rpc.reply-*`` belong to
callers, come and go with them, and are left out unless ``include_all``.

Warning rules (only suite queues raise warnings; ``include_all`` widens the view, not the
alerting):

- ``NO_CONSUMER``: an RPC or event queue with ``ready > 0`` and ``consumers == 0``:
  the messages wait for a service that is not running.
- ``GROWING_BACKLOG``: an RPC or event queue with ``ready > 0`` whose ready count is higher
  than in the previous sample; when there is no previous sample, or the queue is not in it,
  the broker's own trend stands in: ``messages_ready_details.rate > 0``.
  Dead-letter queues are left out: ``DEAD_LETTERS`` already covers them.
- ``DEAD_LETTERS``: a dead-letter queue holding any message (ready + unacked > 0).
"""
import re

from rich import box
from rich.console import Group
from rich.table import Table

from shared.config import SERVICES

RPC, EVENT, DEAD_LETTER, REPLY, OTHER = "rpc", "event", "dead-letter", "reply", "other"
SUITE_KINDS = (RPC, EVENT, DEAD_LETTER)
DLQ_SUFFIX = ".dlq"

_RPC = re.compile(r"^rpc-(?P<service>\w+)$")
_EVENT = re.compile(r"^evt-(?P<source>\w+)-(?P<event_type>.+)--(?P<service>\w+)\.(?P<method>\w+)$")


def classify(name, services=SERVICES):
    """(kind, consuming service) of a queue name; service is None outside the suite."""
    base = name[:-len(DLQ_SUFFIX)] if name.endswith(DLQ_SUFFIX) else None
    match = _RPC.match(base or name)
    if match and match["service"] in services:
        return (DEAD_LETTER if base else RPC), match["service"]
    match = _EVENT.match(base or name)
    if match and match["service"] in services:
        return (DEAD_LETTER if base else EVENT), match["service"]
    return (REPLY if name.startswith("rpc.reply-") else OTHER), None


def _rate(stats, key):
    return (stats.get(key) or {}).get("rate", 0)


def _row(queue, kind, service, by_name):
    name, stats = queue["name"], queue.get("message_stats") or {}
    dead_letters = None
    if kind in (EVENT, RPC) and name + DLQ_SUFFIX in by_name:
        dead_letters = by_name[name + DLQ_SUFFIX].get("messages_ready", 0)
    return {
        "name": name, "kind": kind, "service": service,
        "ready": queue.get("messages_ready", 0),
        "unacked": queue.get("messages_unacknowledged", 0),
        "consumers": queue.get("consumers", 0),
        "publish_rate": _rate(stats, "publish_details"),
        "deliver_rate": _rate(stats, "deliver_get_details"),
        "redeliveries": stats.get("redeliver", 0),
        "dead_letters": dead_letters,
        "ready_rate": _rate(queue, "messages_ready_details"),
    }


def _sort_key(row):
    """RPC queues first, then each event queue directly followed by its dead-letter queue."""
    base = row["name"][:-len(DLQ_SUFFIX)] if row["kind"] == DEAD_LETTER else row["name"]
    rank = {RPC: 0, EVENT: 1, DEAD_LETTER: 1}.get(row["kind"], 2)
    return rank, base, row["kind"] == DEAD_LETTER


def build_rows(queues, include_all=False, services=SERVICES):
    by_name = {queue["name"]: queue for queue in queues}
    rows = []
    for queue in queues:
        kind, service = classify(queue["name"], services)
        if kind in SUITE_KINDS or include_all:
            rows.append(_row(queue, kind, service, by_name))
    return sorted(rows, key=_sort_key)


def _warning(row, code, message):
    return {"queue": row["name"], "code": code, "message": message}


def find_warnings(rows, previous=None):
    """Warnings for `rows`; `previous` is the prior sample of API queue dicts, if any."""
    before = {queue["name"]: queue.get("messages_ready", 0) for queue in previous or ()}
    warnings = []
    for row in rows:
        ready = row["ready"]
        if row["kind"] in (RPC, EVENT):
            if ready and not row["consumers"]:
                warnings.append(_warning(row, "NO_CONSUMER", (
                    f"{ready} message(s) ready and no consumer: is {row['service']} running?")))
            if ready and row["name"] in before:
                if ready > before[row["name"]]:
                    warnings.append(_warning(row, "GROWING_BACKLOG", (
                        f"ready grew from {before[row['name']]} to {ready} "
                        "since the previous sample")))
            elif ready and row["ready_rate"] > 0:
                warnings.append(_warning(row, "GROWING_BACKLOG", (
                    f"{ready} ready and growing by {row['ready_rate']:.1f} msg/s")))
        elif row["kind"] == DEAD_LETTER and row["ready"] + row["unacked"]:
            warnings.append(_warning(row, "DEAD_LETTERS", (
                f"{row['ready'] + row['unacked']} dead-lettered message(s) from "
                f"{row['name'][:-len(DLQ_SUFFIX)]}: inspect, then replay or purge")))
    return warnings


def build_report(queues, previous=None, include_all=False, services=SERVICES):
    """The JSON-ready report: ``{"queues": [rows], "warnings": [warnings]}``."""
    rows = build_rows(queues, include_all, services)
    return {"queues": rows, "warnings": find_warnings(rows, previous)}


def _count(value):
    return "-" if value is None else str(value)


def queue_table(report, title="Queues"):
    flagged = {warning["queue"] for warning in report["warnings"]}
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column("Queue", overflow="fold")
    table.add_column("Kind")
    table.add_column("Service")
    for header in ("Ready", "Unacked", "Consumers", "Pub/s", "Deliver/s", "Redelivered", "DLQ"):
        table.add_column(header, justify="right")
    for row in report["queues"]:
        table.add_row(row["name"], row["kind"], row["service"] or "-", str(row["ready"]),
                      str(row["unacked"]), str(row["consumers"]), f"{row['publish_rate']:.1f}",
                      f"{row['deliver_rate']:.1f}", str(row["redeliveries"]),
                      _count(row["dead_letters"]),
                      style="bold red" if row["name"] in flagged else None)
    if not report["queues"]:
        table.caption = "no suite queues declared on this vhost"
    return table


def warning_table(report):
    table = Table(title="Warnings", box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column("Queue", overflow="fold")
    table.add_column("Code", style="bold red")
    table.add_column("Message")
    for warning in report["warnings"]:
        table.add_row(warning["queue"], warning["code"], warning["message"])
    if not report["warnings"]:
        table.caption = "none"
    return table


def render(report, title="Queues"):
    """Queue table and warning table, as one renderable (printable or for `rich.live.Live`)."""
    return Group(queue_table(report, title), warning_table(report))
