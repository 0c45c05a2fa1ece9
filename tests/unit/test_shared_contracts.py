"""The error model, config loader, tokens and event contract, without a broker."""
import json
import time
import uuid

import jwt
import pytest
from nameko.exceptions import RemoteError, serialize

from shared import auth, contracts, outbox
from shared.config import load_config, merge
from shared.errors import Forbidden, InvalidInput, NotFound, Unauthorized, parse_remote_error
from tests.conftest import OFFICE, OTHER_OFFICE


def test_error_travels_as_remote_error_with_code_and_fields():
    error = InvalidInput("the document is not valid", {"subject": ["required"]})
    wire = serialize(error)
    assert wire["exc_type"] == "InvalidInput"
    remote = RemoteError(wire["exc_type"], wire["value"])
    assert parse_remote_error(remote) == ("VALIDATION_ERROR", "the document is not valid",
                                          {"subject": ["required"]})


def test_foreign_remote_error_is_reported_as_internal():
    code, message, fields = parse_remote_error(RemoteError("KeyError", "'x'"))
    assert code == "INTERNAL" and "KeyError" in message and fields == {}


def test_config_substitutes_environment_with_defaults(tmp_path, monkeypatch):
    (tmp_path / "suite.yaml").write_text("AMQP_URI: ${VP_TEST_AMQP:pyamqp://x}\nA: {b: 1, c: 2}\n")
    (tmp_path / "intake.yaml").write_text("DB_URL: ${VP_TEST_DB:sqlite:///var/i.db}\nA: {c: 3}\n")
    monkeypatch.setenv("VP_TEST_DB", "postgresql://db/intake")
    config = load_config("intake", tmp_path)
    assert config["AMQP_URI"] == "pyamqp://x"
    assert config["DB_URL"] == "postgresql://db/intake"
    assert config["A"] == {"b": 1, "c": 3}


def test_merge_does_not_modify_its_inputs():
    base = {"a": {"b": 1}}
    merge(base, {"a": {"b": 2}})
    assert base == {"a": {"b": 1}}


def test_repository_config_names_every_service_database():
    for service in ("intake", "tasks", "evaluation", "notify"):
        assert load_config(service)["DB_URL"].startswith("sqlite:///var/")


def test_token_round_trip(suite_config):
    token = auth.mint_token(suite_config, "lead1", OFFICE, ["leader"], clearance=2)
    principal = auth.decode_token(suite_config, f"Bearer {token}")
    assert principal == auth.Principal("lead1", OFFICE, frozenset({"leader"}), 2)


@pytest.mark.parametrize("value, problem", [
    (None, "no token"),
    ("Token abc", "Bearer"),
    ("Bearer not-a-jwt", "not valid"),
])
def test_missing_or_malformed_token_is_unauthorized(suite_config, value, problem):
    with pytest.raises(Unauthorized, match=problem):
        auth.decode_token(suite_config, value)


def test_forged_token_is_unauthorized(suite_config):
    claims = {"sub": "x", "office": OFFICE, "roles": ["admin"], "exp": int(time.time()) + 60}
    forged = jwt.encode(claims, "another-secret-of-sufficient-length-123456", algorithm="HS256")
    with pytest.raises(Unauthorized, match="Signature verification failed"):
        auth.decode_token(suite_config, f"Bearer {forged}")


def test_expired_token_is_unauthorized(suite_config):
    token = auth.mint_token(suite_config, "x", OFFICE, ["staff"], ttl=-10)
    with pytest.raises(Unauthorized, match="expired"):
        auth.decode_token(suite_config, f"Bearer {token}")


def test_unknown_office_is_refused_when_minting_and_when_decoding(suite_config):
    with pytest.raises(InvalidInput) as raised:
        auth.mint_token(suite_config, "x", "XX-NOWHERE", ["staff"])
    assert "office" in raised.value.fields
    secret = suite_config["AUTH"]["secret"]
    claims = {"sub": "x", "office": "XX-NOWHERE", "roles": [], "exp": int(time.time()) + 60}
    with pytest.raises(Unauthorized, match="not an office of this deployment"):
        auth.decode_token(suite_config, "Bearer " + jwt.encode(claims, secret, algorithm="HS256"))


def test_rs256_tokens_from_an_identity_provider(suite_config):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    config = {**suite_config, "AUTH": {"algorithm": "RS256", "public_key": public_pem}}
    claims = {"sub": "u1", "office": OFFICE, "roles": ["staff"], "exp": int(time.time()) + 60}
    principal = auth.decode_token(config, "Bearer " + jwt.encode(claims, private_pem, "RS256"))
    assert principal.sub == "u1"
    hs_token = auth.mint_token(suite_config, "u1", OFFICE, ["staff"])
    with pytest.raises(Unauthorized):
        auth.decode_token(config, f"Bearer {hs_token}")


def test_roles_and_office_scoping(suite_config):
    staff = auth.CallerContext(suite_config, {"authorization": "Bearer " + auth.mint_token(
        suite_config, "s1", OFFICE, ["staff"])})
    with pytest.raises(Forbidden):
        staff.require("leader")
    assert staff.office_for(None) == OFFICE
    with pytest.raises(Forbidden):
        staff.office_for(OTHER_OFFICE)
    admin = auth.CallerContext(suite_config, {"authorization": "Bearer " + auth.mint_token(
        suite_config, "a1", OFFICE, ["admin"])})
    assert admin.require("leader").sub == "a1"
    assert admin.office_for(OTHER_OFFICE) == OTHER_OFFICE
    with pytest.raises(InvalidInput):
        admin.office_for("XX-NOWHERE")


def document_received(**overrides):
    data = {"document_id": 1, "arrival_number": 7, "arrival_date": "2026-11-02",
            "channel": "paper", "subject": "Về việc tổ chức kỳ họp"}
    data.update(overrides)
    return data


def test_envelope_is_built_and_validated():
    envelope = outbox.build_envelope("intake", "document_received", document_received(),
                                     office=OFFICE, actor={"sub": "c1", "roles": ["clerk"]})
    assert uuid.UUID(envelope["event_id"])
    assert envelope["occurred_at"].endswith("+07:00")
    assert contracts.validate_envelope(json.loads(json.dumps(envelope))) is not None


@pytest.mark.parametrize("mutate, field", [
    (lambda e: e.pop("event_id"), "event_id"),
    (lambda e: e.update(office="lowercase bad"), "office"),
    (lambda e: e.update(occurred_at="yesterday"), "occurred_at"),
    (lambda e: e.update(extra=1), "extra"),
    (lambda e: e["data"].pop("arrival_number"), "data"),
])
def test_envelope_errors_name_the_field(mutate, field):
    envelope = outbox.build_envelope("intake", "document_received", document_received(),
                                     office=OFFICE)
    mutate(envelope)
    with pytest.raises(InvalidInput) as raised:
        contracts.validate_envelope(envelope)
    assert field in raised.value.fields


def test_unregistered_event_type_cannot_be_recorded():
    with pytest.raises(InvalidInput) as raised:
        outbox.build_envelope("intake", "nonsense", {}, office=OFFICE)
    assert "event_type" in raised.value.fields


def test_not_found_code():
    assert NotFound("x").to_dict() == {"code": "NOT_FOUND", "message": "x", "fields": {}}
