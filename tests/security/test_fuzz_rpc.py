"""Property-based fuzzing of every RPC's payload (issue 9).

Every RPC of the four services — found by its entrypoint, so a new one is fuzzed without being
listed — is called with JSON of every shape and with near-valid payloads built from its own
request schemas, by every caller family (each role of the office, another office, nobody).
Whatever it is sent, it answers a result or an error of the error model (`shared.errors`, not
INTERNAL) that carries no SQL, traceback or exception name; and the service still answers
`health()` with status ok afterwards.

Each RPC is its own test case on each database, so one broken method hides no other; within a
method, each kind of failure (by the cause the service logged) is reported and shrunk apart.
``VANPHONG_FUZZ_EXAMPLES`` sets the examples per method and database (default 40).
"""
import functools
import os

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from nameko.exceptions import RemoteError, RpcTimeout

from services.evaluation.service import EvaluationService
from services.intake.service import IntakeService
from services.notify.service import NotifyService
from services.tasks.service import TasksService
from shared.entrypoints import rpc
from shared.errors import parse_remote_error
from tests.security.conftest import CALLERS, KNOWN, FuzzSuite
from tests.support import fuzz

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("VANPHONG_FUZZ_EXAMPLES", "40"))
SERVICES = (IntakeService, TasksService, EvaluationService, NotifyService)
CASES = [pytest.param(method, id=method.id)
         for cls in SERVICES for method in fuzz.rpc_methods(cls)]

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example])


@functools.lru_cache(maxsize=None)
def strategy_for(method, callers=tuple(CALLERS)):
    """Built once per method, for both databases."""
    return fuzz.calls(method, callers, KNOWN)


def check_answer(suite, method, call):
    """Call `method` as `call` says; raise a `fuzz.Finding` of its kind if the answer is
    outside the error model or the service does not answer health() ok afterwards."""
    try:
        suite.call(method.service, method.name, call.token, *call.args, **call.kwargs)
        event("answer: result")
    except RemoteError as exc:
        code, message, fields = parse_remote_error(exc)
        event(f"answer: {code}")
        problems = fuzz.problems_of_error(code, message, fields, exc.exc_type,
                                          [call.args, call.kwargs])
        if problems:
            cause = suite.internal_log.causes.get(fuzz.reference_of(message))
            kind = cause.split(":")[0] if cause else ("leak" if code != "INTERNAL" else code)
            raise fuzz.finding(kind)(
                f"{method.id} answered {exc.exc_type} {code}: {message[:300]} {fields!r:.300}"
                f" — {'; '.join(problems)}" + (f" — the service logged {cause}" if cause else ""))
    except RpcTimeout:
        suite.forget(call.token)
        raise fuzz.finding("RpcTimeout")(f"{method.id} did not answer in time")
    health = suite.call(method.service, "health", "none")
    if health.get("status") != "ok":
        raise fuzz.finding("Unhealthy")(f"{method.service}.health() after {method.id}: {health}")


@pytest.mark.parametrize("method", CASES)
def test_every_rpc_answers_a_result_or_a_model_error_and_the_service_stays_healthy(
        fuzz_suite, method):
    @FUZZ_SETTINGS
    @given(call=strategy_for(method))
    def fuzz_one(call):
        check_answer(fuzz_suite, method, call)

    fuzz_one()


class Brittle:
    """An RPC that lets a TypeError or ZeroDivisionError out: what the fuzzing is for."""

    name = "brittle"

    @rpc
    def health(self):
        return {"status": "ok"}

    @rpc
    def share(self, total, parts):
        return {"each": total / parts}


def test_the_fuzzing_finds_an_rpc_that_answers_outside_the_error_model(container_factory,
                                                                      rabbit_config):
    config = {**rabbit_config, "serializer": "json"}
    container_factory(Brittle, config).start()
    (share,) = [m for m in fuzz.rpc_methods(Brittle) if m.name == "share"]
    with fuzz.watch_internal_errors() as internal_log:
        suite = FuzzSuite("none", {"brittle": config}, {"none": None}, internal_log)

        @settings(FUZZ_SETTINGS, phases=[Phase.generate], report_multiple_bugs=False)
        @given(call=strategy_for(share, ("none",)))
        def fuzz_share(call):
            check_answer(suite, share, call)

        try:
            with pytest.raises(fuzz.Finding, match=r"INTERNAL.*the service logged "
                                                   r"(TypeError|ZeroDivisionError)"):
                fuzz_share()
        finally:
            suite.close()
