from shared import plugins
from shared.errors import NotFound

import pytest


def test_the_four_services_are_found_through_entry_points():
    assert plugins.names(plugins.SERVICES_GROUP) == ["evaluation", "intake", "notify", "tasks"]
    assert plugins.service_class("tasks").name == "tasks"


def test_unknown_plugin_names_the_known_ones():
    with pytest.raises(NotFound) as raised:
        plugins.load(plugins.SERVICES_GROUP, "zalo")
    assert "intake" in raised.value.fields["name"][0]
