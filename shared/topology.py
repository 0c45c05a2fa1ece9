"""The suite's queues, declared before anything is published.

An event published before its consumer's queue exists is lost, so each service declares the
handler queues of every installed service (found through the ``vanphong.services`` entry
points) when it starts, and `vanphong up` does so before starting any service.
"""
from kombu import Connection

from shared import plugins
from shared.config import amqp_uri
from shared.events import declare_handler_queues, service_handler_queues


def suite_handler_queues(config):
    queues = []
    for name in plugins.names(plugins.SERVICES_GROUP):
        queues.extend(service_handler_queues(plugins.service_class(name), config))
    return queues


def declare_suite(config):
    queues = suite_handler_queues(config)
    with Connection(amqp_uri(config), connect_timeout=5) as connection:
        connection.ensure_connection(max_retries=3)
        declare_handler_queues(connection, queues)
    return [queue.name for queue in queues]
