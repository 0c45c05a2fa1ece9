"""A small client for the RabbitMQ management HTTP API.

The AMQP protocol cannot list queues or read their depth without touching them; the
management plugin can, so the operator's views (`vanphong queues`) read from it.  Every
failure to reach it, or an error answer, becomes `Unavailable`, which the CLI maps to exit
status 2 rather than a traceback.
"""
from urllib.parse import quote, unquote, urlsplit

import requests

from shared.config import amqp_uri
from shared.errors import Unavailable

ENABLE_HINT = "enable it on the broker with `rabbitmq-plugins enable rabbitmq_management`"


def vhost_from_uri(uri):
    """The vhost an AMQP URI names: an empty path or "/" is the default vhost "/"."""
    path = urlsplit(uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


class BrokerAdmin:
    def __init__(self, api_url="http://127.0.0.1:15672", user="guest", password="guest",
                 vhost="/", timeout=5.0):
        self.api_url = api_url.rstrip("/")
        self.vhost = vhost
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (user, password)

    @classmethod
    def from_config(cls, config):
        """Credentials, host and vhost from `AMQP_URI`; the API URL from `MANAGEMENT_API`
        or, by default, the AMQP host on the management plugin's port 15672."""
        parts = urlsplit(amqp_uri(config))
        host = parts.hostname or "127.0.0.1"
        api_url = config.get("MANAGEMENT_API") or f"http://{host}:15672"
        return cls(api_url, unquote(parts.username or "guest"),
                   unquote(parts.password or "guest"), vhost_from_uri(amqp_uri(config)))

    def _path(self, *parts):
        return "/api/" + "/".join(quote(part, safe="") for part in parts)

    def _request(self, method, path, **kwargs):
        url = self.api_url + path
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(f"RabbitMQ management API at {self.api_url} is unreachable; "
                              f"check the broker is up and {ENABLE_HINT}",
                              {"url": url, "error": str(exc)}) from exc
        if response.status_code >= 400:
            if response.status_code in (401, 403):
                reason = "refused the credentials of AMQP_URI"
            elif response.status_code == 404:
                reason = f"has no such object (vhost {self.vhost!r} or queue missing)"
            else:
                reason = f"answered HTTP {response.status_code}"
            raise Unavailable(f"RabbitMQ management API at {self.api_url} {reason}",
                              {"url": url, "status": response.status_code,
                               "body": response.text[:500]})
        return response.json() if response.content else None

    def queues(self):
        """Every queue of the vhost, as the API describes it (depths, consumers, rates)."""
        return self._request("GET", self._path("queues", self.vhost))

    def queue(self, name):
        return self._request("GET", self._path("queues", self.vhost, name))

    def purge(self, name):
        self._request("DELETE", self._path("queues", self.vhost, name, "contents"))

    def get_messages(self, name, count, requeue=True):
        """Read up to `count` messages; with `requeue=False` they are removed from the queue."""
        body = {"count": count, "encoding": "auto",
                "ackmode": "ack_requeue_true" if requeue else "ack_requeue_false"}
        return self._request("POST", self._path("queues", self.vhost, name, "get"), json=body)
