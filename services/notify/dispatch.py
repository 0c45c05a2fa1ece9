"""What happens after a send fails: retry with backoff and jitter, then fail over or dead-letter.

Pure policy; the sender applies it.  Waits come from tenacity's ``wait_exponential_jitter``
(initial * 2^(n-1) plus up to `jitter` seconds, capped at `max_wait`).  The default schedule
spans about 45 minutes, so an SMTP server that is down for ten minutes loses nothing.
"""
from dataclasses import dataclass

from tenacity import RetryCallState, wait_exponential_jitter

RETRY, GIVE_UP = "retry", "give_up"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    initial: float = 30.0
    max_wait: float = 900.0
    jitter: float = 10.0

    @classmethod
    def from_settings(cls, settings):
        settings = settings or {}
        defaults = cls()
        return cls(max_attempts=int(settings.get("max_attempts") or defaults.max_attempts),
                   initial=float(settings.get("initial", defaults.initial)),
                   max_wait=float(settings.get("max_wait", defaults.max_wait)),
                   jitter=float(settings.get("jitter", defaults.jitter)))

    def wait(self, attempts_made):
        """Seconds to wait after the `attempts_made`-th failed attempt."""
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
        state.attempt_number = attempts_made
        return wait_exponential_jitter(initial=self.initial, max=self.max_wait,
                                       jitter=self.jitter)(state)


def after_failure(policy, attempts_made, permanent=False):
    """(RETRY, seconds) or (GIVE_UP, None) after a failed attempt."""
    if permanent or attempts_made >= policy.max_attempts:
        return GIVE_UP, None
    return RETRY, policy.wait(attempts_made)


def next_channel(allowed, tried):
    """The first channel the person allows that this notice has not been tried on, or None."""
    for name in allowed:
        if name not in tried:
            return name
    return None
