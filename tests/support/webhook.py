"""A real local HTTP server that receives webhooks, for tests.

`webhook_server` listens on a free port of 127.0.0.1 (http.server, on green threads in the
eventlet-patched test process) and records every request: path, headers, raw body.  Set
`.answers` to a list of status codes to answer the next requests with (then 200), e.g.
``[503, 503]`` for a receiver that recovers, or ``[410]`` for one that refuses for good.
"""
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class WebhookServer:
    def __init__(self):
        self.received = []
        self.answers = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server._lock:
                    status = server.answers.pop(0) if server.answers else 200
                    server.received.append(Received(self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

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
