"""Review 7 of issue 14, the correction form: a month not yet due is not missing; a base is an
amount of yuan with at most two decimals (no exponent, nothing absurd); a second correction of
a month while one is open is refused naming the open case. Each refused on the page, in the API
and in the service, in Chinese then English, with nothing opened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.models import Case
from shebao.core.errors import InvalidInput
from shebao.statements.models import Statement
from shebao.statements.services import statement_correction_request, statement_issue
from tests.statements import test_correction as correction
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

D = Decimal
pytestmark = pytest.mark.django_db

_register_test_items = correction._register_test_items
at = correction.at
catalogue = correction.catalogue
skills = correction.skills
working_hours = correction.working_hours
window = correction.window
MATERIALS = correction.MATERIALS


def _ask(clerk, statement, month: dt.date, what: str, base=None):
    return statement_correction_request(
        actor=clerk,
        statement=statement,
        period=month,
        what=what,
        correct_base=base,
        detail="x",
        channel="hall",
        materials=MATERIALS,
    )


def test_the_current_month_is_not_missing(window, clerk, citizen):
    # today is 11 Feb 2025: February's contribution is not due yet
    statement = statement_issue(actor=citizen, person=window, year=2025, channel="online")
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(2025, 2, 1), "missing")
    assert refused.value.field == "period"
    assert "尚未到缴费期" in refused.value.message_zh and "not due yet" in refused.value.message_en
    assert not Case.objects.exists()
    # January, past, can still be asked for
    assert _ask(clerk, statement, dt.date(2025, 1, 1), "missing", D("8000")).item.code == "QY-001"


@pytest.mark.parametrize("base", [D("1e9"), D("1E+3"), D("1000000"), D("99999999.99")])
def test_an_exponent_or_an_absurd_base_is_refused(window, clerk, citizen, base):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 4, 1), "base", base)
    assert refused.value.field == "correct_base"
    assert "最多两位小数" in refused.value.message_zh and "at most two decimals" in refused.value.message_en
    assert not Case.objects.exists()


def test_the_page_and_the_api_refuse_1e9_and_take_a_plain_amount(client, window, citizen):
    sign_in(client, citizen)
    client.get(f"/statements/my/{YEAR}/")
    statement = Statement.objects.get(person=window, year=YEAR)
    form = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    page = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {"key": key, "period": "2024-04", "what": "base", "correct_base": "1e9", "detail": "基数有误"},
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert text.index("缴费基数应为不超过") < text.index("The base is an amount")
    api = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": f"{YEAR}-04-01", "what": "base", "correct_base": 1e9, "detail": "基数有误"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="review7-base-1e9",
    )
    assert api.status_code == 422 and api.json()["field"] == "correct_base"
    assert not Case.objects.exists()
    # a plain amount is taken, and stored as written
    fine = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": f"{YEAR}-04-01", "what": "base", "correct_base": "7000.50", "detail": "基数有误"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="review7-base-plain",
    )
    assert fine.status_code == 201, fine.content
    assert Case.objects.get().form_data["correct_base"] == "7000.50"


def test_a_second_correction_of_a_month_while_one_is_open_names_the_open_case(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    first = _ask(clerk, statement, dt.date(YEAR, 4, 1), "base", D("7000"))
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 4, 1), "other")
    assert first.number in refused.value.message_zh and first.number in refused.value.message_en
    assert Case.objects.count() == 1
    # another month is fine
    assert _ask(clerk, statement, dt.date(YEAR, 6, 1), "other").pk != first.pk
    # once the first is closed, April can be asked again
    Case.objects.filter(pk=first.pk).update(status=Case.Status.COMPLETED)
    assert _ask(clerk, statement, dt.date(YEAR, 4, 1), "other").pk not in (first.pk,)
