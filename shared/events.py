"""Receiving events: an event handler that applies each event once or parks it.

nameko acks an event even when its handler raised, and `requeue_on_error=True` alone loops
forever.  `event_handler` consumes from a quorum queue with ``x-delivery-limit``: a failing
handler's event is requeued (after a short backoff) and, after the limit, RabbitMQ moves it to
``<queue>.dlq`` through the ``vanphong.dead-letter`` exchange, where `vanphong queues` shows it.
An envelope that fails the contract is dead-lettered at once: retrying cannot fix it.

Before a handler runs, the envelope must also come from whom it says: the producer's signature
(`shared.signing`), the exchange of the producer it names, the event type the queue is bound
for, and an office this deployment serves.  A forged or foreign event is parked at once in the
dead letters with the reason in the ``x-vanphong-reason`` header.

Handlers make themselves idempotent with the inbox (``self.db.first_delivery(event, ...)``).
"""
import logging

import eventlet
from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler, get_event_exchange
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from shared import signing
from shared.config import amqp_uri
from shared.config import offices as configured_offices
from shared.contracts import validate_envelope
from shared.errors import InvalidInput

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "vanphong.dead-letter"
DEFAULT_DELIVERY_LIMIT = 5
DEFAULT_RETRY_BACKOFF = 0.2
MAX_RETRY_BACKOFF = 5.0
REASON_HEADER = "x-vanphong-reason"


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
        _, self.verification_keys = signing.signing_keys(config)
        self.queue = handler_queue(config, self.source_service, self.event_type,
                                   self.container.service_name, self.method_name)
        with Connection(amqp_uri(config)) as connection:
            declare_handler_queues(connection, [self.queue])
        self.queue_consumer.register_provider(self)

    def handle_message(self, body, message):
        reason = self.refusal(body, message)
        if reason:
            self.park(body, message, reason)
            return
        super().handle_message(body, message)

    def refusal(self, body, message):
        """Why this message must not reach the handler, or None."""
        try:
            validate_envelope(body)
        except InvalidInput as exc:
            return f"the envelope breaks the contract: {exc}"
        exchange = (message.delivery_info or {}).get("exchange")
        if body["source"] != self.source_service or exchange != f"{self.source_service}.events":
            return (f"the event says it comes from {body['source']!r} but arrived on "
                    f"{exchange!r}")
        if body["event_type"] != self.event_type:
            return f"event type {body['event_type']!r} on the queue of {self.event_type!r}"
        known = configured_offices(self.container.config)
        if known and body["office"] not in known:
            return f"office {body['office']!r} is not an office of this deployment"
        return signing.problem(body, self.verification_keys)

    def park(self, body, message, reason):
        """Move a refused message to this queue's dead letters, saying why."""
        log.error("dead-lettering event %s on %s: %s",
                  message.properties.get("message_id"), self.queue.name, reason)
        try:
            with Connection(amqp_uri(self.container.config),
                            transport_options={"confirm_publish": True}) as connection:
                connection.Producer().publish(
                    body, exchange=dead_letter_exchange(), routing_key=self.queue.name,
                    headers={**(message.headers or {}), REASON_HEADER: reason[:1000]},
                    serializer="json", delivery_mode=2, retry=True,
                    retry_policy={"max_retries": 3})
        except Exception:
            log.exception("could not park event on %s; rejecting it", self.queue.name)
            message.reject(requeue=False)
            return
        message.ack()

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
