from datetime import datetime, time

import pytest

from services.notify import preferences
from services.notify.preferences import (Preferences, bypasses_quiet, digest_due, effective,
                                         in_quiet_hours, merge, quiet_until, validate)
from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput
from shared.timeutil import TIMEZONE

NIGHT = Preferences(quiet_start=time(21, 0), quiet_end=time(7, 0))


def local(*args):
    return datetime(*args, tzinfo=TIMEZONE)


def test_quiet_hours_across_midnight_release_at_the_end_in_the_office_zone():
    assert in_quiet_hours(local(2026, 11, 23, 22, 30), time(21), time(7))
    assert in_quiet_hours(local(2026, 11, 23, 6, 59), time(21), time(7))
    assert not in_quiet_hours(local(2026, 11, 23, 7, 0), time(21), time(7))
    assert quiet_until(local(2026, 11, 23, 22, 30), NIGHT) == local(2026, 11, 24, 7, 0)
    assert quiet_until(local(2026, 11, 24, 5, 0), NIGHT) == local(2026, 11, 24, 7, 0)
    assert quiet_until(local(2026, 11, 24, 12, 0), NIGHT) is None
    # a UTC instant is read in Asia/Ho_Chi_Minh: 15:30 UTC is 22:30 there
    from datetime import timezone
    assert quiet_until(datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc), NIGHT) == \
        local(2026, 11, 24, 7, 0)


def test_a_daytime_window_and_no_window():
    lunch = Preferences(quiet_start=time(11, 30), quiet_end=time(13, 30))
    assert quiet_until(local(2026, 11, 23, 12, 0), lunch) == local(2026, 11, 23, 13, 30)
    assert quiet_until(local(2026, 11, 23, 14, 0), lunch) is None
    assert quiet_until(local(2026, 11, 23, 23, 0), Preferences()) is None


def test_urgent_and_escalations_bypass_quiet_hours():
    assert bypasses_quiet(True, "task") and bypasses_quiet(False, "escalation")
    assert not bypasses_quiet(False, "deadline")


def test_digest_is_due_on_working_days_from_the_chosen_time():
    calendar = WorkingCalendar()
    assert digest_due(local(2026, 11, 23, 7, 30), time(7, 30), calendar)       # a Monday
    assert not digest_due(local(2026, 11, 23, 7, 29), time(7, 30), calendar)
    assert not digest_due(local(2026, 11, 22, 9, 0), time(7, 30), calendar)   # Sunday
    assert not digest_due(local(2026, 9, 2, 9, 0), time(7, 30), calendar)      # Quốc khánh
    assert not digest_due(local(2026, 11, 23, 9, 0), None, calendar)


def test_effective_preferences_layer_office_defaults_and_the_persons_choice():
    prefs = effective({"channels": {"deadline": ["email"]}, "quiet_hours": {"start": "22:00", "end": "06:30"}},
                      {"channels": {"*": ["inbox"]}, "digest_time": "07:30"})
    assert prefs.channels_for("deadline") == ["email"]
    assert prefs.channels_for("task") == ["inbox"]
    assert prefs.digest_time == time(7, 30) and prefs.quiet_end == time(6, 30)
    assert prefs.failover_order("deadline") == ["email", "inbox"]
    assert effective(None).channels_for("task") == ["inbox", "email"]


def test_validation_names_each_field_and_rule():
    with pytest.raises(InvalidInput) as raised:
        validate({"channels": {"task": ["inbox", "zalo"], "weather": ["inbox"]},
                  "quiet_hours": {"start": "25:00", "end": "07:00"}, "digest_time": "7h",
                  "addresses": {"email": "not-an-address"}, "fallback": ["sms"]},
                 ["email", "inbox", "webhook"],
                 lambda channel, address: None if "@" in address else "not an email address")
    fields = raised.value.fields
    assert set(fields) == {"channels", "channels.task", "quiet_hours.start", "digest_time",
                           "addresses.email", "fallback"}
    assert "zalo" in fields["channels.task"][0]


def test_merge_changes_only_what_is_given_and_null_clears():
    stored = {"channels": {"task": ["inbox"]}, "quiet_hours": {"start": "21:00", "end": "07:00"}}
    merged = merge(stored, {"channels": {"deadline": ["email"]}, "quiet_hours": None,
                            "digest_time": "07:30"})
    assert merged == {"channels": {"task": ["inbox"], "deadline": ["email"]},
                      "digest_time": "07:30"}


def test_parse_clock_rejects_nonsense():
    assert preferences.parse_clock("07:05", "x") == time(7, 5)
    for text in ("7", "24:00", "07:5", None):
        with pytest.raises(InvalidInput):
            preferences.parse_clock(text, "x")
