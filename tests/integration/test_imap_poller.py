"""ImapPoller against a real IMAP server: a private dovecot started by the fixture.

Mail is delivered by IMAP APPEND; every test gets its own account, hence an empty INBOX.
"""
import hashlib
import imaplib
import re
from email.message import EmailMessage

import pytest

from services.intake.channels.email import (DEFAULT_MAX_MESSAGE_BYTES, ImapPoller,
                                           MemoryPollState, imap_utf7, parse_email)
from services.intake.mailboxes import configured
from shared.errors import Unavailable
from tests.support.dovecot import (
    append, connect, create_mailbox, delete_mailbox, free_port)

pytestmark = pytest.mark.integration

ATTACHMENT = b"%PDF-1.4\n" + bytes(range(256)) * 8


def make_mail(number, attachment=False):
    msg = EmailMessage()
    msg["From"] = "Văn phòng Đoàn ĐBQH và HĐND <vanphong@dongthap.gov.vn>"
    msg["To"] = "tiepnhan@example.vn"
    msg["Subject"] = f"Văn bản số {number}"
    msg["Message-ID"] = f"<mail-{number}@test.vanphong>"
    msg["Date"] = "Mon, 03 Nov 2025 08:30:00 +0700"
    msg.set_content(f"Kính gửi Văn phòng, văn bản số {number}.")
    if attachment:
        msg.add_attachment(ATTACHMENT, maintype="application", subtype="pdf",
                           filename=f"Thông báo {number}.pdf")
    return msg.as_bytes()


class Recorder:
    """A handler that parses each mail and remembers (uid, subject); may fail on one call."""

    def __init__(self, fail_on_call=None):
        self.calls = []
        self.parsed = {}
        self.fail_on_call = fail_on_call

    def __call__(self, uid, raw):
        self.calls.append(uid)
        if self.fail_on_call == len(self.calls):
            raise RuntimeError(f"handler failed on UID {uid}")
        self.parsed[uid] = parse_email(raw)

    def subjects(self):
        return [self.parsed[uid]["subject"] for uid in self.calls if uid in self.parsed]


def poller_for(server, state, **options):
    return ImapPoller(server.host, server.port, server.user, server.password, state=state,
                      **options)


def uidvalidity(server, mailbox):
    connection = connect(server)
    try:
        typ, data = connection.status(f'"{imap_utf7(mailbox)}"', "(UIDVALIDITY)")
        assert typ == "OK", data
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
    finally:
        connection.logout()


def flags(server, mailbox="INBOX"):
    connection = connect(server)
    try:
        connection.select(f'"{mailbox}"', readonly=True)
        typ, data = connection.uid("FETCH", "1:*", "(FLAGS)")
        assert typ == "OK", data
        return {int(re.search(rb"UID (\d+)", item).group(1)): item for item in data if item}
    finally:
        connection.logout()


def test_each_message_is_handled_once_in_uid_order(imap_server):
    uids = [append(imap_server, make_mail(1)), append(imap_server, make_mail(2)),
            append(imap_server, make_mail(3, attachment=True))]
    assert uids == sorted(uids) and len(set(uids)) == 3
    poller = poller_for(imap_server, MemoryPollState())

    first = Recorder()
    assert poller.poll(first) == uids
    assert first.calls == uids
    assert first.subjects() == ["Văn bản số 1", "Văn bản số 2", "Văn bản số 3"]
    attachment, = first.parsed[uids[2]]["attachments"]
    assert attachment["file_name"] == "Thông báo 3.pdf"
    assert attachment["sha256"] == hashlib.sha256(ATTACHMENT).hexdigest()
    assert first.parsed[uids[0]]["from_name"] == "Văn phòng Đoàn ĐBQH và HĐND"

    again = Recorder()
    assert poller.poll(again) == []
    assert again.calls == []

    fourth = append(imap_server, make_mail(4))
    later = Recorder()
    assert poller.poll(later) == [fourth]
    assert later.subjects() == ["Văn bản số 4"]


def test_a_failing_handler_leaves_the_message_for_the_next_poll(imap_server):
    uids = [append(imap_server, make_mail(n)) for n in (1, 2, 3)]
    state = MemoryPollState()
    poller = poller_for(imap_server, state)

    failing = Recorder(fail_on_call=2)
    with pytest.raises(RuntimeError, match=f"UID {uids[1]}"):
        poller.poll(failing)
    assert failing.calls == uids[:2]          # stopped at the failure: the 3rd was not tried
    assert failing.subjects() == ["Văn bản số 1"]

    retry = Recorder()
    assert poller.poll(retry) == uids[1:]     # from the 2nd on, the 1st is not taken again
    assert retry.subjects() == ["Văn bản số 2", "Văn bản số 3"]
    assert poller.poll(Recorder()) == []


def test_a_new_poller_sharing_the_state_takes_nothing_twice(imap_server):
    uids = [append(imap_server, make_mail(n)) for n in (1, 2)]
    state = MemoryPollState()
    assert poller_for(imap_server, state).poll(Recorder()) == uids

    restarted = poller_for(imap_server, state)
    nothing = Recorder()
    assert restarted.poll(nothing) == []
    assert nothing.calls == []

    third = append(imap_server, make_mail(3))
    assert restarted.poll(Recorder()) == [third]
    assert poller_for(imap_server, state).poll(Recorder()) == []

    # the state is what prevents it: a poller with a state of its own takes everything
    assert poller_for(imap_server, MemoryPollState()).poll(Recorder()) == uids + [third]


def test_a_new_uidvalidity_starts_over(imap_server):
    mailbox = "Văn bản đến"                  # non-ASCII: sent in modified UTF-7
    create_mailbox(imap_server, imap_utf7(mailbox))
    state = MemoryPollState()
    poller = poller_for(imap_server, state, mailbox=mailbox)
    old_validity = uidvalidity(imap_server, mailbox)
    old = [append(imap_server, make_mail(n), imap_utf7(mailbox)) for n in (1, 2)]
    assert poller.poll(Recorder()) == old

    delete_mailbox(imap_server, imap_utf7(mailbox))  # the server renumbers: UIDs restart at 1
    create_mailbox(imap_server, imap_utf7(mailbox))
    new_validity = uidvalidity(imap_server, mailbox)
    assert new_validity != old_validity
    renumbered = append(imap_server, make_mail(3), imap_utf7(mailbox))
    assert renumbered <= old[-1]              # would be skipped without the new validity

    recorder = Recorder()
    assert poller.poll(recorder) == [renumbered]
    assert recorder.subjects() == ["Văn bản số 3"]
    assert state.get(poller.state_key(new_validity)) == renumbered
    assert state.get(poller.state_key(old_validity)) == old[-1]


def test_mark_seen_flags_only_what_was_handled(imap_server):
    uids = [append(imap_server, make_mail(n)) for n in (1, 2)]
    poller_for(imap_server, MemoryPollState()).poll(Recorder())
    assert not any(b"\\Seen" in item for item in flags(imap_server).values())  # BODY.PEEK

    with pytest.raises(RuntimeError):
        poller_for(imap_server, MemoryPollState(), mark_seen=True).poll(Recorder(fail_on_call=2))
    seen = flags(imap_server)
    assert b"\\Seen" in seen[uids[0]]
    assert b"\\Seen" not in seen[uids[1]]


def test_a_message_over_the_size_limit_is_never_fetched_and_does_not_block_the_mailbox(
        imap_server):
    small, large = make_mail(1), make_mail(2, attachment=True)
    limit = len(small) + 200
    assert len(large) > limit
    uids = [append(imap_server, small), append(imap_server, large),
            append(imap_server, make_mail(3))]
    state = MemoryPollState()
    poller = poller_for(imap_server, state, max_message_bytes=limit)
    recorder = Recorder()
    assert poller.poll(recorder) == [uids[0], uids[2]]
    assert recorder.calls == [uids[0], uids[2]]
    assert poller.poll(Recorder()) == []
    assert uids[1] in flags(imap_server)        # left in the mailbox for a person


def test_the_mail_size_limit_comes_from_config():
    entry = {"office": "DT-VPHDND", "host": "mail.example.vn", "port": 993, "user": "vanthu"}
    (_, settings), = configured({"IMAP_MAILBOXES": [entry]})
    assert settings["max_message_bytes"] == DEFAULT_MAX_MESSAGE_BYTES
    (_, settings), = configured({"MAX_MAIL_BYTES": 1000, "IMAP_MAILBOXES": [entry]})
    assert settings["max_message_bytes"] == 1000
    (_, settings), = configured({"MAX_MAIL_BYTES": 1000,
                                 "IMAP_MAILBOXES": [{**entry, "max_message_bytes": 500}]})
    assert settings["max_message_bytes"] == 500


def test_connection_problems_raise_unavailable(imap_server):
    closed = ImapPoller(imap_server.host, free_port(), imap_server.user, imap_server.password,
                        timeout=5)
    with pytest.raises(Unavailable) as refused:
        closed.poll(Recorder())
    assert "connect" in refused.value.fields["imap"][0]

    wrong = ImapPoller(imap_server.host, imap_server.port, imap_server.user, "wrong password")
    with pytest.raises(Unavailable) as denied:
        wrong.poll(Recorder())
    assert "login" in denied.value.fields["imap"][0]

    missing = poller_for(imap_server, MemoryPollState(), mailbox="Không có")
    with pytest.raises(Unavailable) as unknown:
        missing.poll(Recorder())
    assert "select" in unknown.value.fields["imap"][0]


def test_the_handler_error_is_not_disguised_as_unavailable(imap_server):
    append(imap_server, make_mail(1))

    def broken(uid, raw):
        raise imaplib.IMAP4.error("a handler's own IMAP error")

    with pytest.raises(imaplib.IMAP4.error):
        poller_for(imap_server, MemoryPollState()).poll(broken)
