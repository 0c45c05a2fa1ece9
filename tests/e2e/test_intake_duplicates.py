"""A clerk ingests the same folder twice (issue 10, point 4): the second run registers every
file again, but says of each one that it repeats the document of the first run, and the
register of the office shows both."""
import json
import re

from shared.auth import mint_token

OFFICE = "HN-VPHDND"  # an office of its own: other e2e tests ingest the seeds in DT-VPHDND


def summary_counts(stdout):
    """(registered, duplicate, changed, status, failed) of the ingest summary."""
    return re.findall(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│",
                      stdout.split("ingest summary", 1)[1])[0]


def test_ingesting_the_seed_files_twice_reports_each_as_a_duplicate(suite, corpus_dir):
    clerk = mint_token(suite.config, "vanthu-hn", OFFICE, ["clerk"])
    folder = suite.var.parent / "ho-so-den"  # the CLI runs there: paths print short
    folder.mkdir()
    seeds = sorted((corpus_dir / "seeds").glob("*.txt"))
    for source in seeds:
        (folder / source.name).write_bytes(source.read_bytes())

    first = suite.cli("ingest", folder.name, "--token", clerk, timeout=300, check=True)
    assert summary_counts(first.stdout) == ("5", "0", "0", "0", "0")
    assert "Văn bản có thể trùng" not in first.stdout

    second = suite.cli("ingest", folder.name, "--token", clerk, timeout=300, check=True)
    assert summary_counts(second.stdout) == ("0", "5", "0", "0", "0")
    table = second.stdout.split("Văn bản có thể trùng", 1)[1]
    for seed in seeds:
        row = re.search(rf"{seed.name}\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*văn bản mã (\d+) \(cùng tệp",
                        table)
        assert row, f"{seed.name} is not reported as a duplicate:\n{second.stdout}"
        again_id, again_number, original_id = map(int, row.groups())
        again, original = (json.loads(suite.cli(
            "rpc", "intake.get", json.dumps({"document_id": document_id}), "--token", clerk,
            check=True).stdout) for document_id in (again_id, original_id))
        assert again["arrival_number"] == again_number > 5 >= original["arrival_number"]
        assert again["duplicate_of"] == original_id
        assert [a["file_name"] for a in original["attachments"]] == [seed.name]
        assert any(w.startswith("possible duplicate: same file") for w in again["warnings"])
