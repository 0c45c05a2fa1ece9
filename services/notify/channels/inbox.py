"""The inbox channel: the notice is stored in notify's database for the person to read."""
from services.notify import inbox
from services.notify.channels.base import Channel


class InboxChannel(Channel):
    name = "inbox"
    stored = True
    intrusive = False

    def address_for(self, person, addresses):
        return "inbox"

    def store(self, session, message):
        """The stored notice (None when this recipient already has one with the same key)."""
        return inbox.deliver(session, message.office, message.recipient, message.dedup_key,
                             message.category, message.title, message.body, message.urgent)

    def send(self, message):
        raise TypeError("the inbox is stored in the transaction, not sent")
