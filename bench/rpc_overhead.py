"""RPC overhead: a raw nameko echo service and the suite's `health()` in the same run.

Both services run in one server process (started by this script) on a throwaway vhost; the
client calls each one at a time and then with N calls in flight (`call_async`), and prints
calls/s, p50 and p99 latency for each and the ratio health/echo.  Figures are printed, never
asserted: STACK.md's floor on these machines is about 208 echo calls/s one at a time.

    .venv/bin/python bench/rpc_overhead.py [--calls 1000] [--in-flight 10]
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402
from nameko.rpc import rpc as nameko_rpc  # noqa: E402

API = os.environ.get("RABBIT_MANAGEMENT_API", "http://127.0.0.1:15672")
GUEST = ("guest", "guest")


class EchoService:
    name = "echo"

    @nameko_rpc
    def echo(self, value=None):
        return value


def serve(amqp_uri, db_url):
    from nameko.cli.run import run

    from services.intake.service import IntakeService
    from shared import migrations
    from shared.config import load_config

    migrations.upgrade(IntakeService, db_url)
    config = {**load_config("intake"), "AMQP_URI": amqp_uri, "DB_URL": db_url}
    run([EchoService, IntakeService], config)


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(method, calls, in_flight):
    """(calls/s, p50 ms, p99 ms) for `calls` calls with `in_flight` outstanding at a time."""
    latencies = []
    started = time.perf_counter()
    done = 0
    while done < calls:
        batch = min(in_flight, calls - done)
        sent = [(time.perf_counter(), method.call_async()) for _ in range(batch)]
        for sent_at, reply in sent:
            reply.result()
            latencies.append((time.perf_counter() - sent_at) * 1000)
        done += batch
    elapsed = time.perf_counter() - started
    return calls / elapsed, statistics.median(latencies), percentile(latencies, 0.99)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--serve", nargs=2, metavar=("AMQP_URI", "DB_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(*args.serve)

    from shared.config import load_config
    from shared.rpc_client import suite_proxy

    logging.getLogger("amqp").setLevel(logging.ERROR)

    vhost = f"vanphong-bench-{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=5).raise_for_status()
    requests.put(f"{API}/api/permissions/{vhost}/guest", auth=GUEST, timeout=5,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    amqp_uri = f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    workdir = tempfile.mkdtemp(prefix="vanphong-bench-")
    server = subprocess.Popen([sys.executable, __file__, "--serve", amqp_uri,
                               f"sqlite:///{workdir}/intake.db"], stdout=subprocess.DEVNULL)
    try:
        config = {**load_config(), "AMQP_URI": amqp_uri}
        with suite_proxy(config, timeout=30) as proxy:
            deadline = time.monotonic() + 60
            while True:
                try:
                    proxy.intake.health()
                    proxy.echo.echo()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            targets = {"nameko echo": proxy.echo.echo, "suite health()": proxy.intake.health}
            for method in targets.values():  # warm up both
                measure(method, 50, 1)
            print(f"RPC through RabbitMQ, {args.calls} calls each, one server process, "
                  f"{os.cpu_count()} cores")
            print(f"{'target':<16} {'mode':<12} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
            results = {}
            for mode, in_flight in (("sequential", 1), (f"{args.in_flight} in flight",
                                                        args.in_flight)):
                for name, method in targets.items():
                    rate, p50, p99 = measure(method, args.calls, in_flight)
                    results[(name, mode)] = rate
                    print(f"{name:<16} {mode:<12} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f}")
                ratio = results[("suite health()", mode)] / results[("nameko echo", mode)]
                print(f"{'ratio':<16} {mode:<12} {ratio:>9.2f}  (health calls/s ÷ echo calls/s)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        requests.delete(f"{API}/api/vhosts/{vhost}", auth=GUEST, timeout=10)


if __name__ == "__main__":
    main()
