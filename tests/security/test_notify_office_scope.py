"""Hole 9 (issue 9) in notify, as the attacker did it: a tenant of one office asks notify about
staff ids and units of another office.  The answer must be exactly the answer about ids
nobody has, so it tells nothing about who exists elsewhere."""
import json

import pytest

from tests.conftest import OTHER_OFFICE
from tests.integration.test_notify import call, notify, with_staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration

ELSEWHERE = [{"staff_id": "hn1", "full_name": "Trần Hà", "unit_code": "HNTH",
              "unit_name": "Phòng Tổng hợp Hà Nội", "email": "ha@hanoi.gov.vn"}]


def renamed(answer, names):
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    for old, new in names.items():
        text = text.replace(old, new)
    return json.loads(text)


def test_another_offices_staff_id_and_unit_answer_exactly_like_ones_nobody_has(notify, token):
    with_staff(notify, token, ELSEWHERE, office=OTHER_OFFICE)
    tenant = token("svc", ["service"])     # a valid token of DT-VPHDND
    names = {"hn1": "zz1", "HNTH": "ZZTH"}

    probe = call(notify, tenant, "resolve", recipients=["hn1", "unit:HNTH"])
    blank = call(notify, tenant, "resolve", recipients=["zz1", "unit:ZZTH"])
    assert renamed(probe, names) == blank

    def send(recipients, key):
        return call(notify, tenant, "send", recipients=recipients, template="general",
                    data={"title": "Hỏi thăm", "body": "Có ai không?"}, idempotency_key=key)
    probe = send(["hn1", "unit:HNTH"], "probe")
    blank = send(["zz1", "unit:ZZTH"], "blank")
    assert renamed(probe, {**names, "send:probe": "send:blank"}) == blank
