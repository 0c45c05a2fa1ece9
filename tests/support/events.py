"""Publishing events from a test the way a service's relay does: confirmed and mandatory.

A test that feeds a service events must know they reached a queue: an event nobody is bound
for raises here instead of vanishing and turning into a timeout far from its cause.
"""
from kombu import Connection, Exchange, Producer

from shared import signing
from shared.config import load_config


class Unroutable(AssertionError):
    pass


def suite_signing_key():
    return signing.signing_keys(load_config())[0]


def publish_events(amqp_uri, envelopes, source=None, sign=True):
    """Publish envelopes to ``<source>.events`` (default: each envelope's own `source`), signed
    with the suite's key as a relay signs them (``sign=False`` publishes them as given)."""
    if sign:
        key = suite_signing_key()
        envelopes = [signing.sign(envelope, key) for envelope in envelopes]
    returned = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        channel.events["basic_return"].add(
            lambda exc, exchange, routing_key, message: returned.append(routing_key))
        producer = Producer(channel)
        for envelope in envelopes:
            exchange = Exchange(f"{source or envelope['source']}.events", type="topic",
                                durable=True)
            producer.publish(envelope, exchange=exchange, routing_key=envelope["event_type"],
                             serializer="json", declare=[exchange], delivery_mode=2,
                             mandatory=True)
        channel.close()
    if returned:
        raise Unroutable(f"no queue is bound for: {sorted(set(returned))}")
    return list(envelopes)
