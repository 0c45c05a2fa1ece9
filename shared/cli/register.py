"""`vanphong register`: the Sổ đăng ký văn bản đến / đi of a year, on screen or as a file."""
import click

from shared.cli.calls import call_or_exit, show_table_or_file


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
    book = call_or_exit("intake", "register_book", {
        "year": year, "direction": direction, "format": "json" if fmt == "table" else fmt},
        token)
    title = "SỔ ĐĂNG KÝ VĂN BẢN " + ("ĐẾN" if direction == "in" else "ĐI") + f" NĂM {year}"
    show_table_or_file(book, fmt, output, title=title)
