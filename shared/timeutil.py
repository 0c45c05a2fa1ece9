"""Time in the suite's zone, Asia/Ho_Chi_Minh."""
from datetime import datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def now_local():
    return datetime.now(TIMEZONE)


def today_local():
    return now_local().date()
