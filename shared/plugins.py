"""The plugin registry: Python entry-point groups.

A plugin is any object published under a ``vanphong.*`` entry-point group in a package's
metadata, so an office can add a channel, rule set or intake source by installing a package,
without touching the suite.  Groups in use:

- ``vanphong.services``: the four services (name → service class);
- ``vanphong.intake_channels``, ``vanphong.notify_channels``, ``vanphong.evaluation_rules``.
"""
from functools import lru_cache
from importlib.metadata import entry_points

from shared.errors import NotFound

SERVICES_GROUP = "vanphong.services"


@lru_cache(maxsize=None)
def _entry_points(group):
    return {entry.name: entry for entry in entry_points(group=group)}


def names(group):
    return sorted(_entry_points(group))


def load(group, name):
    entry = _entry_points(group).get(name)
    if entry is None:
        raise NotFound(f"no plugin {name!r} in {group}",
                       {"name": [f"known: {', '.join(names(group)) or 'none'}"]})
    return entry.load()


def load_all(group):
    return {name: entry.load() for name, entry in _entry_points(group).items()}


def service_class(name):
    return load(SERVICES_GROUP, name)
