"""A clerk gets a document's files back out with the CLI, across the real processes: a document
received with a .pdf (large enough to come in two chunks) and a .docx, listed, both downloaded,
byte for byte; an existing file is not overwritten without --force."""
import base64
import hashlib
import io
import json
import os
import uuid

from docx import Document as DocxDocument

from shared.auth import mint_token
from tests.conftest import OFFICE


def docx_bytes(text):
    document = DocxDocument()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_clerk_downloads_both_files_of_a_document(suite, tmp_path):
    run = uuid.uuid4().hex[:6]
    clerk = mint_token(suite.config, f"vt-{run}", OFFICE, ["clerk"])
    pdf = b"%PDF-1.4\n" + os.urandom(5 * 1024 * 1024)        # more than one 4 MiB chunk
    docx = docx_bytes(f"Dự thảo nghị quyết {run}")
    request = tmp_path / "van-ban.json"
    request.write_text(json.dumps({"document": {
        "subject": f"V/v góp ý dự thảo nghị quyết {run}", "organ_name": "UBND tỉnh",
        "attachments": [
            {"file_name": "Công văn 412.pdf", "content_type": "application/pdf",
             "data": base64.b64encode(pdf).decode("ascii")},
            {"file_name": "Dự thảo: lần 2.docx",
             "data": base64.b64encode(docx).decode("ascii")}]}}),
        encoding="utf-8")

    def vanphong(*args, check=True):
        return suite.cli(*args, "--token", clerk, check=check)

    document = json.loads(vanphong("rpc", "intake.receive", f"@{request}").stdout)
    listed = vanphong("attachment", "list", str(document["id"])).stdout
    assert "Công văn 412.pdf" in listed and hashlib.sha256(pdf).hexdigest() in listed
    pdf_id, docx_id = (item["id"] for item in document["attachments"])

    folder = tmp_path / "tai-ve"                                  # made by the first download
    said = vanphong("attachment", "get", str(document["id"]), str(pdf_id), "-o", f"{folder}/")
    assert "SHA-256 khớp" in said.stdout
    vanphong("attachment", "get", str(document["id"]), str(docx_id), "-o", str(folder))
    assert (folder / "Công văn 412.pdf").read_bytes() == pdf
    assert (folder / "Dự thảo lần 2.docx").read_bytes() == docx       # a plain name
    assert sorted(p.name for p in folder.iterdir()) == ["Công văn 412.pdf",
                                                        "Dự thảo lần 2.docx"]

    again = vanphong("attachment", "get", str(document["id"]), str(docx_id),
                     "-o", str(folder / "Dự thảo lần 2.docx"), check=False)
    assert again.returncode == 1 and "--force" in again.stderr
    (folder / "Dự thảo lần 2.docx").write_bytes(b"cu")
    vanphong("attachment", "get", str(document["id"]), str(docx_id),
             "-o", str(folder / "Dự thảo lần 2.docx"), "--force")
    assert (folder / "Dự thảo lần 2.docx").read_bytes() == docx
