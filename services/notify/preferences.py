"""Each person's choices: channels per category, quiet hours, digest time (pure functions).

Quiet hours are read in the office's time zone (Asia/Ho_Chi_Minh); a window may cross
midnight (21:00-07:00).  During it, intrusive channels (email, webhook, ...) wait until the
window ends; urgent notices and escalations go at once; the inbox is never held back.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from shared.errors import InvalidInput
from shared.timeutil import TIMEZONE

CATEGORIES = ("document", "task", "deadline", "escalation", "evaluation", "digest", "general")
ANY_CATEGORY = "*"
DEFAULT_CHANNELS = {ANY_CATEGORY: ["inbox", "email"]}
DEFAULT_FALLBACK = ["inbox"]
BYPASS_CATEGORIES = ("escalation",)
CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])\Z")


def bypasses_quiet(urgent, category):
    return bool(urgent) or category in BYPASS_CATEGORIES


def parse_clock(text, field_name):
    """A wall-clock time from "HH:MM" (or "H:MM"); InvalidInput naming `field_name` otherwise."""
    match = CLOCK.match(text) if isinstance(text, str) else None
    if not match:
        raise InvalidInput(f"{field_name} must be a time HH:MM such as 07:30",
                           {field_name: [f"not a time HH:MM: {str(text)[:20]!r}"]})
    return time(int(match.group(1)), int(match.group(2)))


def clock(value):
    return value.strftime("%H:%M") if value else None


@dataclass(frozen=True)
class Preferences:
    channels: dict = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest_time: time | None = None
    addresses: dict = field(default_factory=dict)
    fallback: list = field(default_factory=lambda: list(DEFAULT_FALLBACK))

    def channels_for(self, category):
        chosen = self.channels.get(category)
        if chosen is None:
            chosen = self.channels.get(ANY_CATEGORY, DEFAULT_CHANNELS[ANY_CATEGORY])
        return list(chosen)

    def failover_order(self, category):
        """Channels a notice of `category` may go to when one gives up, in order."""
        return list(dict.fromkeys(self.channels_for(category) + list(self.fallback)))

    def as_dict(self):
        quiet = ({"start": clock(self.quiet_start), "end": clock(self.quiet_end)}
                 if self.quiet_start else None)
        return {"channels": dict(self.channels), "quiet_hours": quiet,
                "digest_time": clock(self.digest_time), "addresses": dict(self.addresses),
                "fallback": list(self.fallback)}


def effective(stored, defaults=None):
    """A person's preferences: what they stored over the office's defaults.

    `stored` and `defaults` are dicts shaped like `Preferences.as_dict()` (either may be None).
    """
    merged = {"channels": dict(DEFAULT_CHANNELS), "quiet_hours": None, "digest_time": None,
              "addresses": {}, "fallback": list(DEFAULT_FALLBACK)}
    for layer in (defaults or {}, stored or {}):
        if layer.get("channels"):
            merged["channels"] = {**merged["channels"], **layer["channels"]}
        for key in ("quiet_hours", "digest_time", "fallback"):
            if key in layer:
                merged[key] = layer[key]
        merged["addresses"].update(layer.get("addresses") or {})
    quiet = merged["quiet_hours"] or {}
    return Preferences(
        channels=merged["channels"],
        quiet_start=parse_clock(quiet["start"], "quiet_hours.start") if quiet else None,
        quiet_end=parse_clock(quiet["end"], "quiet_hours.end") if quiet else None,
        digest_time=(parse_clock(merged["digest_time"], "digest_time")
                     if merged["digest_time"] else None),
        addresses=merged["addresses"], fallback=list(merged["fallback"] or []))


def validate(given, channel_names, address_problem):
    """Check loaded preferences against the installed channels; InvalidInput names each field.

    `address_problem(channel, address)` returns an error text or None.
    """
    errors = {}
    for category, names in (given.get("channels") or {}).items():
        if category != ANY_CATEGORY and category not in CATEGORIES:
            errors.setdefault("channels", []).append(
                f"unknown category {category!r}; use {', '.join(CATEGORIES)} or '*'")
        unknown = [name for name in names if name not in channel_names]
        if unknown:
            errors.setdefault(f"channels.{category}", []).append(
                f"unknown channel(s) {unknown}; installed: {', '.join(channel_names)}")
        if len(set(names)) != len(names):
            errors.setdefault(f"channels.{category}", []).append("a channel is listed twice")
    unknown = [name for name in given.get("fallback") or [] if name not in channel_names]
    if unknown:
        errors["fallback"] = [f"unknown channel(s) {unknown}; installed: {', '.join(channel_names)}"]
    quiet = given.get("quiet_hours")
    if quiet:
        for end in ("start", "end"):
            try:
                parse_clock(quiet.get(end), f"quiet_hours.{end}")
            except InvalidInput as exc:
                errors.update(exc.fields)
        if not errors.get("quiet_hours.start") and quiet.get("start") == quiet.get("end"):
            errors["quiet_hours"] = ["start and end must differ"]
    if given.get("digest_time"):
        try:
            parse_clock(given["digest_time"], "digest_time")
        except InvalidInput as exc:
            errors.update(exc.fields)
    for channel, address in (given.get("addresses") or {}).items():
        if channel not in channel_names:
            errors.setdefault("addresses", []).append(f"unknown channel {channel!r}")
            continue
        problem = address_problem(channel, address)
        if problem:
            errors[f"addresses.{channel}"] = [f"{address!r}: {problem}"]
    if errors:
        raise InvalidInput("the preferences are not valid", errors)
    return given


def merge(stored, given):
    """Stored preferences changed by `given`: keys left out keep their value, None clears one;
    ``channels`` and ``addresses`` change per key."""
    merged = dict(stored)
    for key, value in given.items():
        if key in ("channels", "addresses") and value is not None:
            merged[key] = {**(merged.get(key) or {}), **value}
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _local(moment):
    return moment.astimezone(TIMEZONE) if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)


def in_quiet_hours(moment, start, end):
    if start is None or end is None:
        return False
    now = _local(moment).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end


def quiet_until(moment, preferences):
    """When an intrusive notice may go out: None for now, else the end of the quiet window."""
    start, end = preferences.quiet_start, preferences.quiet_end
    if not in_quiet_hours(moment, start, end):
        return None
    local = _local(moment)
    release = datetime.combine(local.date(), end, tzinfo=TIMEZONE)
    if release <= local:
        release += timedelta(days=1)
    return release


def digest_due(moment, digest_time, calendar):
    """Whether a digest chosen for `digest_time` is due on `moment`'s day (working days only)."""
    if digest_time is None:
        return False
    local = _local(moment)
    return calendar.is_working_day(local.date()) and local.time() >= digest_time
