"""What a reviewer of issue 14 found, each fixed: a correction that completion would refuse is
refused when filed (service, page, API), in Chinese and English, with nothing opened."""

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


@pytest.mark.parametrize(
    ("month", "what", "base", "field", "zh", "en"),
    [
        (4, "missing", None, "what", "已有缴费记录", "is on record"),  # April paid at 甲: not missing
        (5, "base", D("7000"), "what", "无缴费记录", "not on record"),  # May: the interruption, no base to correct
        # January: transferred in, its base the sending place's record (not a flexible worker's grade)
        (1, "base", D("7000"), "period", "转出地", "sending place"),
        (5, "missing", D("7000"), "period", "JF-002", "back-payment"),  # May: no employer to put it back through
    ],
)
def test_a_correction_completion_would_refuse_is_refused_when_filed(
    window, clerk, citizen, month, what, base, field, zh, en
):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    with pytest.raises(InvalidInput) as refused:
        statement_correction_request(
            actor=clerk,
            statement=statement,
            period=dt.date(YEAR, month, 1),
            what=what,
            correct_base=base,
            detail="x",
            channel="hall",
            materials=MATERIALS,
        )
    assert refused.value.field == field
    assert zh in refused.value.message_zh and en in refused.value.message_en
    assert not Case.objects.exists()


def test_a_missing_month_that_is_paid_is_refused_on_the_page_and_in_the_api(client, window, citizen):
    sign_in(client, citizen)
    client.get(f"/statements/my/{YEAR}/")
    statement = Statement.objects.get(person=window, year=YEAR)
    form = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    page = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {"key": key, "period": "2024-03", "what": "missing", "correct_base": "", "detail": "3月缺失"},
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "2024-03 已有缴费记录" in text
    api = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": f"{YEAR}-03-01", "what": "missing", "detail": "3月缺失"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="review-fix-missing-march",
    )
    assert api.status_code == 422, api.content
    body = api.json()
    assert (body["field"], "已有缴费记录" in body["message"], "is on record" in body["message_en"]) == (
        "what",
        True,
        True,
    )
    assert not Case.objects.exists()


def test_a_missing_month_not_on_record_while_employed_is_still_accepted(window, clerk, citizen):
    from shebao.registry.models import Employment

    # May, once the registry has 乙 employing him from then
    Employment.objects.filter(person=window, start=dt.date(YEAR, 6, 1)).update(start=dt.date(YEAR, 5, 1))
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    case = statement_correction_request(
        actor=clerk,
        statement=statement,
        period=dt.date(YEAR, 5, 1),
        what="missing",
        correct_base=D("8000"),
        detail="5月缺失",
        channel="hall",
        materials=MATERIALS,
    )
    assert case.item.code == "QY-001"


@pytest.mark.parametrize("year", ["1800", "3000", "12345678901234567890"])
def test_a_wrong_year_answers_a_422_page_in_chinese_then_english(client, history, citizen, year):
    sign_in(client, citizen)
    answer = client.get(f"/statements/my/{year}/")
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "年度" in text and ("The year is 1996 to 2025" in text or "Not a year" in text)
    assert text.index("年度") < text.index("The year is" if "The year is" in text else "Not a year")
    assert "URLconf" not in text  # never the debug list of patterns


def test_a_guessed_ref_and_the_window_for_a_citizen_answer_in_both_languages(client, history, citizen):
    sign_in(client, citizen)
    guessed = client.get("/statements/s/QY2024-GUESSED.pdf")
    assert guessed.status_code == 404
    assert "未找到该记录单" in guessed.content.decode() and "No such statement" in guessed.content.decode()
    window_page = client.get("/statements/window/")
    assert window_page.status_code == 403
    text = window_page.content.decode()
    assert text.index("窗口经办员可以打印权益记录单") < text.index("Only a window clerk")


def test_the_interest_rate_reads_as_a_percentage(client, history, citizen):
    sign_in(client, citizen)
    page = client.get(f"/statements/my/{YEAR}/").content.decode()
    rate = Statement.objects.get(person=history, year=YEAR).content["pension_account"]["rate"]
    assert rate == "0.02620"  # the signed content keeps the rate as stored
    assert "2.62%" in page and ">0.02620<" not in page
