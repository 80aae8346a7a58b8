"""Issue #11: the period paid at the original place against the person's age — a period from
before the month they turned 16, or ending after the month of application, is refused at the
window (YL-003 and YL-004), with the reason naming the field, and nothing opened; every demo
transfer's period starts after the person's 16th birthday."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases import services as case_services
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.errors import InvalidInput
from shebao.core.models import Role, SkillGroup
from shebao.pensions.transfers.demo import write_demo_transfers
from shebao.pensions.transfers.models import Transfer
from tests.conftest import _staff
from tests.factories import citizen_account, new_id_number
from tests.pensions.transfers.conftest import months, person_of

FORM = {
    "phone": "13800138000",
    "from_place": "广东省深圳市",
    "from_agency": "深圳市社会保险基金管理局",
    "from_agency_code": "440300",
}


def apply(clerk, citizen, district, item_code="YL-003", **period):
    form = {**FORM, "id_number": citizen.id_number, "name": citizen.full_name, **period}
    if item_code == "YL-004":
        form.pop("from_agency_code")
    return case_services.case_open(
        actor=clerk,
        item_code=item_code,
        applicant=Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen),
        channel="hall",
        form=form,
        materials={"id_card": "received", "contribution_certificate": "commitment"}
        if item_code == "YL-003"
        else {"id_card": "received"},
        phone="13800138000",
    )


@pytest.mark.parametrize("item_code", ["YL-003", "YL-004"])
@pytest.mark.parametrize(
    ("period", "field", "reason"),
    [
        (  # born 1985-03-14: 16 in 2001-03
            {"period_from": "2001-02-01", "period_to": "2005-12-01"},
            "period_from",
            "原参保地缴费起始月份 2001-02 早于参保人年满16周岁的月份 2001-03，请核对原参保地缴费凭证",
        ),
        (  # the reviewer's case: a period from the age of 3
            {"period_from": "1988-03-01", "period_to": "2002-12-01"},
            "period_from",
            "原参保地缴费起始月份 1988-03 早于参保人年满16周岁的月份 2001-03，请核对原参保地缴费凭证",
        ),
        (  # applied on Mon 2 Mar 2026
            {"period_from": "2015-07-01", "period_to": "2026-04-01"},
            "period_to",
            "原参保地缴费截止月份 2026-04 晚于申请当月 2026-03",
        ),
    ],
)
def test_a_period_before_16_or_after_the_application_month_is_refused_at_the_window(
    world, district, citizen, clerk, item_code, period, field, reason
):
    # given a person born 1985-03-14 registered here
    person_of(citizen, district)
    # when the window receives a transfer whose period the person's age cannot hold
    with pytest.raises(InvalidInput) as refused:
        apply(clerk, citizen, district, item_code, **period)
    # then it is refused with the reason naming the field, and nothing is opened
    assert refused.value.message_zh == reason
    assert refused.value.field == field
    assert not Case.objects.exists() and not Transfer.objects.exists()


def test_a_period_from_the_16th_birthday_month_to_the_application_month_is_received(world, district, citizen, clerk):
    person_of(citizen, district)
    case = apply(clerk, citizen, district, period_from="2001-03-01", period_to="2026-03-01")
    assert case.number and case.form_data["period_from"] == "2001-03-01"


def test_every_demo_transfer_in_starts_after_the_persons_16th_birthday(world, district, office):
    # given a young applicant (born 1999-06: 16 in 2015-06, 18 in 2017-06) first, older ones after
    second = _staff("reviewer_yl", Role.REVIEWER, office, 2)
    second.skill_groups.add(SkillGroup.objects.get(code="benefit"))
    for n, birth in enumerate([dt.date(1999, 6, 1), dt.date(1980, 1, 1), dt.date(1978, 5, 1), dt.date(1975, 1, 1)]):
        account = citizen_account(name=f"转入{n}", id_number=new_id_number("420102", birth))
        person = person_of(account, district, birth=birth)
        months(person, dt.date(2024, 1, 1), 6, Decimal("6000.00"))
    # when the demo is written
    write_demo_transfers(today=dt.date(2026, 3, 2))
    # then the four transfers in are made, each from no earlier than the person's 18th birthday month
    transfers = list(Transfer.objects.filter(direction="in"))
    assert len(transfers) == 4
    for t in transfers:
        assert t.period_from >= dt.date(t.birth_date.year + 18, t.birth_date.month, 1), (t.birth_date, t.period_from)
        assert t.period_to <= dt.date(2026, 3, 1)
    # the young man is not given Shenzhen 2012-03..2016-08 (ages 12 to 17) but Hangzhou
    # 2016-01..2019-06 cut to start at his 18th birthday month, 2017-06
    young = Transfer.objects.get(direction="in", birth_date=dt.date(1999, 6, 1))
    assert (young.period_from, young.period_to, young.other_agency) == (
        dt.date(2017, 6, 1),
        dt.date(2019, 6, 1),
        "330100",
    )
