"""The email channel: one UTF-8 text message per notice over SMTP (plain, STARTTLS or TLS).

Settings (``NOTIFY.channels.email``, overridable per office): ``host``, ``port``,
``security`` (``none`` | ``starttls`` | ``ssl``), ``username``, ``password``, ``sender``
("Name <address>"), ``timeout`` seconds, ``verify`` (check the server's certificate, default
true) and ``cafile``.  The Message-ID is derived from the notice, so a resend after a crash
carries the same id and mail clients show it once.
"""
import hashlib
import smtplib
import socket
import ssl
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, getaddresses

from services.notify.channels.base import Channel, PermanentFailure, TransientFailure

SECURITY = ("none", "starttls", "ssl")
ADDRESS_MAX = 254   # RFC 5321's limit for a path


def _sender(text):
    [(name, address)] = getaddresses([text])
    return name, address


def build_message(message, sender):
    """The RFC 5322 message of a notice, Vietnamese subject and names encoded per RFC 2047.

    Built with the classic `email.header.Header`: the modern policy's folder drops the space
    between two encoded words of a long subject ("ý kiến cử tri" arrives as "ý kiếncử tri").
    """
    name, address = _sender(sender)
    mail = MIMEText(message.body, "plain", "utf-8")
    mail["Subject"] = Header(message.title, "utf-8")
    mail["From"] = formataddr((name, address), charset="utf-8")
    mail["To"] = formataddr((message.recipient_name or "", message.address), charset="utf-8")
    mail["Date"] = formatdate(localtime=True)
    digest = hashlib.sha256(message.message_key.encode("utf-8")).hexdigest()[:32]
    mail["Message-ID"] = f"<{digest}@{address.rpartition('@')[2] or 'vanphong'}>"
    mail["X-Vanphong-Office"] = message.office
    mail["X-Vanphong-Category"] = message.category
    if message.urgent:
        mail["Importance"] = "high"
        mail["X-Priority"] = "1"
    return mail


class EmailChannel(Channel):
    name = "email"

    def available(self):
        return bool(self.settings.get("host"))

    def address_for(self, person, addresses):
        return addresses.get("email") or (person or {}).get("email")

    def validate_address(self, address):
        if (not isinstance(address, str) or address.count("@") != 1 or " " in address.strip()
                or len(address) > ADDRESS_MAX):
            return f"not an email address such as ten@example.vn (at most {ADDRESS_MAX} characters)"
        return None

    def _tls_context(self):
        context = ssl.create_default_context(cafile=self.settings.get("cafile"))
        if self.settings.get("verify") is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self):
        host = self.settings["host"]
        port = int(self.settings.get("port") or 25)
        timeout = float(self.settings.get("timeout") or 30)
        security = self.settings.get("security") or "none"
        if security not in SECURITY:
            raise PermanentFailure(f"email security must be one of {SECURITY}, not {security!r}")
        if security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._tls_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
            if security == "starttls":
                client.starttls(context=self._tls_context())
        if self.settings.get("username"):
            client.login(self.settings["username"], self.settings.get("password") or "")
        return client

    def send(self, message):
        if not message.address:
            raise PermanentFailure("no email address for this recipient")
        mail = build_message(message, self.settings.get("sender") or "Vanphong <vanphong@localhost>")
        try:
            client = self._connect()
            try:
                client.send_message(mail)
            finally:
                try:
                    client.quit()
                except smtplib.SMTPException:
                    client.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            failure = PermanentFailure if all(code >= 500 for code in codes) else TransientFailure
            raise failure(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPAuthenticationError as exc:  # the office's settings: fixable, retry
            raise TransientFailure(f"SMTP login failed: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if exc.smtp_code >= 500 else TransientFailure
            raise failure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as exc:
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
