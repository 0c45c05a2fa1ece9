"""The sender: a green thread per notify process that sends due deliveries.

It claims a batch in a short transaction (a lease), sends each message with no transaction
open — several at once, on a green pool — and writes each outcome back in its own short
transaction.  Handlers wake it after they commit; otherwise it polls, which is also what
brings deferred (quiet hours) and retried deliveries back.  A sender that dies mid-batch
leaves leases that expire, and another sender (or the restarted one) takes them over.
"""
import logging
import os
import uuid
from datetime import datetime, timezone

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import sessionmaker

from services.notify import deliveries
from services.notify.channels import PermanentFailure, Registry
from services.notify.dispatch import RetryPolicy
from services.notify.templates import Templates
from shared.background import DrainLoop
from shared.db import Database

log = logging.getLogger(__name__)


def utcnow():
    """The wall clock.  Only the service and this sender read it; the domain modules are
    given `now`."""
    return datetime.now(timezone.utc)


def sender_settings(config):
    settings = (config.get("NOTIFY") or {}).get("sender") or {}
    return {"poll_interval": float(settings.get("poll_interval") or 1.0),
            "batch": int(settings.get("batch") or 50),
            "concurrency": int(settings.get("concurrency") or 10),
            "lease_seconds": float(settings.get("lease_seconds") or 120),
            "enabled": settings.get("enabled", True) is not False}


def runtime_from_config(config, registry=None):
    notify = config.get("NOTIFY") or {}
    defaults = {"*": notify.get("defaults") or {}}
    for office, settings in (notify.get("offices") or {}).items():
        if (settings or {}).get("defaults"):
            defaults[office] = {**defaults["*"], **settings["defaults"]}
    return deliveries.Runtime(registry=registry or Registry(config),
                              templates=Templates.from_config(config),
                              policy=RetryPolicy.from_settings(notify.get("retry")),
                              office_defaults=defaults)


class Sender(DrainLoop):
    max_backoff = 32.0
    description = "notify sender"
    clock = staticmethod(utcnow)   # a test replays the sender on its own clock

    def __init__(self, engine, runtime, settings, worker_id):
        super().__init__()
        self.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
        self.runtime = runtime
        self.settings = settings
        self.poll_interval = settings["poll_interval"]
        self.worker_id = worker_id
        self.pool = eventlet.GreenPool(settings["concurrency"])

    def drain_once(self):
        """Send one batch; True when the batch was full (there may be more due)."""
        with self.sessionmaker() as session, session.begin():
            messages = deliveries.claim(session, self.worker_id, self.clock(),
                                        self.settings["lease_seconds"], self.settings["batch"])
        for _ in self.pool.imap(self.send_and_record, messages):
            pass
        return len(messages) == self.settings["batch"]

    def send_and_record(self, message):
        """Send one message and write its outcome at once: a crash can only repeat the few
        messages in flight (at most `concurrency`), which carry the same Message-ID."""
        outcome = self.send_one(message)
        with self.sessionmaker() as session, session.begin():
            deliveries.finish(session, self.runtime, self.worker_id, [outcome], self.clock())
        return outcome

    def send_one(self, message):
        started = self.clock()
        channel = self.runtime.registry.get(message.channel, message.office)
        try:
            if channel is None:
                raise PermanentFailure(f"channel {message.channel!r} is not installed")
            channel.send(message)
        except PermanentFailure as exc:
            return deliveries.Outcome(message.delivery_id, started, self.clock(),
                                      str(exc) or type(exc).__name__, permanent=True)
        except Exception as exc:  # TransientFailure, or a plugin's own error: retry
            return deliveries.Outcome(message.delivery_id, started, self.clock(),
                                      f"{type(exc).__name__}: {exc}")
        return deliveries.Outcome(message.delivery_id, started, self.clock())


class Outbound(DependencyProvider):
    """``outbound = Outbound()`` next to ``db = Database(...)``: templates, channels, sender."""

    def setup(self):
        config = self.container.config
        self.runtime = runtime_from_config(config)
        self.settings = sender_settings(config)
        self.worker_id = f"notify:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.sender = None

    def start(self):
        database = next(d for d in self.container.dependencies if isinstance(d, Database))
        self.sender = Sender(database.engine, self.runtime, self.settings, self.worker_id)
        if self.settings["enabled"]:
            self.container.spawn_managed_thread(self.sender.run, identifier="notify-sender")

    def stop(self):
        if self.sender is not None:
            self.sender.stop()

    def kill(self):
        self.stop()

    def wake(self):
        if self.sender is not None:
            self.sender.wake()

    def get_dependency(self, worker_ctx):
        return self
