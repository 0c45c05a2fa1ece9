"""The CLI as a person uses it, against a real intake: what it says when the token is missing,
and a CSV register with no file named goes to standard output (for a pipe)."""
import csv
import io

import pytest
from click.testing import CliRunner

from services.intake.service import IntakeService
from shared.cli.calls import rpc_command
from shared.cli.register import register
from shared.timeutil import today_local

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_env(runner_factory, service_config, tmp_path, monkeypatch):
    config = service_config(IntakeService)
    runner_factory(config, IntakeService).start()
    (tmp_path / "suite.yaml").write_text(
        f"AMQP_URI: {config['AMQP_URI']}\nRPC_TIMEOUT: 10\n"
        f"AUTH: {{algorithm: HS256, secret: '{config['AUTH']['secret']}'}}\n", encoding="utf-8")
    monkeypatch.setenv("VANPHONG_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("VANPHONG_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_call_without_a_token_says_how_to_give_one(cli_env):
    result = CliRunner().invoke(rpc_command, ["intake.search", '{"query": "a"}'])
    assert result.exit_code == 1
    assert "UNAUTHORIZED" in result.output
    assert "--token" in result.output and "VANPHONG_TOKEN" in result.output


def test_a_csv_register_without_a_file_goes_to_standard_output(cli_env, token):
    clerk = token()
    CliRunner().invoke(rpc_command, ["intake.receive", '{"document": {"subject": "Giấy mời họp"}}',
                                     "--token", clerk], catch_exceptions=False)
    year = str(today_local().year)                  # the year the document arrived in
    result = CliRunner().invoke(register, ["--year", year, "--format", "csv", "--token", clerk])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert any("Giấy mời họp" in cell for row in rows for cell in row)
    assert not list(cli_env.glob("*.csv")), "no file was asked for"
