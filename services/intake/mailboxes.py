"""Mailboxes an office reads its incoming mail from (``IMAP_MAILBOXES`` in intake's config).

One poll of a mailbox is one transaction: the mailbox's state row is locked first (row lock on
PostgreSQL, the write lock on SQLite), so two replicas never take the same mail, and the UIDs
move on only together with the documents they produced.
"""
import logging

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.intake.channels.email import DEFAULT_MAX_MESSAGE_BYTES, ImapPoller
from services.intake.models import MailboxState

log = logging.getLogger(__name__)


class DatabasePollState:
    """`ImapPoller` state kept in `mailbox_state`, inside the caller's transaction."""

    def __init__(self, session):
        self.session = session

    def get(self, key):
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        self.session.execute(insert(MailboxState).values(key=key, last_uid=0)
                             .on_conflict_do_nothing())
        row = self.session.execute(select(MailboxState).where(MailboxState.key == key)
                                   .with_for_update()).scalar_one()
        return row.last_uid

    def set(self, key, uid):
        row = self.session.get(MailboxState, key)
        row.last_uid = uid
        self.session.flush()


def configured(config):
    """[(office, poller settings)] from ``IMAP_MAILBOXES``; a password may come from env.

    The largest mail taken is the entry's ``max_message_bytes``, else ``MAX_MAIL_BYTES``.
    """
    mailboxes = []
    for entry in config.get("IMAP_MAILBOXES") or ():
        settings = {key: entry[key] for key in ("host", "port", "user", "password") if key in entry}
        settings["mailbox"] = entry.get("mailbox", "INBOX")
        settings["ssl"] = bool(entry.get("ssl", False))
        settings["starttls"] = bool(entry.get("starttls", False))
        settings["max_message_bytes"] = int(entry.get("max_message_bytes")
                                            or config.get("MAX_MAIL_BYTES")
                                            or DEFAULT_MAX_MESSAGE_BYTES)
        mailboxes.append((entry["office"], settings))
    return mailboxes


def poll(session, settings, handle):
    """Take the new mails of one mailbox; `handle(uid, raw)` registers each."""
    poller = ImapPoller(state=DatabasePollState(session), **settings)
    return poller.poll(handle)
