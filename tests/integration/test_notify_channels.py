"""The channel plugins against real servers: aiosmtpd (plain and STARTTLS) and a local HTTP one."""
import json

import pytest

from services.notify.channels import GROUP, Message, PermanentFailure, Registry, TransientFailure
from services.notify.channels.email import EmailChannel
from services.notify.channels.webhook import SIGNATURE_HEADER, WebhookChannel, verify
from shared import plugins

pytestmark = pytest.mark.integration

TITLE = "[HỎA TỐC] Văn bản đến số 1 chờ ý kiến chỉ đạo về tổng hợp ý kiến cử tri trước kỳ họp"
BODY = "Văn bản đến số 1 ngày 23/11/2026 của UBND tỉnh:\n\"Về việc chuẩn bị kỳ họp\"."


def message(address, **overrides):
    fields = dict(delivery_id=1, office="DT-VPHDND", channel="email", recipient="lead1",
                  address=address, dedup_key="evt-1", category="document", title=TITLE,
                  body=BODY, urgent=True, recipient_name="Nguyễn Thị Lãnh")
    fields.update(overrides)
    return Message(**fields)


def test_channels_are_entry_point_plugins():
    assert {"inbox", "email", "webhook"} <= set(plugins.names(GROUP))
    registry = Registry({"NOTIFY": {"channels": {"email": {"host": "smtp.a"}},
                                    "offices": {"HN-VPHDND": {"channels": {
                                        "email": {"host": "smtp.hn"}}}}}})
    assert registry.get("email", "DT-VPHDND").settings["host"] == "smtp.a"
    assert registry.get("email", "HN-VPHDND").settings["host"] == "smtp.hn"
    assert registry.get("zalo", "DT-VPHDND") is None


def test_email_reaches_a_real_smtp_server_with_vietnamese_subject_and_body(smtp_server):
    EmailChannel(smtp_server.settings()).send(message("lanh@dongthap.gov.vn"))
    [(envelope, mail)] = smtp_server.messages()
    assert envelope["rcpt_tos"] == ["lanh@dongthap.gov.vn"]
    assert envelope["mail_from"] == "vanphong@dongthap.gov.vn"
    assert mail["Subject"] == TITLE
    assert str(mail["To"]) == "Nguyễn Thị Lãnh <lanh@dongthap.gov.vn>"
    assert mail["X-Vanphong-Category"] == "document" and mail["Importance"] == "high"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().strip() == BODY
    raw_subject = smtp_server.spool.joinpath("1.eml").read_bytes().split(b"Subject: ", 1)[1]
    assert raw_subject.startswith(b"=?utf-8?")  # RFC 2047 on the wire, not raw UTF-8


def test_the_message_id_is_the_same_on_a_resend(smtp_server):
    channel = EmailChannel(smtp_server.settings())
    channel.send(message("a@example.vn"))
    channel.send(message("a@example.vn"))
    first, second = [mail["Message-ID"] for _, mail in smtp_server.messages()]
    assert first == second


def test_email_over_starttls(smtp_tls_server):
    EmailChannel(smtp_tls_server.settings()).send(message("a@example.vn"))
    [(envelope, mail)] = smtp_tls_server.messages()
    assert envelope["tls"] is True and mail["Subject"] == TITLE


def test_a_tls_server_refuses_plain_text_for_good(smtp_tls_server):
    plain = EmailChannel({**smtp_tls_server.settings(), "security": "none"})
    with pytest.raises(PermanentFailure, match="530"):
        plain.send(message("a@example.vn"))
    assert smtp_tls_server.messages() == []


def test_smtp_failures_are_classified(tmp_path):
    from tests.support.smtp import SmtpServer, free_port
    down = EmailChannel({"host": "127.0.0.1", "port": free_port(), "timeout": 2})
    with pytest.raises(TransientFailure):
        down.send(message("a@example.vn"))
    server = SmtpServer(tmp_path / "spool", refuse=["gone@example.vn"]).start()
    try:
        with pytest.raises(PermanentFailure) as raised:
            EmailChannel(server.settings()).send(message("gone@example.vn"))
        assert "550" in str(raised.value)
    finally:
        server.stop()


def test_webhook_posts_signed_json(webhook_server):
    channel = WebhookChannel({"secret": "s3cret", **webhook_server.allowance()})
    channel.send(message(webhook_server.url(), channel="webhook"))
    [request] = webhook_server.received
    assert verify("s3cret", request.body, request.headers[SIGNATURE_HEADER])
    assert not verify("other", request.body, request.headers[SIGNATURE_HEADER])
    payload = json.loads(request.body.decode("utf-8"))
    assert payload["title"] == TITLE and payload["recipient"] == "lead1"
    assert request.headers["Idempotency-Key"] == "DT-VPHDND/lead1/evt-1"


def test_webhook_failures_are_classified(webhook_server):
    channel = WebhookChannel({"secret": "s", **webhook_server.allowance()})
    webhook_server.answers = [503, 410, (302, {"Location": "https://example.vn/"})]
    with pytest.raises(TransientFailure):
        channel.send(message(webhook_server.url(), channel="webhook"))
    with pytest.raises(PermanentFailure):
        channel.send(message(webhook_server.url(), channel="webhook"))
    with pytest.raises(PermanentFailure, match="redirects are not followed"):
        channel.send(message(webhook_server.url(), channel="webhook"))
    assert len(webhook_server.received) == 3
    assert channel.validate_address("ftp://x") and not channel.validate_address("https://x.vn/h")
    assert not WebhookChannel({}).available()


def test_webhook_over_https_connects_to_the_checked_address_with_the_urls_host_name(tmp_path):
    """The POST goes to the address the check resolved, while SNI, the certificate check and
    the Host header keep the URL's name."""
    from tests.support.webhook import WebhookServer
    server = WebhookServer(tls_directory=tmp_path).start()
    try:
        channel = WebhookChannel({"secret": "s3cret", **server.allowance(host="localhost")})
        channel.send(message(server.url(host="localhost"), channel="webhook"))
        [request] = server.received
        assert request.headers["Host"] == f"localhost:{server.port}"
        assert verify("s3cret", request.body, request.headers[SIGNATURE_HEADER])
        untrusted = WebhookChannel({"secret": "s3cret", **server.allowance(host="localhost"),
                                    "cafile": None})
        with pytest.raises(TransientFailure, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted.send(message(server.url(host="localhost"), channel="webhook"))
    finally:
        server.stop()
