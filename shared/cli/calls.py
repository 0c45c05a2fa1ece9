"""`vanphong rpc` and `vanphong token`, and what every command that calls a service shares:
`call_or_exit` (the answer, or the error on stderr and exit status 1) and
`show_table_or_file` (a register or report on screen, or written as CSV/XLSX)."""
import base64
import json
import sys
from pathlib import Path

import click
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from rich.console import Console
from rich.table import Table

from shared.auth import mint_token
from shared.config import load_config
from shared.errors import VanphongError, parse_remote_error
from shared.rpc_client import call

err = Console(stderr=True)
out = Console()


def call_or_exit(service, method, kwargs, token=None, timeout=None, config=None):
    """The service's answer; on an error, its code, message and fields on stderr, exit 1."""
    try:
        return call(config or load_config(), service, method, kwargs, token=token,
                    timeout=timeout)
    except RemoteError as exc:
        code, message, fields = parse_remote_error(exc)
        err.print(f"[bold red]{code}[/]: {message}")
        for field, problems in (fields or {}).items():
            err.print(f"  {field}: {problems}")
        if code == "UNAUTHORIZED" and not token:
            err.print("  Cần token: thêm --token hoặc đặt biến VANPHONG_TOKEN "
                      "(tạo bằng `vanphong token --office … --sub … --roles …`)")
    except RpcTimeout as exc:
        err.print(f"[bold red]TIMEOUT[/]: {service} did not answer {method} within {exc} s "
                  f"(is it running? try `vanphong status`)")
    except UnknownService:
        err.print(f"[bold red]UNKNOWN_SERVICE[/]: no service {service!r} has ever started on "
                  f"this broker (try `vanphong up`)")
    sys.exit(1)


def show_table_or_file(answer, fmt, output=None, title=None):
    """A table answer ({title, headings, rows}) on screen, or its CSV/XLSX file written."""
    if fmt == "table":
        table = Table(title=title or answer.get("title"), show_lines=True)
        for heading in answer["headings"]:
            table.add_column(heading, overflow="fold")
        for row in answer["rows"]:
            table.add_row(*("" if cell is None else str(cell) for cell in row))
        out.print(table)
        return
    data = base64.b64decode(answer["data"])
    if fmt == "csv" and not output:          # a table for a pipe: `... --format csv | less`
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output or answer["file_name"])
    path.write_bytes(data)
    out.print(f"Đã ghi {path} ({answer['rows']} dòng)")


def read_payload(text):
    """The JSON object given inline or as @file; exits 2 naming the problem when it is not one."""
    source = "the argument"
    if text.startswith("@"):
        source = text[1:]
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot read {source}: {exc.strerror}", param_hint="PAYLOAD")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            param_hint="PAYLOAD")
    if not isinstance(payload, dict):
        raise click.BadParameter("the payload must be a JSON object of keyword arguments",
                                 param_hint="PAYLOAD")
    return payload


@click.command("rpc")
@click.argument("target", metavar="SERVICE.METHOD")
@click.argument("payload", default="{}", metavar="'{json}'|@file")
@click.option("--token", envvar="VANPHONG_TOKEN", help="JWT (or set VANPHONG_TOKEN).")
@click.option("--timeout", type=float, default=None, help="Seconds to wait for the answer.")
def rpc_command(target, payload, token, timeout):
    """Call a service method with keyword arguments given as a JSON object."""
    service, _, method = target.partition(".")
    if not service or not method:
        raise click.BadParameter("write it as SERVICE.METHOD, e.g. intake.health",
                                 param_hint="SERVICE.METHOD")
    kwargs = read_payload(payload)
    result = call_or_exit(service, method, kwargs, token, timeout)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))


@click.command("token")
@click.option("--office", required=True, help="Office code, e.g. DT-VPHDND.")
@click.option("--sub", required=True, help="Staff id of the caller.")
@click.option("--roles", default="staff", show_default=True, help="Comma-separated roles.")
@click.option("--clearance", type=click.IntRange(0, 3), default=0, show_default=True,
              help="0 none, 1 mật, 2 tối mật, 3 tuyệt mật.")
@click.option("--ttl", type=int, default=8 * 3600, show_default=True, help="Seconds.")
def token_command(office, sub, roles, clearance, ttl):
    """Mint a development token signed with the configured secret."""
    role_list = [role.strip() for role in roles.split(",") if role.strip()]
    try:
        click.echo(mint_token(load_config(), sub, office, role_list, clearance, ttl))
    except VanphongError as exc:
        err.print(f"[bold red]{exc.code}[/]: {exc.message} {exc.fields}")
        sys.exit(2)



