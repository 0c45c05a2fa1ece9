"""The RabbitMQ permissions that let only the suite's services publish its events.

Each service gets a user of its own whose rights cover its request queue, its handler queues,
its own ``<service>.events`` exchange (the only one it may write to), the RPC and reply
exchanges and the dead letters.  A caller (the CLI, a front end's back end) may only publish
requests and read its own replies: its topic permission on ``nameko-rpc`` binds reply ids
only, so it cannot bind a queue with ``intake.*`` and copy other callers' requests, tokens
included.  `vanphong broker-permissions` prints these as ``rabbitmqctl`` commands; the tests
apply them through the management API and attack with them.
"""
from dataclasses import dataclass

from shared.config import SERVICES

RPC_EXCHANGE = "nameko-rpc"
REPLY_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


@dataclass(frozen=True)
class Permissions:
    user: str
    configure: str
    write: str
    read: str
    topic: tuple = ()        # (exchange, write, read)


def _any_of(*patterns):
    return "^(" + "|".join(patterns) + ")$"


def service_permissions(service, services=SERVICES):
    own_queues = (rf"rpc-{service}(\.dlq)?", rf"evt-[a-z]+-[a-z_]+--{service}\..*")
    common = (RPC_EXCHANGE, r"rpc\.reply-.*", r"vanphong\.dead-letter")
    every_events = "(" + "|".join(services) + r")\.events"
    return Permissions(
        user=f"vp-{service}",
        configure=_any_of(*own_queues, every_events, *common),
        write=_any_of(*own_queues, rf"{service}\.events", *common),
        read=_any_of(*own_queues, every_events, *common))


def client_permissions():
    return Permissions(
        user="vp-client",
        configure=_any_of(RPC_EXCHANGE, r"rpc\.reply-.*"),   # nameko's client declares both
        write=_any_of(RPC_EXCHANGE, r"rpc\.reply-.*"),
        read=_any_of(RPC_EXCHANGE, r"rpc\.reply-.*"),
        topic=(RPC_EXCHANGE, ".*", REPLY_ID))


def all_permissions(services=SERVICES):
    return [service_permissions(service, services) for service in services] + [
        client_permissions()]


def rabbitmqctl_commands(vhost):
    lines = [f"rabbitmqctl add_vhost {vhost}", "rabbitmqctl delete_user guest"]
    for permissions in all_permissions():
        variable = permissions.user.upper().replace("-", "_") + "_PASSWORD"
        lines.append(f'rabbitmqctl add_user {permissions.user} "${variable}"')
        lines.append(f"rabbitmqctl set_permissions -p {vhost} {permissions.user} "
                     f"'{permissions.configure}' '{permissions.write}' '{permissions.read}'")
        if permissions.topic:
            exchange, write, read = permissions.topic
            lines.append(f"rabbitmqctl set_topic_permissions -p {vhost} {permissions.user} "
                         f"{exchange} '{write}' '{read}'")
    return lines
