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
BATCH_BYTES = 6 * 1024 * 1024  # below the RPC payload limit (MAX_PAYLOAD_BYTES, 8 MiB)


def document_bytes(document):
    """About what a document weighs in a request: its text and its base64 files."""
    return len((document.get("text") or "").encode("utf-8")) + sum(
        len(item["data"]) for item in document.get("attachments") or ())


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
    batch, weight = [], 0
    for path in files:
        try:
            method, kwargs = request_for(path)
        except OSError as exc:
            failures.append((path, f"cannot read: {exc.strerror}"))
            continue
        if method == "receive":
            size = document_bytes(kwargs["document"])
            if batch and weight + size > BATCH_BYTES:
                yield [p for p, _ in batch], "receive_batch", {"documents": [d for _, d in batch]}
                batch, weight = [], 0
            batch.append((path, kwargs["document"]))
            weight += size
            if len(batch) == BATCH_SIZE:
                yield [p for p, _ in batch], "receive_batch", {"documents": [d for _, d in batch]}
                batch, weight = [], 0
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
    # the file goes with its text: it is kept, and its checksum tells a second ingest of it
    return "receive", {"document": {"channel": "paper", "text": text, "attachments": [
        {"file_name": path.name, "content_type": "text/plain",
         "data": base64.b64encode(data).decode("ascii")}]}}


DUPLICATE_WARNING = "possible duplicate"
DUPLICATE_REASONS = (  # what intake's reason says -> what the clerk reads
    ("same file", "cùng tệp"), ("same message", "cùng thư, thông điệp"),
    ("same number, notation, organ and date", "cùng số, ký hiệu, cơ quan ban hành và ngày"),
    ("same number, notation and date", "cùng số, ký hiệu và ngày"))


def registered_document(result):
    """The document an answer registered (receive, e-mail, edXML new or replacement), or None."""
    if result.get("action") in ("status", "update", "recall"):
        return None
    return result.get("document") or result


def classify(result):
    """registered | duplicate (registered, with a warning) | changed (edXML update, recall,
    replacement of an earlier one) | status (an edXML status answer recorded)."""
    action = result.get("action")
    if action == "status":
        return "status"
    if action in ("update", "recall"):
        return "changed"
    return "duplicate" if duplicate_of(registered_document(result)) else "registered"


def duplicate_of(document):
    """Vietnamese "what it repeats" of a registered document, or None: the documents intake
    named, or a warning that one exists the record may not name."""
    named = [f"văn bản mã {item['document_id']} ({_reason_vi(item['reason'])})"
             for item in document.get("duplicates") or ()]
    if not named and document.get("duplicate_of"):
        named = [f"văn bản mã {document['duplicate_of']}"]
    if not named and any(str(w).startswith(DUPLICATE_WARNING)
                         for w in document.get("warnings") or ()):
        named = ["một văn bản mật không được nêu tên"]
    return "; ".join(named) or None


def _reason_vi(reason):
    for english, vietnamese in DUPLICATE_REASONS:
        if reason.startswith(english):
            return vietnamese
    return "giống văn bản đã vào sổ"


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
    outcome, failures, duplicates = Counter(), [], []
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
                            document = registered_document(answer)
                            if document is not None and duplicate_of(document):
                                duplicates.append((path, document, duplicate_of(document)))
                progress.advance(bar, len(paths))
    summary = Table(title="ingest summary")
    columns = (("registered", "registered"), ("duplicate", "registered, possible duplicate"),
               ("changed", "edXML update/recall"), ("status", "edXML status recorded"))
    for _, heading in columns:
        summary.add_column(heading, justify="right")
    summary.add_column("failed", justify="right")
    summary.add_row(*(str(outcome[key]) for key, _ in columns), str(len(failures)))
    console.print(summary)
    if duplicates:
        table = Table(title="Văn bản có thể trùng (đã vào sổ, cần kiểm tra)")
        for heading in ("Tệp", "Mã", "Số đến", "Trùng với"):
            table.add_column(heading)
        for path, document, repeats in duplicates:
            table.add_row(str(path), str(document.get("id")),
                          str(document.get("arrival_number") or ""), repeats)
        console.print(table)
    if failures:
        table = Table(title="failed files")
        table.add_column("file")
        table.add_column("reason")
        for path, reason in failures:
            table.add_row(str(path), reason)
        console.print(table)
        sys.exit(1)
