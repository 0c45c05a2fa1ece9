"""The one interface every channel implements."""
from dataclasses import dataclass, field


class TransientFailure(Exception):
    """The send may work later (server down, timeout, 4xx SMTP reply): retry with backoff."""


class PermanentFailure(Exception):
    """Retrying cannot help (address refused, 4xx HTTP answer): fail over at once."""


@dataclass
class Message:
    """One notice for one recipient on one channel, as the sender hands it to a channel."""
    delivery_id: int
    office: str
    channel: str
    recipient: str
    address: str | None
    dedup_key: str
    category: str
    title: str
    body: str
    urgent: bool = False
    recipient_name: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def message_key(self):
        """Stable across retries and replicas: receivers can drop a repeat on the wire."""
        return f"{self.office}/{self.recipient}/{self.dedup_key}"


class Channel:
    """A way to reach a person.

    ``stored`` channels (the inbox) deliver inside notify's own transaction: nothing can fail
    after commit, so they are never retried.  Other channels are sent by the sender, outside
    any transaction, with retry, backoff and failover.  ``intrusive`` channels wait for the
    end of a person's quiet hours; the inbox disturbs nobody.
    """

    name = "?"
    stored = False
    intrusive = True

    def __init__(self, settings):
        self.settings = dict(settings or {})

    def available(self):
        """Whether this office has configured the channel (an SMTP host, a secret, ...)."""
        return True

    def address_for(self, person, addresses):
        """Where to reach `person` (a staff dict, or None for an unknown id); None if nowhere.

        `addresses` are the person's own choices from their preferences (channel → address).
        """
        return addresses.get(self.name)

    def validate_address(self, address):
        """Why `address` cannot be used on this channel ("not an email address ..."), or None."""
        return None

    def send(self, message):
        """Deliver `message`; raise TransientFailure or PermanentFailure when it did not go."""
        raise NotImplementedError
