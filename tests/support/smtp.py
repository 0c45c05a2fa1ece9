"""A real SMTP server for tests: aiosmtpd in its own process, mail kept as files.

aiosmtpd runs on asyncio, which does not mix with the eventlet-patched test process, so the
server is a child process (``python -m tests.support.smtp``) that stores every message it
accepts as ``<spool>/<n>.eml`` plus ``<n>.json`` (envelope sender and recipients).  It can
be stopped and started again on the same port (the outage test), speak STARTTLS with a
self-signed certificate, and refuse chosen recipients with a permanent 550.

Fixtures: `smtp_server` (plain) and `smtp_tls_server` (STARTTLS required; `.cafile` is the
certificate to trust).  Both are stopped at the end of the test.
"""
import argparse
import datetime
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def self_signed_certificate(directory):
    """(cert path, key path) of a certificate for 127.0.0.1, made with `cryptography`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = Path(directory) / "smtp-cert.pem", Path(directory) / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class SmtpServer:
    """Controls the child process; reads what it received."""

    def __init__(self, spool, port=None, tls=False, refuse=()):
        self.spool = Path(spool)
        self.spool.mkdir(parents=True, exist_ok=True)
        self.host, self.port = HOST, port or free_port()
        self.refuse = list(refuse)
        self.cafile = self.keyfile = None
        if tls:
            self.cafile, self.keyfile = self_signed_certificate(self.spool.parent)
        self.process = None

    def settings(self, **extra):
        """The email channel settings that reach this server."""
        settings = {"host": self.host, "port": self.port, "timeout": 5,
                    "sender": "Văn phòng Đoàn ĐBQH và HĐND tỉnh <vanphong@dongthap.gov.vn>"}
        if self.cafile:
            settings.update(security="starttls", cafile=str(self.cafile))
        settings.update(extra)
        return settings

    def start(self, timeout=20):
        command = [sys.executable, "-m", "tests.support.smtp", "--port", str(self.port),
                   "--spool", str(self.spool)]
        if self.cafile:
            command += ["--cert", str(self.cafile), "--key", str(self.keyfile)]
        for address in self.refuse:
            command += ["--refuse", address]
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the SMTP server exited: "
                                   + self.process.stderr.read().decode(errors="replace"))
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(3) == b"220":
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the SMTP server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def messages(self):
        """[(envelope dict, email.message.EmailMessage)] in the order received."""
        received = []
        for meta in sorted(self.spool.glob("*.json"), key=lambda p: int(p.stem)):
            raw = meta.with_suffix(".eml").read_bytes().replace(b"\r\n", b"\n")
            received.append((json.loads(meta.read_text()),
                             message_from_bytes(raw, policy=policy.default)))
        return received


@pytest.fixture
def smtp_server(tmp_path):
    server = SmtpServer(tmp_path / "smtp-spool").start()
    yield server
    server.stop()


@pytest.fixture
def smtp_tls_server(tmp_path):
    server = SmtpServer(tmp_path / "smtp-tls-spool", tls=True).start()
    yield server
    server.stop()


# -- the server process ---------------------------------------------------------------------

class SpoolHandler:
    def __init__(self, spool, refuse):
        self.spool = Path(spool)
        self.refuse = set(refuse)
        self.count = len(list(self.spool.glob("*.json")))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.spool / str(self.count)
        path.with_suffix(".eml").write_bytes(envelope.original_content or envelope.content)
        path.with_suffix(".json").write_text(json.dumps({
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None}))
        return "250 Message accepted for delivery"


def main():
    import ssl
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--refuse", action="append", default=[])
    args = parser.parse_args()
    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        options = {"tls_context": context, "require_starttls": True}
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(SpoolHandler(args.spool, args.refuse), hostname=HOST, port=args.port,
                            decode_data=False, **options)
    controller.start()
    signal.sigwait([signal.SIGTERM, signal.SIGINT])
    controller.stop()


if __name__ == "__main__":
    main()
