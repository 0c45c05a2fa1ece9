"""`vanphong register`: the Sổ đăng ký văn bản đến / đi of a year, on screen or as a file."""
import base64
import sys
from pathlib import Path

import click
from nameko.exceptions import RemoteError
from rich.console import Console
from rich.table import Table

from shared.config import load_config
from shared.errors import parse_remote_error
from shared.rpc_client import call

console = Console()


@click.command()
@click.option("--year", type=int, required=True)
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True,
              help="in: văn bản đến; out: văn bản đi.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (csv/xlsx).")
@click.option("--token", envvar="VANPHONG_TOKEN", required=True, help="JWT (or VANPHONG_TOKEN).")
def register(year, direction, fmt, output, token):
    """Print the register of a year, or export it as CSV or XLSX."""
    try:
        book = call(load_config(), "intake", "register_book",
                    {"year": year, "direction": direction,
                     "format": "json" if fmt == "table" else fmt}, token=token)
    except RemoteError as exc:
        code, message, fields = parse_remote_error(exc)
        console.print(f"[bold red]{code}[/]: {message} {fields or ''}")
        sys.exit(1)
    if fmt == "table":
        title = "SỔ ĐĂNG KÝ VĂN BẢN " + ("ĐẾN" if direction == "in" else "ĐI") + f" NĂM {year}"
        table = Table(title=title, show_lines=True)
        for heading in book["headings"]:
            table.add_column(heading, overflow="fold")
        for row in book["rows"]:
            table.add_row(*("" if cell is None else str(cell) for cell in row))
        console.print(table)
        return
    path = Path(output or book["file_name"])
    path.write_bytes(base64.b64decode(book["data"]))
    console.print(f"wrote {path} ({book['rows']} rows)")
