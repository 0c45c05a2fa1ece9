"""Receiving events: an event handler that applies each event once or parks it.

nameko acks an event even when its handler raised, and `requeue_on_error=True` alone loops
forever.  `event_handler` consumes from a quorum queue with ``x-delivery-limit``: a failing
handler's event is requeued (after a short backoff) and, after the limit, RabbitMQ moves it to
``<queue>.dlq`` through the ``vanphong.dead-letter`` exchange, where `vanphong queues` shows it.
An envelope that fails the contract is dead-lettered at once: retrying cannot fix it.

Handlers make themselves idempotent with the inbox (``self.db.first_delivery(event, ...)``).
"""
import logging

import eventlet
from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler, get_event_exchange
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from shared.config import amqp_uri
from shared.contracts import validate_envelope
from shared.errors import InvalidInput

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "vanphong.dead-letter"
DEFAULT_DELIVERY_LIMIT = 5
DEFAULT_RETRY_BACKOFF = 0.2
MAX_RETRY_BACKOFF = 5.0


def event_settings(config):
    settings = config.get("EVENTS") or {}
    return (int(settings.get("delivery_limit", DEFAULT_DELIVERY_LIMIT)),
            float(settings.get("retry_backoff", DEFAULT_RETRY_BACKOFF)))


def handler_queue_name(source_service, event_type, service_name, method_name):
    return f"evt-{source_service}-{event_type}--{service_name}.{method_name}"


def dead_letter_queue_name(queue_name):
    return f"{queue_name}.dlq"


def dead_letter_exchange():
    return Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)


def handler_queue(config, source_service, event_type, service_name, method_name):
    """The quorum queue of one handler, with its dead-letter route (arguments are fixed for life)."""
    delivery_limit, _ = event_settings(config)
    name = handler_queue_name(source_service, event_type, service_name, method_name)
    return Queue(name, exchange=get_event_exchange(source_service, config),
                 routing_key=event_type, durable=True, auto_delete=False, exclusive=False,
                 queue_arguments={"x-queue-type": "quorum",
                                  "x-delivery-limit": delivery_limit,
                                  "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                                  "x-dead-letter-routing-key": name})


def dead_letter_queue(queue_name):
    name = dead_letter_queue_name(queue_name)
    return Queue(name, exchange=dead_letter_exchange(), routing_key=queue_name, durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def declare_handler_queues(connection, queues):
    """Declare handler queues, their exchanges and their dead-letter queues."""
    channel = connection.default_channel
    dead_letter_exchange().declare(channel=channel)
    for queue in queues:
        queue.exchange.declare(channel=channel)
        queue(channel).declare()
        dead_letter_queue(queue.name)(channel).declare()


def service_handler_queues(service_cls, config):
    """Every handler queue a service class consumes, without starting it."""
    queues = []
    for method_name in dir(service_cls):
        method = getattr(service_cls, method_name, None)
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, ReliableEventHandler):
                queues.append(handler_queue(config, entrypoint.source_service,
                                            entrypoint.event_type, service_cls.name, method_name))
    return queues


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, **kwargs):
        kwargs.setdefault("requeue_on_error", True)
        super().__init__(source_service, event_type, **kwargs)

    def setup(self):
        config = self.container.config
        self.delivery_limit, self.retry_backoff = event_settings(config)
        self.queue = handler_queue(config, self.source_service, self.event_type,
                                   self.container.service_name, self.method_name)
        with Connection(amqp_uri(config)) as connection:
            declare_handler_queues(connection, [self.queue])
        self.queue_consumer.register_provider(self)

    def handle_message(self, body, message):
        try:
            validate_envelope(body)
        except InvalidInput as exc:
            log.error("dead-lettering event on %s: %s", self.queue.name, exc)
            message.reject(requeue=False)
            return
        super().handle_message(body, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None:
            failures = int((message.headers or {}).get("x-delivery-count") or 0) + 1
            log.warning("handler %s failed on event %s (attempt %d of %d): %s",
                        self.queue.name, message.properties.get("message_id"), failures,
                        self.delivery_limit + 1, exc_info[1])
            if self.retry_backoff and failures <= self.delivery_limit:
                eventlet.sleep(min(MAX_RETRY_BACKOFF, self.retry_backoff * 2 ** (failures - 1)))
        super().handle_message_processed(message, result, exc_info)


event_handler = ReliableEventHandler.decorator
