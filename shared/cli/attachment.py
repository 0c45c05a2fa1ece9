"""`vanphong attachment list DOC` and `vanphong attachment get DOC ATT [-o FILE]`: a document's
files back out of intake.

`get` asks intake for the file chunk by chunk (each well below the RPC payload limit), puts it
together in a temporary file next to the target, checks its size and SHA-256 against what intake
stored, and only then gives it its name; a file that does not match is thrown away.  The name
is the stored one made safe (no folders, no control characters, no leading dot), an existing
file is never overwritten without --force.
"""
import base64
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

import click
from rich.table import Table

from shared.cli.calls import call_or_exit, err, out
from shared.config import load_config

UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
NAME_MAX = 200


def safe_file_name(stored, attachment_id):
    """The stored file name as a plain name in the current folder, never a path."""
    name = (stored or "").replace("\\", "/").split("/")[-1]
    name = UNSAFE_CHARACTERS.sub("", name).strip().lstrip(".").strip()
    return name[:NAME_MAX] or f"tep-dinh-kem-{attachment_id}"


def size_text(size):
    """12.345 byte: thousands grouped with a dot, as Vietnamese writes them."""
    return f"{size:,}".replace(",", ".") + " byte"


@click.group("attachment")
def attachment():
    """Tệp đính kèm của văn bản: xem danh sách, tải về."""


@attachment.command("list")
@click.argument("document_id", type=int)
@click.option("--token", envvar="VANPHONG_TOKEN", required=True,
              help="JWT (hoặc biến VANPHONG_TOKEN).")
def list_command(document_id, token):
    """Danh sách tệp đính kèm của văn bản DOCUMENT_ID."""
    listed = call_or_exit("intake", "list_attachments", {"document_id": document_id}, token)
    table = Table(title=f"TỆP ĐÍNH KÈM CỦA VĂN BẢN {document_id}", show_lines=True)
    for heading in ("Mã tệp", "Tên tệp", "Loại", "Dung lượng", "SHA-256"):
        table.add_column(heading, overflow="fold")
    for item in listed["attachments"]:
        table.add_row(str(item["id"]), item["file_name"], item["content_type"] or "",
                      size_text(item["size"]), item["sha256"])
    out.print(table)
    if not listed["attachments"]:
        out.print("Văn bản không có tệp đính kèm.")


def target_path(output, stored_name, attachment_id):
    if output is None:
        return Path(safe_file_name(stored_name, attachment_id))
    path = Path(output)
    if output.endswith(("/", os.sep)):
        path.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        return path / safe_file_name(stored_name, attachment_id)
    return path


def fail(message):
    err.print(f"[bold red]Lỗi[/]: {message}")
    sys.exit(1)


def download(config, token, document_id, attachment_id, into):
    """Write the file's chunks into the open file `into`; (size, sha256) intake states, and
    the SHA-256 and size of what arrived."""
    digest, received, offset, chunk = hashlib.sha256(), 0, 0, None
    while offset is not None:
        chunk = call_or_exit("intake", "get_attachment", {
            "document_id": document_id, "attachment_id": attachment_id, "offset": offset},
            token, config=config)
        data = base64.b64decode(chunk["data"], validate=True)
        if chunk["offset"] != offset or (not data and chunk["next_offset"] is not None):
            fail(f"intake trả về phần tệp không liền mạch tại vị trí {offset}")
        into.write(data)
        digest.update(data)
        received += len(data)
        offset = chunk["next_offset"]
    return chunk, received, digest.hexdigest()


@attachment.command("get")
@click.argument("document_id", type=int)
@click.argument("attachment_id", type=int)
@click.option("--output", "-o", type=click.Path(), help="Tệp (hoặc thư mục) để ghi.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@click.option("--token", envvar="VANPHONG_TOKEN", required=True,
              help="JWT (hoặc biến VANPHONG_TOKEN).")
def get_command(document_id, attachment_id, output, force, token):
    """Tải tệp ATTACHMENT_ID của văn bản DOCUMENT_ID, kiểm tra mã SHA-256, ghi ra tệp."""
    config = load_config()
    listed = call_or_exit("intake", "list_attachments", {"document_id": document_id}, token,
                          config=config)
    stored = {item["id"]: item for item in listed["attachments"]}.get(attachment_id)
    if stored is None:
        fail(f"văn bản {document_id} không có tệp đính kèm mã {attachment_id}")
    path = target_path(output, stored["file_name"], attachment_id)
    if path.exists() and not force:
        fail(f"tệp {path} đã có; dùng --force để ghi đè")
    folder = path.parent
    if not folder.is_dir():
        fail(f"thư mục {folder} không có")
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".tai-ve-", delete=False)
    try:
        with handle:
            last, size, sha256 = download(config, token, document_id, attachment_id, handle)
        if size != last["size"] or sha256 != last["sha256"]:
            fail(f"tệp tải về không khớp: {size_text(size)}, SHA-256 {sha256}; "
                 f"intake lưu {size_text(last['size'])}, SHA-256 {last['sha256']}")
        if path.exists() and not force:
            fail(f"tệp {path} đã có; dùng --force để ghi đè")
        os.replace(handle.name, path)
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
    out.print(f"Đã ghi {path} ({size_text(size)}, SHA-256 khớp: {sha256})")
