"""The suite's RPC entrypoint: nameko's, guarded at the door and answering only in our errors.

Before any worker runs, a request is refused with ``VALIDATION_ERROR`` when it is larger than
``MAX_PAYLOAD_BYTES`` (default 8 MiB), names arguments the method does not take or misses one
it needs, or holds values no field can take (`shared.payload`).  A worker gets a time budget
(``RPC.budget_seconds``, default 60 s, or ``@rpc(budget=...)``; `shared.budget`).  Whatever a
worker raises that is not a `VanphongError` is logged in full and answered as ``INTERNAL`` with
a reference only: replies never carry SQL, parameters or a traceback.

Each service's request queue ``rpc-<service>`` is a quorum queue with a delivery limit: a
request whose worker killed the process (and so was never acked) is delivered again at most
``RPC.delivery_limit`` times, then parked in ``rpc-<service>.dlq`` where `vanphong queues`
shows it, instead of killing every replica in turn forever.

`timer(config_key, default)` is nameko's timer with its interval taken from config.
"""
import inspect
import logging
import uuid
from functools import cached_property, partial

from kombu import Connection, Queue
from nameko.exceptions import ContainerBeingKilled, MethodNotFound
from nameko.rpc import RPC_QUEUE_TEMPLATE, Rpc, RpcConsumer, get_rpc_exchange
from nameko.timer import Timer

from shared import budget, payload
from shared.config import amqp_uri
from shared.errors import Internal, InvalidInput, NotFound, VanphongError
from shared.events import dead_letter_exchange, dead_letter_queue

log = logging.getLogger(__name__)

DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024
DEFAULT_RPC_DELIVERY_LIMIT = 3


def rpc_settings(config):
    settings = config.get("RPC") or {}
    return (int(settings.get("delivery_limit", DEFAULT_RPC_DELIVERY_LIMIT)),
            float(settings.get("budget_seconds", budget.DEFAULT_BUDGET_SECONDS)))


def rpc_queue(config, service_name):
    """A service's request queue: quorum, with its poison requests routed to a dead letter."""
    delivery_limit, _ = rpc_settings(config)
    name = RPC_QUEUE_TEMPLATE.format(service_name)
    return Queue(name, exchange=get_rpc_exchange(config), routing_key=f"{service_name}.*",
                 durable=True, auto_delete=False, exclusive=False,
                 queue_arguments={"x-queue-type": "quorum",
                                  "x-delivery-limit": delivery_limit,
                                  "x-dead-letter-exchange": dead_letter_exchange().name,
                                  "x-dead-letter-routing-key": name})


def declare_rpc_queue(config, service_name):
    """Declare the request queue and its dead letters.  A classic queue of the same name left
    by an earlier release is replaced when it is empty (its arguments cannot change)."""
    queue = rpc_queue(config, service_name)
    with Connection(amqp_uri(config)) as connection:
        channel = connection.channel()
        dead_letter_exchange().declare(channel=channel)
        queue.exchange.declare(channel=channel)
        try:
            queue(channel).declare()
        except connection.channel_errors as exc:
            if getattr(exc, "code", None) != 406:
                raise
            log.warning("replacing the classic request queue %s by a quorum queue", queue.name)
            channel = connection.channel()
            try:
                channel.queue_delete(queue.name, if_empty=True)
            except connection.channel_errors:
                raise RuntimeError(
                    f"{queue.name} is a classic queue from an earlier release and still holds "
                    f"requests: let them drain (stop the callers) or delete it, then start again")
            queue(channel).declare()
        dead_letter_queue(queue.name)(channel).declare()
    return queue


class GuardedRpcConsumer(RpcConsumer):
    def setup(self):
        if self.queue is None:
            self.queue = declare_rpc_queue(self.container.config, self.container.service_name)
            self.queue_consumer.register_provider(self)
            self._registered = True

    def get_provider_for_method(self, routing_key):
        try:
            return super().get_provider_for_method(routing_key)
        except MethodNotFound:
            method = routing_key.split(".")[-1]
            raise NotFound(f"{self.container.service_name} has no method {method!r}",
                           {"method": [method]})

    def handle_result(self, message, result, exc_info):
        if exc_info is not None and not isinstance(exc_info[1], VanphongError):
            reference = uuid.uuid4().hex[:12]
            log.error("request %s failed (reference %s): %s: %s",
                      message.delivery_info.get("routing_key"), reference,
                      type(exc_info[1]).__name__, exc_info[1])
            error = Internal(f"the service could not complete the request (reference {reference})")
            exc_info = (Internal, error, None)
        return super().handle_result(message, result, exc_info)


class GuardedRpc(Rpc):
    rpc_consumer = GuardedRpcConsumer()

    def __init__(self, budget=None, **kwargs):
        kwargs.setdefault("expected_exceptions", VanphongError)
        self.budget_seconds = budget
        self._budgets = {}
        super().__init__(**kwargs)

    def setup(self):
        super().setup()
        budget.install_cpu_watchdog()

    @cached_property
    def _parameters(self):
        method = getattr(self.container.service_cls, self.method_name)
        return list(inspect.signature(method).parameters.values())[1:]   # without self

    def check_signature(self, args, kwargs):
        parameters = self._parameters
        names = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        takes_any = any(p.kind == p.VAR_KEYWORD for p in parameters)
        problems = {}
        if not takes_any:
            for name in sorted(set(kwargs) - names):
                problems[name] = [f"{self.method_name} takes no argument {name!r}"]
        positional = [p for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD]
        if len(args) > len(positional) and not any(p.kind == p.VAR_POSITIONAL for p in parameters):
            problems["_args"] = [f"{self.method_name} takes at most {len(positional)} arguments"]
        for p in positional[:len(args)]:
            if p.name in kwargs:
                problems[p.name] = ["given both by position and by name"]
        given = set(kwargs) | {p.name for p in positional[:len(args)]}
        for p in parameters:
            if (p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                    and p.name not in given):
                problems[p.name] = ["required"]
        if problems:
            raise InvalidInput(f"the call to {self.method_name} is not valid", problems)

    def handle_message(self, body, message):
        limit = int(self.container.config.get("MAX_PAYLOAD_BYTES", DEFAULT_MAX_PAYLOAD_BYTES))
        size = len(message.body or b"")
        if size > limit:
            raise InvalidInput("the request is too large",
                               {"payload": [f"{size} bytes; the limit is {limit} bytes"]})
        args, kwargs = body.get("args"), body.get("kwargs")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise InvalidInput("the request must carry 'args' (a list) and 'kwargs' (an object)",
                               {"_payload": ["malformed request"]})
        payload.check(args, kwargs)
        self.check_signature(args, kwargs)
        context_data = self.unpack_message_headers(message)
        try:
            worker_ctx = self.container.spawn_worker(
                self, args, kwargs, context_data=context_data,
                handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)
            return
        # the worker has not run yet: spawning does not switch to it
        self._budgets[worker_ctx] = budget.Budget(
            self.container._worker_threads.get(worker_ctx), self._budget_seconds(),
            f"{self.container.service_name}.{self.method_name}")

    def _budget_seconds(self):
        if self.budget_seconds is not None:
            return float(self.budget_seconds)
        return rpc_settings(self.container.config)[1]

    def handle_result(self, message, worker_ctx, result, exc_info):
        running = self._budgets.pop(worker_ctx, None)
        if running is not None:
            running.cancel()
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = GuardedRpc.decorator


class ConfiguredTimer(Timer):
    """nameko's timer with its interval read from config (``config_key``), not fixed in code."""

    def __init__(self, config_key, default, eager=False, **kwargs):
        self.config_key = config_key
        self.default_interval = default
        super().__init__(interval=default, eager=eager, **kwargs)

    def setup(self):
        super().setup()
        value = self.container.config.get(self.config_key, self.default_interval)
        try:
            self.interval = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"config {self.config_key} must be a number of seconds, not {value!r}")
        if self.interval <= 0:
            raise ValueError(f"config {self.config_key} must be positive, not {value!r}")


timer = ConfiguredTimer.decorator
