"""The suite's RPC entrypoint: nameko's, with a payload size limit and our errors expected.

Errors from `shared.errors` are part of the contract (the caller gets them as RemoteError),
so nameko does not log them as crashes.  A request larger than ``MAX_PAYLOAD_BYTES`` (default
8 MiB) is refused before any worker runs.  `timer(config_key, default)` is nameko's timer
with its interval taken from config, so an operator can tune it without a release.
"""
from nameko.rpc import Rpc
from nameko.timer import Timer

from shared.errors import InvalidInput, VanphongError

DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024


class GuardedRpc(Rpc):
    def __init__(self, **kwargs):
        kwargs.setdefault("expected_exceptions", VanphongError)
        super().__init__(**kwargs)

    def handle_message(self, body, message):
        limit = int(self.container.config.get("MAX_PAYLOAD_BYTES", DEFAULT_MAX_PAYLOAD_BYTES))
        size = len(message.body or b"")
        if size > limit:
            raise InvalidInput("the request is too large",
                               {"payload": [f"{size} bytes; the limit is {limit} bytes"]})
        super().handle_message(body, message)


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
