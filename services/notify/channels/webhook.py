"""The webhook channel: a JSON POST signed with HMAC-SHA256 of the body.

Headers: ``X-Vanphong-Signature: sha256=<hex>`` (key: ``NOTIFY.channels.webhook.secret``, or
the office's own), ``Idempotency-Key`` (the same on every retry), ``X-Vanphong-Office``.  A
receiver recomputes the HMAC of the raw body and compares in constant time.  2xx is success;
408, 429 and 5xx are retried; any other answer is final.
"""
import hashlib
import hmac
import json
from urllib.parse import urlparse

import requests

from services.notify.channels.base import Channel, PermanentFailure, TransientFailure
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

    def available(self):
        return bool(self.settings.get("secret"))

    def address_for(self, person, addresses):
        return addresses.get("webhook") or self.settings.get("url")

    def validate_address(self, address):
        parsed = urlparse(address if isinstance(address, str) else "")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return "an http:// or https:// URL"
        return None

    def send(self, message):
        if not message.address:
            raise PermanentFailure("no webhook URL for this recipient")
        body = json.dumps(payload(message), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: sign(self.settings["secret"], body),
                   "Idempotency-Key": message.message_key,
                   "X-Vanphong-Office": message.office,
                   "User-Agent": "vanphong-notify"}
        try:
            response = requests.post(message.address, data=body, headers=headers,
                                     timeout=float(self.settings.get("timeout") or 10))
        except requests.RequestException as exc:
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
        if 200 <= response.status_code < 300:
            return
        detail = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code >= 500 or response.status_code in RETRYABLE_STATUS:
            raise TransientFailure(detail)
        raise PermanentFailure(detail)
