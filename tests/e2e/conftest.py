"""The suite as a user runs it: `vanphong up` starts each service as its own process.

Each e2e session gets its own RabbitMQ vhost and its own var/ directory (logs, pids, SQLite
databases), so it never touches a suite a developer has running.
"""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from shared.config import load_config

API = os.environ.get("RABBIT_MANAGEMENT_API", "http://127.0.0.1:15672")
GUEST = ("guest", "guest")
VANPHONG = [sys.executable, "-m", "shared.cli"]


class Suite:
    def __init__(self, var, env, vhost):
        self.var = var
        self.env = env
        self.vhost = vhost
        self.config = {**load_config(), "AMQP_URI": env["AMQP_URI"]}

    def cli(self, *args, timeout=120, check=False):
        result = subprocess.run([*VANPHONG, *args], env=self.env, capture_output=True,
                                text=True, timeout=timeout, cwd=self.var.parent)
        if check and result.returncode != 0:
            raise AssertionError(f"vanphong {' '.join(args)} exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def pid(self, service):
        return int((self.var / "run" / f"{service}.0.pid").read_text())

    def db_url(self, service):
        return f"sqlite:///{self.var / f'{service}.db'}"


@pytest.fixture(scope="session")
def suite(tmp_path_factory):
    vhost = f"vanphong-e2e-{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=5).raise_for_status()
    requests.put(f"{API}/api/permissions/{vhost}/guest", auth=GUEST, timeout=5,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    var = tmp_path_factory.mktemp("e2e") / "var"
    env = {**os.environ, "VANPHONG_VAR": str(var),
           "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}",
           "EVENT_DELIVERY_LIMIT": "3", "EVENT_RETRY_BACKOFF": "0.05",
           "OUTBOX_POLL_INTERVAL": "0.2", "COLUMNS": "250"}
    for service in ("intake", "tasks", "evaluation", "notify"):
        env[f"{service.upper()}_DB_URL"] = f"sqlite:///{var / f'{service}.db'}"
    suite = Suite(var, env, vhost)
    os.environ["AMQP_URI"] = env["AMQP_URI"]
    try:
        suite.cli("up", "--detach", timeout=180, check=True)
        yield suite
    finally:
        suite.cli("down", timeout=60)
        os.environ.pop("AMQP_URI", None)
        requests.delete(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=10)
        logs = var / "log"
        if logs.exists():
            for log in sorted(logs.glob("*.log")):
                errors = [line for line in log.read_text(errors="replace").splitlines()
                          if " ERROR " in line or "Traceback" in line]
                if errors:
                    print(f"\n--- {log.name}: {len(errors)} error lines, first: {errors[0]}")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)
