"""`vanphong ingest PATH...`: register a folder of documents through intake, with a summary."""
import base64
import sys
from collections import Counter
from pathlib import Path

import click
from nameko.exceptions import RemoteError, RpcTimeout
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shared.config import load_config
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy

console = Console()
EXTENSIONS = (".txt", ".eml", ".edxml", ".docx", ".pdf")


def collect(paths):
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in EXTENSIONS))
        elif path.is_file():
            files.append(path)
        else:
            raise click.BadParameter(f"{path} does not exist", param_hint="PATH")
    return files


BATCH_SIZE = 25


def ordered_rounds(calls, in_flight):
    """Rounds of calls to send together: up to `in_flight` batches of plain documents, while an
    e-mail or edXML message goes alone, after everything before it, so that messages about the
    same document (new, update, recall) are applied in the order of the files."""
    round_ = []
    for call in calls:
        if call[1] != "receive_batch":
            if round_:
                yield round_
                round_ = []
            yield [call]
            continue
        round_.append(call)
        if len(round_) == in_flight:
            yield round_
            round_ = []
    if round_:
        yield round_


def requests_for(files, failures):
    """([paths], method, kwargs) calls: plain documents in batches, e-mail and edXML one by one."""
    batch = []
    for path in files:
        try:
            method, kwargs = request_for(path)
        except OSError as exc:
            failures.append((path, f"cannot read: {exc.strerror}"))
            continue
        if method == "receive":
            batch.append((path, kwargs["document"]))
            if len(batch) == BATCH_SIZE:
                yield [p for p, _ in batch], "receive_batch", {"documents": [d for _, d in batch]}
                batch = []
        else:
            yield [path], method, kwargs
    if batch:
        yield [p for p, _ in batch], "receive_batch", {"documents": [d for _, d in batch]}


def describe_error(error):
    details = "; ".join(f"{k}: {v}" for k, v in (error.get("fields") or {}).items())
    return f"{error['code']}: {error['message']}" + (f" ({details})" if details else "")


def request_for(path):
    """(method, kwargs) of the intake call that registers this file."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".eml":
        return "receive_email", {"raw_message_b64": base64.b64encode(data).decode("ascii")}
    if suffix == ".edxml":
        return "receive_edxml", {"xml_b64": base64.b64encode(data).decode("ascii")}
    if suffix in (".docx", ".pdf"):
        return "receive", {"document": {"channel": "paper", "attachments": [
            {"file_name": path.name, "data": base64.b64encode(data).decode("ascii")}]}}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    return "receive", {"document": {"channel": "paper", "text": text}}


def classify(result):
    """registered | duplicate (registered, with a warning) | changed (edXML update, recall,
    replacement of an earlier one) | status (an edXML status answer recorded)."""
    action = result.get("action")
    if action == "status":
        return "status"
    if action in ("update", "recall"):
        return "changed"
    document = result.get("document") or result
    return "duplicate" if document.get("duplicate_of") else "registered"


def describe(error):
    if isinstance(error, RemoteError):
        code, message, fields = parse_remote_error(error)
        details = "; ".join(f"{k}: {v}" for k, v in fields.items())
        return f"{code}: {message}" + (f" ({details})" if details else "")
    if isinstance(error, RpcTimeout):
        return f"TIMEOUT after {error} s"
    return f"{type(error).__name__}: {error}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--token", envvar="VANPHONG_TOKEN", required=True,
              help="A clerk's JWT (or set VANPHONG_TOKEN).")
@click.option("--in-flight", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Calls outstanding at once (a call carries up to 25 plain documents).")
def ingest(paths, token, in_flight):
    """Register .txt, .eml, .edxml, .docx and .pdf files (folders are walked)."""
    files = collect(paths)
    if not files:
        console.print("nothing to ingest (looked for " + ", ".join(EXTENSIONS) + ")")
        return
    outcome, failures = Counter(), []
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with suite_proxy(load_config(), token=token, timeout=120) as proxy, \
            Progress(*columns, console=console) as progress:
        bar = progress.add_task("ingest", total=len(files))
        for calls in ordered_rounds(requests_for(files, failures), in_flight):
            pending = [(paths, getattr(proxy.intake, method).call_async(**kwargs))
                       for paths, method, kwargs in calls]
            for paths, reply in pending:
                try:
                    answers = reply.result()
                except (RemoteError, RpcTimeout) as exc:
                    failures.extend((path, describe(exc)) for path in paths)
                else:
                    for path, answer in zip(paths, answers if len(paths) > 1 or
                                            isinstance(answers, list) else [answers]):
                        if "error" in answer:
                            failures.append((path, describe_error(answer["error"])))
                        else:
                            outcome[classify(answer)] += 1
                progress.advance(bar, len(paths))
    summary = Table(title="ingest summary")
    columns = (("registered", "registered"), ("duplicate", "registered, possible duplicate"),
               ("changed", "edXML update/recall"), ("status", "edXML status recorded"))
    for _, heading in columns:
        summary.add_column(heading, justify="right")
    summary.add_column("failed", justify="right")
    summary.add_row(*(str(outcome[key]) for key, _ in columns), str(len(failures)))
    console.print(summary)
    if failures:
        table = Table(title="failed files")
        table.add_column("file")
        table.add_column("reason")
        for path, reason in failures:
            table.add_row(str(path), reason)
        console.print(table)
        sys.exit(1)
