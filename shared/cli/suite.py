"""`vanphong up | down | status`: each service its own process, logs under var/log/."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from kombu import Connection
from nameko.exceptions import RpcTimeout, UnknownService
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from shared import topology
from shared.config import SERVICES, amqp_uri, load_config
from shared.rpc_client import suite_proxy

console = Console()
HEALTH_TIMEOUT = 3


def var_dir():
    return Path(os.environ.get("VANPHONG_VAR", "var")).resolve()


def pid_files(service):
    return sorted((var_dir() / "run").glob(f"{service}.*.pid"))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie of ours is not alive
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
        return status != "Z"
    except OSError:
        return True


def running_pids(service):
    pids = []
    for path in pid_files(service):
        try:
            pid = int(path.read_text().strip())
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            continue
        if alive(pid):
            pids.append(pid)
        else:
            path.unlink(missing_ok=True)
    return pids


def check_broker(config):
    uri = amqp_uri(config)
    try:
        with Connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        console.print(f"[bold red]RabbitMQ is not reachable at {uri}[/]: {exc}\n"
                      "Start it with `rabbitmq-server -detached` (Debian: `apt-get install "
                      "rabbitmq-server`) or `docker compose -f deploy/docker-compose.yml up -d "
                      "rabbitmq`.")
        sys.exit(1)


def start_process(service, index):
    log_dir, run_dir = var_dir() / "log", var_dir() / "run"
    log_dir.mkdir(parents=True, exist_ok=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    suffix = "" if index == 0 else f".{index}"
    log_file = open(log_dir / f"{service}{suffix}.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "shared.runner", service],
                               stdout=log_file, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    (run_dir / f"{service}.{index}.pid").write_text(str(process.pid))
    return process


def health_of(services, config, timeout=HEALTH_TIMEOUT):
    """service → health dict, or {"status": "down", "error": ...} when it does not answer."""
    results = {}
    with suite_proxy(config, timeout=timeout) as proxy:
        for service in services:
            try:
                results[service] = proxy[service].health()
            except RpcTimeout:
                results[service] = {"status": "down", "error": f"no answer in {timeout} s"}
            except UnknownService:
                results[service] = {"status": "down", "error": "never started on this broker"}
            except Exception as exc:
                results[service] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"}
    return results


def tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_healthy(services, config, processes, timeout):
    deadline = time.monotonic() + timeout
    healthy = set()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed}/{task.total} healthy"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("starting services", total=len(services))
        while time.monotonic() < deadline:
            for service, process in processes:
                if process.poll() is not None and service not in healthy:
                    progress.stop()
                    log = var_dir() / "log" / f"{service}.log"
                    console.print(f"[bold red]{service} exited with {process.returncode}[/]; "
                                  f"last lines of {log}:\n{tail(log)}")
                    return False
            waiting = [s for s in services if s not in healthy]
            for service, report in health_of(waiting, config, timeout=2).items():
                if report.get("status") == "ok":
                    healthy.add(service)
            progress.update(bar, completed=len(healthy))
            if len(healthy) == len(services):
                return True
            time.sleep(0.5)
    console.print(f"[bold red]not healthy after {timeout} s:[/] "
                  f"{', '.join(sorted(set(services) - healthy))}")
    return False


def stop_services(services, grace=20):
    stopping = []
    for service in services:
        for pid in running_pids(service):
            try:
                os.kill(pid, signal.SIGTERM)
                stopping.append((service, pid))
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    while stopping and time.monotonic() < deadline:
        stopping = [(s, pid) for s, pid in stopping if alive(pid)]
        time.sleep(0.2)
    for service, pid in stopping:
        console.print(f"[yellow]{service} (pid {pid}) did not stop in {grace} s: killing it[/]")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for service in services:
        for path in pid_files(service):
            path.unlink(missing_ok=True)


def services_option(function):
    return click.option("--service", "-s", "services", multiple=True,
                        type=click.Choice(SERVICES),
                        help="Only this service (repeatable); default: all four.")(function)


@click.command()
@services_option
@click.option("--detach", "-d", is_flag=True, help="Return once all services are healthy.")
@click.option("--replicas", type=click.IntRange(1, 8), default=1, show_default=True,
              help="Processes per service.")
@click.option("--timeout", type=float, default=90, show_default=True,
              help="Seconds to wait for health.")
def up(services, detach, replicas, timeout):
    """Start the services, each as its own process, and wait until they are healthy."""
    services = list(services or SERVICES)
    config = load_config()
    check_broker(config)
    topology.declare_suite(config)
    processes = []
    for service in services:
        already = len(running_pids(service))
        for index in range(already, replicas):
            processes.append((service, start_process(service, index)))
    if not wait_healthy(services, config, processes, timeout):
        sys.exit(1)
    show_status(services, config)
    console.print(f"logs: {var_dir() / 'log'}   stop: vanphong down")
    if detach:
        return
    console.print("running in the foreground; Ctrl-C stops the suite")
    try:
        while all(running_pids(service) for service in services):
            time.sleep(1)
        console.print("[bold red]a service stopped[/]")
    except KeyboardInterrupt:
        pass
    stop_services(services)
    sys.exit(1)


@click.command()
@services_option
def down(services):
    """Stop the services (SIGTERM, then SIGKILL after a grace period)."""
    services = list(services or SERVICES)
    stop_services(services)
    console.print("stopped: " + ", ".join(services))


def show_status(services, config):
    reports = health_of(services, config)
    table = Table(title="vanphong services")
    for column in ("service", "processes", "status", "version", "database", "outbox pending",
                   "note"):
        table.add_column(column)
    all_ok = True
    for service in services:
        report = reports[service]
        checks = report.get("checks", {})
        ok = report.get("status") == "ok"
        all_ok &= ok
        colour = "green" if ok else ("yellow" if report.get("status") == "degraded" else "red")
        database = checks.get("database", {})
        table.add_row(service, str(len(running_pids(service))),
                      f"[{colour}]{report.get('status')}[/]", report.get("version", "-"),
                      database.get("dialect", database.get("status", "-")),
                      str(checks.get("outbox", {}).get("pending", "-")),
                      report.get("error") or database.get("error") or
                      (checks.get("relay") or {}).get("last_error") or "")
    console.print(table)
    return all_ok


@click.command()
@services_option
def status(services):
    """Health of each service; exit status 0 only when all are healthy."""
    services = list(services or SERVICES)
    if not show_status(services, load_config()):
        sys.exit(1)
