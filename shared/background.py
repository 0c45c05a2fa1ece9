"""A green thread that drains work in batches: woken after a commit, else polling, backing off
while what it needs (broker, database, SMTP) is away.  The outbox relay and notify's sender are
both one of these."""
import logging

import eventlet
from eventlet.event import Event

log = logging.getLogger(__name__)


class DrainLoop:
    """Subclasses set `poll_interval`, `max_backoff` and `description`, and implement
    `drain_once()` → True when a full batch went out (there may be more at once)."""

    poll_interval = 1.0
    max_backoff = 30.0
    description = "background work"

    def __init__(self):
        self._wake = Event()
        self._running = False
        self.last_error = None

    def drain_once(self):
        raise NotImplementedError

    def wake(self):
        if not self._wake.ready():
            self._wake.send(True)

    def stop(self):
        self._running = False
        self.wake()

    def run(self):
        self._running = True
        failures = 0
        while self._running:
            try:
                while self._running and self.drain_once():
                    pass
                failures, self.last_error = 0, None
            except Exception as exc:  # what it needs is away: back off, its claims keep work safe
                failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("%s failed (%d in a row): %s", self.description, failures,
                            self.last_error)
            delay = self.poll_interval if not failures else min(
                self.max_backoff, self.poll_interval * 2 ** min(failures, 6))
            with eventlet.Timeout(delay, False):
                self._wake.wait()
            self._wake = Event()
