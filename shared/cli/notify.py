"""`vanphong notify …`: read the inbox, set one's preferences, watch the delivery log.

Each command calls the notify service with a token: ``--token`` (or VANPHONG_TOKEN), or
``--user X`` to mint a development token for X with the configured secret, the way
`vanphong token` does (``--office``, ``--roles``).
"""
import sys
from datetime import datetime, timezone

import click
from rich.console import Console
from rich.table import Table

from shared.auth import mint_token
from shared.cli.calls import call_or_exit
from shared.config import load_config, offices
from shared.errors import VanphongError
from shared.timeutil import TIMEZONE

console = Console()
err = Console(stderr=True)


def identity_options(default_roles):
    def decorate(command):
        for option in reversed([
            click.option("--token", envvar="VANPHONG_TOKEN", help="JWT (or VANPHONG_TOKEN)."),
            click.option("--user", help="Staff id: mint a development token for this person."),
            click.option("--office", envvar="VANPHONG_OFFICE",
                         help="Office of --user (default: the first configured office)."),
            click.option("--roles", default=default_roles, show_default=True,
                         help="Roles of --user, comma-separated."),
        ]):
            command = option(command)
        return command
    return decorate


def token_for(config, token, user, office, roles):
    if token:
        return token
    if not user:
        raise click.UsageError("give --user STAFF_ID (development token) or --token JWT")
    office = office or next(iter(offices(config)), None)
    try:
        return mint_token(config, user, office, [r.strip() for r in roles.split(",") if r.strip()])
    except VanphongError as exc:
        err.print(f"[bold red]{exc.code}[/]: {exc.message} {exc.fields}")
        sys.exit(2)


def notify_call(method, kwargs, identity):
    config = load_config()
    return call_or_exit("notify", method, kwargs, token_for(config, *identity), config=config)


def when(value):
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # the service stores UTC (SQLite hands it back without a zone)
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


@click.group()
def notify():
    """Thông báo: hộp thư, tuỳ chọn nhận, nhật ký gửi."""


@notify.command()
@click.option("--unread", is_flag=True, help="Only unread notices.")
@click.option("--limit", type=int, default=20, show_default=True)
@identity_options("staff")
def inbox(unread, limit, token, user, office, roles):
    """Show a person's inbox (newest and urgent first)."""
    result = notify_call("inbox", {"unread_only": unread, "limit": limit},
                         (token, user, office, roles))
    table = Table(title=f"HỘP THƯ THÔNG BÁO — {result['unread']} chưa đọc", show_lines=True)
    for heading in ("Số", "Thời gian", "Tiêu đề", "Nội dung", "Đã đọc"):
        table.add_column(heading, overflow="fold")
    for item in result["items"]:
        title = f"[bold red]{item['title']}[/]" if item["urgent"] else item["title"]
        table.add_row(str(item["id"]), when(item["created_at"]), title, item["body"],
                      "✓" if item["read_at"] else "")
    console.print(table)


@notify.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Mark every unread notice read.")
@identity_options("staff")
def read(ids, everything, token, user, office, roles):
    """Mark notices read (by number, or --all)."""
    result = notify_call("mark_read", {"ids": list(ids) or None, "all": everything},
                         (token, user, office, roles))
    console.print(f"Đã đánh dấu đã đọc: {result['marked']}; còn {result['unread']} chưa đọc.")


def parse_channels(values):
    chosen = {}
    for value in values:
        category, sep, names = value.partition("=")
        if not sep or not category:
            raise click.BadParameter(f"write CATEGORY=channel,channel, not {value!r}",
                                     param_hint="--channel")
        chosen[category.strip()] = [n.strip() for n in names.split(",") if n.strip()]
    return chosen


@notify.command()
@click.option("--channel", "channels", multiple=True, metavar="CATEGORY=CH,CH",
              help="Channels for a category (document, task, deadline, escalation, evaluation, "
                   "digest, general, or * for the rest), e.g. deadline=inbox,email.")
@click.option("--quiet-hours", metavar="HH:MM-HH:MM", help="Hold email/webhook in this window.")
@click.option("--no-quiet-hours", is_flag=True, help="Turn quiet hours off.")
@click.option("--digest-at", metavar="HH:MM", help="Daily digest time (working days).")
@click.option("--no-digest", is_flag=True, help="Turn the daily digest off.")
@click.option("--email", help="Email address (default: the one in the organisation).")
@click.option("--webhook", help="Webhook URL for the webhook channel.")
@click.option("--fallback", metavar="CH,CH", help="Where notices go when a channel gives up.")
@identity_options("staff")
def prefs(channels, quiet_hours, no_quiet_hours, digest_at, no_digest, email, webhook, fallback,
          token, user, office, roles):
    """Show, or change, a person's notification preferences."""
    change = {}
    if channels:
        change["channels"] = parse_channels(channels)
    if quiet_hours:
        start, sep, end = quiet_hours.partition("-")
        if not sep:
            raise click.BadParameter("write HH:MM-HH:MM, e.g. 21:00-06:30",
                                     param_hint="--quiet-hours")
        change["quiet_hours"] = {"start": start.strip(), "end": end.strip()}
    if no_quiet_hours:
        change["quiet_hours"] = None
    if digest_at:
        change["digest_time"] = digest_at
    if no_digest:
        change["digest_time"] = None
    addresses = {k: v for k, v in (("email", email), ("webhook", webhook)) if v}
    if addresses:
        change["addresses"] = addresses
    if fallback:
        change["fallback"] = [n.strip() for n in fallback.split(",") if n.strip()]
    identity = (token, user, office, roles)
    result = (notify_call("set_preferences", {"preferences": change}, identity) if change
              else notify_call("get_preferences", {}, identity))
    effective = result["effective"]
    table = Table(title=f"TUỲ CHỌN NHẬN THÔNG BÁO — {result['staff_id']}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for category, names in sorted(effective["channels"].items()):
        label = "mọi loại khác" if category == "*" else category
        table.add_row(f"Kênh: {label}", ", ".join(names))
    quiet = effective["quiet_hours"]
    table.add_row("Giờ yên tĩnh", f"{quiet['start']}–{quiet['end']}" if quiet else "không")
    table.add_row("Bản tổng hợp hằng ngày", effective["digest_time"] or "không")
    table.add_row("Kênh dự phòng", ", ".join(effective["fallback"]) or "không")
    for channel, address in sorted(effective["addresses"].items()):
        table.add_row(f"Địa chỉ {channel}", address)
    table.add_row("Kênh đã cài", ", ".join(result["channels"]))
    console.print(table)


@notify.command()
@click.option("--failed", is_flag=True, help="Only dead letters and failed-over deliveries.")
@click.option("--recipient", help="Only this person's deliveries.")
@click.option("--channel", help="Only this channel.")
@click.option("--limit", type=int, default=30, show_default=True)
@identity_options("clerk")
def deliveries(failed, recipient, channel, limit, token, user, office, roles):
    """The delivery log: each delivery, its attempts and last error."""
    result = notify_call("deliveries", {"failed": failed, "recipient": recipient,
                                        "channel": channel, "limit": limit},
                         (token, user, office, roles))
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(result["counts"].items())) or "trống"
    table = Table(title=f"NHẬT KÝ GỬI THÔNG BÁO ({counts})", show_lines=True)
    for heading in ("Số", "Người nhận", "Kênh", "Trạng thái", "Lần gửi", "Tiêu đề", "Lỗi gần nhất",
                    "Lần thử tiếp"):
        table.add_column(heading, overflow="fold")
    for item in result["items"]:
        status = item["status"]
        style = {"dead": "bold red", "failed_over": "yellow", "sent": "green"}.get(status, "")
        table.add_row(str(item["id"]), item["recipient"], item["channel"],
                      f"[{style}]{status}[/]" if style else status, str(item["attempts"]),
                      item["title"], item["last_error"] or "",
                      when(item["next_attempt_at"]) if status == "pending" else "")
    console.print(table)
    if failed and result["items"]:
        sys.exit(1)  # for alerting: dead letters exist


@notify.command()
@click.argument("ids", nargs=-1, type=int)
@identity_options("clerk")
def retry(ids, token, user, office, roles):
    """Send dead-lettered deliveries again (all of them, or the given numbers)."""
    result = notify_call("retry_failed", {"ids": list(ids) or None}, (token, user, office, roles))
    console.print(f"Đã đưa lại vào hàng đợi: {result['requeued']}.")
