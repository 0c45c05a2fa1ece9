"""`vanphong queues`: the operator's view of the suite's queues.

The exit status drives alerts: 0 when no warning fired, 1 when one did, 2 when the
management API cannot be read.  Under ``--watch`` the status reflects the last sample (the
state when the watch stopped), and growth is measured against the sample before it.  The
management API refreshes its numbers about every 5 s, so intervals below that often
compare a sample with an unchanged copy of itself.
"""
import json
import time

import click
from rich.console import Console
from rich.live import Live

from shared.broker_admin import BrokerAdmin
from shared.broker_permissions import rabbitmqctl_commands
from shared.config import load_config
from shared.errors import Unavailable
from shared.queue_report import build_report, render

OK, WARNINGS, UNAVAILABLE = 0, 1, 2


def _title(admin):
    return f"Queues on vhost {admin.vhost!r} at {time.strftime('%H:%M:%S')}"


def _watch(admin, include_all, as_json, interval, count, console):
    """Sample until Ctrl-C or `count` samples; return the last report."""
    previous = report = None
    taken = 0
    live = None if as_json else Live(console=console, auto_refresh=False)
    try:
        if live:
            live.start()
        while True:
            sample = admin.queues()
            report = build_report(sample, previous, include_all)
            previous, taken = sample, taken + 1
            if live:
                live.update(render(report, _title(admin)), refresh=True)
            else:
                click.echo(json.dumps(report, ensure_ascii=False))
            if count is not None and taken >= count:
                return report
            time.sleep(interval)
    except KeyboardInterrupt:
        return report
    finally:
        if live:
            live.stop()
            if not console.is_terminal:
                console.line()  # rich ends the final frame with a newline only on terminals


@click.command("queues")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--watch", is_flag=True, help="Refresh until Ctrl-C (JSON: one line a sample).")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between refreshes under --watch.")
@click.option("--count", type=click.IntRange(min=1), default=None,
              help="Stop --watch after this many refreshes.")
@click.option("--all", "include_all", is_flag=True, help="Also list queues outside the suite.")
@click.pass_context
def queues(ctx, as_json, watch, interval, count, include_all):
    """Depth, consumers and rates of the suite's queues, with warnings.

    Exit status: 0 no warning, 1 some warning, 2 management API unreachable.
    """
    console = Console()
    try:
        admin = BrokerAdmin.from_config(load_config())
        if watch:
            report = _watch(admin, include_all, as_json, interval, count, console)
        else:
            report = build_report(admin.queues(), include_all=include_all)
            if as_json:
                click.echo(json.dumps(report, ensure_ascii=False, indent=2))
            else:
                console.print(render(report, _title(admin)))
    except Unavailable as exc:
        click.echo(exc.message, err=True)
        ctx.exit(UNAVAILABLE)
    ctx.exit(WARNINGS if report and report["warnings"] else OK)


@click.command("broker-permissions")
@click.option("--vhost", default="vanphong", show_default=True, help="the suite's vhost")
def broker_permissions(vhost):
    """Print the rabbitmqctl commands that give each service and each caller only its rights."""
    for line in rabbitmqctl_commands(vhost):
        click.echo(line)
