"""Notification channels: plugins under the ``vanphong.notify_channels`` entry-point group.

A channel is a class implementing `base.Channel`.  The suite ships ``inbox`` (stored in
notify's own database), ``email`` (SMTP) and ``webhook`` (signed HTTP POST); an office adds
another (Zalo, SMS, ...) by installing a package that publishes one more entry point.
"""
from shared import plugins

from services.notify.channels.base import (Channel, Message, PermanentFailure,  # noqa: F401
                                           TransientFailure)

GROUP = "vanphong.notify_channels"


def channel_settings(config, name, office):
    """A channel's settings for one office: ``NOTIFY.channels.<name>`` overlaid by the office's."""
    notify = config.get("NOTIFY") or {}
    base = dict((notify.get("channels") or {}).get(name) or {})
    office_settings = ((notify.get("offices") or {}).get(office) or {}).get("channels") or {}
    base.update(office_settings.get(name) or {})
    return base


class Registry:
    """Channel instances per (name, office), built on first use from the installed plugins."""

    def __init__(self, config, classes=None):
        self.config = config
        self.classes = dict(classes) if classes is not None else plugins.load_all(GROUP)
        self._instances = {}

    def names(self):
        return sorted(self.classes)

    def get(self, name, office):
        key = (name, office)
        if key not in self._instances:
            cls = self.classes.get(name)
            if cls is None:
                return None
            self._instances[key] = cls(channel_settings(self.config, name, office))
        return self._instances[key]
