"""Calling the suite from outside nameko (CLI, tests, bench, other programs).

A thin layer over nameko's standalone ClusterRpcProxy that adds the caller's token, a
timeout, and a message expiry equal to the timeout: a request nobody took in time is dropped
by the broker instead of running later, after its caller has given up.
"""
from contextlib import contextmanager

from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

from shared.auth import CONTEXT_KEY

DEFAULT_TIMEOUT = 10


class _ExpiringClusterProxy(ClusterProxy):
    def __init__(self, worker_ctx, reply_listener, **publisher_options):
        super().__init__(worker_ctx, reply_listener)
        self._publisher_options = publisher_options

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._proxies:
            self._proxies[name] = ServiceProxy(self._worker_ctx, name, self._reply_listener,
                                               **self._publisher_options)
        return self._proxies[name]


class SuiteRpcProxy(ClusterRpcProxy):
    def __init__(self, config, token=None, timeout=None):
        timeout = float(timeout or config.get("RPC_TIMEOUT") or DEFAULT_TIMEOUT)
        context = {CONTEXT_KEY: f"Bearer {token}"} if token else {}
        super().__init__(config, context_data=context, timeout=timeout)
        self._proxy = _ExpiringClusterProxy(self._worker_ctx, self._reply_listener,
                                            expiration=timeout)


@contextmanager
def suite_proxy(config, token=None, timeout=None):
    with SuiteRpcProxy(config, token=token, timeout=timeout) as proxy:
        yield proxy


def call(config, service, method, kwargs=None, token=None, timeout=None):
    with suite_proxy(config, token=token, timeout=timeout) as proxy:
        return getattr(proxy[service], method)(**(kwargs or {}))
