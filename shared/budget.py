"""A time budget per request: no single call may hold a worker longer than configured.

Two clocks stop an over-budget worker, because eventlet switches only where code waits:

- a hub timer throws `BudgetExceeded` into the worker when the budget ends while it waits
  (on the database, the broker, a socket);
- a process CPU-time itimer (``SIGVTALRM``, so it never collides with ``SIGALRM`` users such as
  pytest-timeout; Python restarts system calls it interrupts) checks, every `TICK_SECONDS` of CPU, whether the greenlet running right now
  is a worker past its deadline, and raises in it: a worker that computes without ever waiting
  would otherwise block every other worker of the process and its broker heartbeat.

The exception is a `VanphongError`, so the caller gets ``UNAVAILABLE`` and the worker's unit of
work is rolled back by its teardown like any failed request.
"""
import atexit
import logging
import signal
import time
from weakref import WeakKeyDictionary

import eventlet
from eventlet import hubs
from greenlet import getcurrent

from shared.errors import BudgetExceeded

log = logging.getLogger(__name__)

DEFAULT_BUDGET_SECONDS = 60.0
TICK_SECONDS = 0.5

_deadlines = WeakKeyDictionary()   # worker greenlet -> (monotonic deadline, budget, what)
_installed = False


def _exceeded(budget, what):
    return BudgetExceeded(f"the request took longer than its budget of {budget:g} s and was "
                          "stopped; narrow it (fewer items, a shorter query) and try again",
                          {"_request": [f"{what}: over {budget:g} s"]})


def _on_cpu_tick(_signum, _frame):
    current = getcurrent()
    entry = _deadlines.get(current)
    if entry is not None and time.monotonic() > entry[0]:
        del _deadlines[current]
        log.warning("stopping %s: over its budget of %g s while computing", entry[2], entry[1])
        raise _exceeded(entry[1], entry[2])


def install_cpu_watchdog():
    """Start the CPU-time tick once per process (only the main thread may set signals)."""
    global _installed
    if _installed:
        return
    previous = signal.getsignal(signal.SIGVTALRM)
    if previous not in (signal.SIG_DFL, signal.SIG_IGN, None, _on_cpu_tick):
        log.warning("SIGVTALRM already has a handler; the CPU budget watchdog is off")
        return
    try:
        signal.signal(signal.SIGVTALRM, _on_cpu_tick)
    except ValueError:      # not the process's main OS thread (greenlets all share it)
        log.warning("the CPU budget watchdog needs the main thread; it is off")
        return
    signal.setitimer(signal.ITIMER_VIRTUAL, TICK_SECONDS, TICK_SECONDS)
    # stop the tick before the interpreter drops its handlers, or SIGVTALRM kills it on exit
    atexit.register(signal.setitimer, signal.ITIMER_VIRTUAL, 0)
    _installed = True


class Budget:
    """The budget of one running worker; `cancel()` when its method has returned."""

    def __init__(self, worker_thread, seconds, what):
        self.worker_thread = worker_thread
        self.seconds = seconds
        self.what = what
        self._timer = None
        if seconds and seconds > 0 and worker_thread is not None:
            _deadlines[worker_thread] = (time.monotonic() + seconds, seconds, what)
            self._timer = hubs.get_hub().schedule_call_global(seconds, self._expire)

    def _expire(self):
        self._timer = None
        if _deadlines.pop(self.worker_thread, None) is None or self.worker_thread.dead:
            return
        log.warning("stopping %s: over its budget of %g s while waiting", self.what,
                    self.seconds)
        eventlet.kill(self.worker_thread, _exceeded(self.seconds, self.what))

    def cancel(self):
        _deadlines.pop(self.worker_thread, None)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
