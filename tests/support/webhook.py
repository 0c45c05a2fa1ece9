"""A real local HTTP(S) server that receives webhooks, for tests.

`webhook_server` listens on a free port of 127.0.0.1 (http.server, on green threads in the
eventlet-patched test process) and records every request: method, path, headers, raw body.
Set `.answers` to what the next requests get (then 200): a status code, e.g. ``[503, 503]``
for a receiver that recovers or ``[410]`` for one that refuses for good, or
``(307, {"Location": url})`` for a redirect.

Loopback is no place notify may post to unless the operator allow-lists it:
`server.allowance()` is the webhook channel settings that allow exactly this server.
`WebhookServer(tls=True)` serves https with a certificate for ``localhost`` and 127.0.0.1
(`.cafile` is the certificate to trust).
"""
import datetime
import ipaddress
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


def localhost_certificate(directory):
    """(cert path, key path) of a self-signed certificate for localhost and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = Path(directory) / "webhook-cert.pem", Path(directory) / "webhook-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class WebhookServer:
    def __init__(self, tls_directory=None):
        self.received = []
        self.answers = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server._lock:
                    answer = server.answers.pop(0) if server.answers else 200
                    server.received.append(Received(self.command, self.path, dict(self.headers),
                                                    body))
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_GET = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.scheme = "http"
        self.cafile = None
        if tls_directory is not None:
            self.cafile, keyfile = localhost_certificate(tls_directory)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cafile, keyfile)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path="/hook", host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def allowance(self, host="127.0.0.1"):
        """Webhook channel settings that let notify post to this server (and nowhere else
        private): what an operator writes for a receiver inside the office's network."""
        settings = {"allowed_targets": [f"{host}:{self.port}"]}
        if self.scheme == "http":
            settings["allow_http"] = True
        else:
            settings["cafile"] = str(self.cafile)
        return settings

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def webhook_server():
    server = WebhookServer().start()
    yield server
    server.stop()


@pytest.fixture
def internal_server():
    """A second receiver on 127.0.0.1 that nobody allow-listed: it stands for the office's
    internal services an attacker would like notify to post to."""
    server = WebhookServer().start()
    yield server
    server.stop()
