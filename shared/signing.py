"""Events carry their producer's signature: HMAC-SHA256 over the envelope, one key per deployment.

Anyone who can publish to RabbitMQ could otherwise put a `document_received` for any office in
front of the leaders, or make intake copy a secret document into another office's register.
The relay signs each envelope as it publishes it (``EVENTS.signing_key``); every consumer
verifies before its handler runs and parks what fails in the dead letters with the reason.
``EVENTS.previous_signing_keys`` are still accepted while a new key is rolled out.
"""
import hashlib
import hmac
import json

SIGNATURE_FIELD = "signature"
SCHEME = "hmac-sha256"


class MissingSigningKey(RuntimeError):
    pass


def signing_keys(config):
    """(the key to sign with, every key a signature may be checked with)."""
    settings = config.get("EVENTS") or {}
    key = settings.get("signing_key")
    if not key or not isinstance(key, str):
        raise MissingSigningKey("EVENTS.signing_key is not set: every service of a deployment "
                                "needs the same secret to sign and check events")
    previous = [k for k in settings.get("previous_signing_keys") or [] if k]
    return key, [key, *previous]


def _canonical(envelope):
    unsigned = {k: v for k, v in envelope.items() if k != SIGNATURE_FIELD}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _mac(key, envelope):
    return hmac.new(key.encode("utf-8"), _canonical(envelope), hashlib.sha256).hexdigest()


def sign(envelope, key):
    """The envelope with its signature (a new dict)."""
    return {**envelope, SIGNATURE_FIELD: f"{SCHEME}={_mac(key, envelope)}"}


def problem(envelope, keys):
    """Why the envelope's signature is not acceptable, or None when one of `keys` made it."""
    given = envelope.get(SIGNATURE_FIELD) if isinstance(envelope, dict) else None
    if not given:
        return "the event is not signed"
    scheme, _, digest = str(given).partition("=")
    if scheme != SCHEME:
        return f"unknown signature scheme {scheme!r}"
    if any(hmac.compare_digest(digest, _mac(key, envelope)) for key in keys):
        return None
    return "the signature does not match the envelope"
