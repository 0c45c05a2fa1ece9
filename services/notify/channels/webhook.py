"""The webhook channel: a JSON POST signed with HMAC-SHA256 of the body.

Headers: ``X-Vanphong-Signature: sha256=<hex>`` (key: ``NOTIFY.channels.webhook.secret``, or
the office's own), ``Idempotency-Key`` (the same on every retry), ``X-Vanphong-Office``.  A
receiver recomputes the HMAC of the raw body and compares in constant time.  2xx is success;
408, 425, 429 and 5xx are retried; any other answer, a redirect included, is final.

Where it may post is `targets.TargetPolicy` (settings ``allow_http``, ``allowed_targets``):
checked when a person saves the URL and again before every POST; a refused target is a
permanent failure, so the notice fails over to the person's next channel.
"""
import hashlib
import hmac
import json

from urllib3.exceptions import HTTPError as Urllib3Error

from services.notify.channels.base import Channel, PermanentFailure, TransientFailure
from services.notify.channels.targets import TargetPolicy, TargetRefused, Unresolvable, post
from shared.timeutil import now_local

SIGNATURE_HEADER = "X-Vanphong-Signature"
RETRYABLE_STATUS = {408, 425, 429}


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret, body, header):
    return hmac.compare_digest(sign(secret, body), header or "")


def payload(message):
    return {"id": message.message_key, "office": message.office, "recipient": message.recipient,
            "category": message.category, "title": message.title, "body": message.body,
            "urgent": message.urgent, "sent_at": now_local().isoformat()}


class WebhookChannel(Channel):
    name = "webhook"

    def __init__(self, settings):
        super().__init__(settings)
        self.targets = TargetPolicy.from_settings(self.settings)

    def available(self):
        return bool(self.settings.get("secret"))

    def address_for(self, person, addresses):
        return addresses.get("webhook") or self.settings.get("url")

    def validate_address(self, address):
        return self.targets.problem(address)

    def send(self, message):
        if not message.address:
            raise PermanentFailure("no webhook URL for this recipient")
        try:
            target = self.targets.check(message.address)
        except TargetRefused as exc:
            raise PermanentFailure(f"webhook target refused: {exc}") from exc
        except Unresolvable as exc:
            raise TransientFailure(str(exc)) from exc
        body = json.dumps(payload(message), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: sign(self.settings["secret"], body),
                   "Idempotency-Key": message.message_key,
                   "X-Vanphong-Office": message.office,
                   "User-Agent": "vanphong-notify"}
        try:
            answer = post(target, body, headers, float(self.settings.get("timeout") or 10),
                          cafile=self.settings.get("cafile"))
        except (Urllib3Error, OSError) as exc:
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
        if 200 <= answer.status < 300:
            return
        if 300 <= answer.status < 400:
            raise PermanentFailure(f"HTTP {answer.status}: redirects are not followed "
                                   f"(Location: {(answer.location or '')[:200]})")
        detail = f"HTTP {answer.status}: {answer.text}"
        if answer.status >= 500 or answer.status in RETRYABLE_STATUS:
            raise TransientFailure(detail)
        raise PermanentFailure(detail)
