"""`vanphong tasks`: the bảng theo dõi and the Sổ theo dõi giải quyết văn bản đến."""
import click

from shared.cli.calls import call_or_exit, show_table_or_file

TOKEN = click.option("--token", envvar="VANPHONG_TOKEN", required=True,
                     help="JWT (or VANPHONG_TOKEN).")
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]),
                      default="table", show_default=True)
OUTPUT = click.option("--output", "-o", type=click.Path(dir_okay=False),
                      help="File to write (csv/xlsx).")


def _call(method, kwargs, token):
    return call_or_exit("tasks", method, kwargs, token)


@click.group()
def tasks():
    """Tracking tables of the tasks service."""


@tasks.command("table")
@click.option("--period", help="2026-11 (month), 2026-Q4 (quarter) or 2026; default this month.")
@click.option("--group-by", type=click.Choice(["office", "unit", "person"]), default="unit",
              show_default=True)
@click.option("--scope", default="office", show_default=True,
              help="office, unit:<code> or person:<staff id>.")
@FORMAT
@OUTPUT
@TOKEN
def table_command(period, group_by, scope, fmt, output, token):
    """Bảng theo dõi: assigned, done on time / late, in progress, overdue, due soon, rate."""
    answer = _call("tracking_table", {"scope": scope, "period": period, "group_by": group_by,
                                      "format": "json" if fmt == "table" else fmt}, token)
    show_table_or_file(answer, fmt, output)


@tasks.command("register")
@click.option("--year", type=int, required=True)
@FORMAT
@OUTPUT
@TOKEN
def register_command(year, fmt, output, token):
    """Sổ theo dõi giải quyết văn bản đến of a year."""
    answer = _call("incoming_register", {"year": year,
                                         "format": "json" if fmt == "table" else fmt}, token)
    show_table_or_file(answer, fmt, output)
