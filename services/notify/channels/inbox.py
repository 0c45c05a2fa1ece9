"""The inbox channel: the notice is stored in notify's database for the person to read
(by `deliveries.insert_deliveries`, in the transaction that plans it)."""
from services.notify.channels.base import Channel


class InboxChannel(Channel):
    name = "inbox"
    stored = True
    intrusive = False

    def address_for(self, person, addresses):
        return "inbox"

    def send(self, message):
        raise TypeError("the inbox is stored in the transaction, not sent")
