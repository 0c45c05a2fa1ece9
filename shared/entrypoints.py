"""The suite's RPC entrypoint: nameko's, with a payload size limit and our errors expected.

Errors from `shared.errors` are part of the contract (the caller gets them as RemoteError),
so nameko does not log them as crashes.  A request larger than ``MAX_PAYLOAD_BYTES`` (default
8 MiB) is refused before any worker runs.
"""
from nameko.rpc import Rpc

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
