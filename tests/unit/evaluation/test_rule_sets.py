"""Rule sets are plugins chosen per office and year, with settings from config."""
import pytest

from services.evaluation.rules import choose
from services.evaluation.settings import office_settings
from shared.errors import InvalidInput, NotFound

OFFICE = "DT-VPHDND"


def test_defaults_follow_the_decrees_years():
    assert choose({}, OFFICE, 2025)[0].name == "nd90_2020"
    assert choose({}, OFFICE, 2026)[0].name == "nd335_2025"
    assert choose({}, OFFICE, 2026, "emulation")[0].name == "emulation_2022"


def test_an_office_picks_its_own_rules_and_settings():
    config = {"EVALUATION": {
        "settings": {"nd335_2025": {"levels": {"HTXSNV": 92}}},
        "quota": {"rate": "0.15"},
        "offices": {OFFICE: {"rule_sets": [{"rules": "nd90_2020"}],
                             "settings": {"nd90_2020": {"gap_level": "KHTNV"}},
                             "quota": {"basis": "httnv_or_better"}}}}}
    rules, settings = choose(config, OFFICE, 2026)
    assert rules.name == "nd90_2020" and settings["gap_level"] == "KHTNV"
    other, other_settings = choose(config, "HN-VPHDND", 2026)
    assert other.name == "nd335_2025"
    assert other_settings["levels"] == {"HTXSNV": 92, "HTTNV": 70, "HTNV": 50}
    assert office_settings(config, OFFICE)["quota"] == {
        "rate": "0.15", "excellent_unit_rate": "0.25", "basis": "httnv_or_better"}


def test_unknown_or_missing_rule_sets_are_named():
    with pytest.raises(NotFound) as raised:
        choose({"EVALUATION": {"rule_sets": [{"rules": "nd999"}]}}, OFFICE, 2026)
    assert "nd335_2025" in raised.value.fields["name"][0]
    with pytest.raises(InvalidInput) as raised:
        choose({}, OFFICE, 2020, "emulation")
    assert "2020" in raised.value.fields["year"][0]
