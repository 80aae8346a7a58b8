"""QY-001 over a run of months (issue 14): ``period`` (the first month) to ``period_to`` (the
last, inclusive), the same ``what`` and base for all of them. Completed, every month is corrected
in the completing transaction (one refused: none is), the case's result lists each month's
outcome, and one new statement version supersedes the old. A run overlapping an open
correction is refused naming it; a run outside the statement's year, reversed or in the future
is refused with nothing written, on the page, in the API and in the service. The API takes a
month as ``YYYY-MM`` or ``YYYY-MM-DD``. The employer's evidence is the employer's to give only
where it declared: an employee's month, not a flexible worker's own nor "other".

The person is the statements' hand-built 2024 (tests/statements/conftest.py): 乙 employed and
paid Jul-Nov at a base of 8000 (four insurances), May an interruption; today 11 Feb 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shebao.cases.models import Case
from shebao.cases.selectors import case_progress
from shebao.cases.services import case_act
from shebao.catalog.definitions import Applicant
from shebao.contributions.models import AccountEntry, BaseDifference, Bill, ContributionMonth
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.registry.models import Employment
from shebao.statements.api import CorrectionIn
from shebao.statements.items import CorrectionHandler, employer_declares
from shebao.statements.models import Statement
from shebao.statements.services import statement_correction_request, statement_issue
from tests.statements import test_correction as correction
from tests.statements.conftest import YEAR
from tests.web.support import make_person, sign_in

D = Decimal
pytestmark = pytest.mark.django_db

_register_test_items = correction._register_test_items
at = correction.at
catalogue = correction.catalogue
skills = correction.skills
working_hours = correction.working_hours
window = correction.window
MATERIALS = correction.MATERIALS

JULY, AUGUST, SEPTEMBER = (dt.date(YEAR, m, 1) for m in (7, 8, 9))
EVIDENCE = "单位出具的工资发放记录或缴费工资申报表"


NINE_THOUSAND = D("9000")


def _ask(clerk, statement, first, last, what="base", base=NINE_THOUSAND, materials=MATERIALS):
    return statement_correction_request(
        actor=clerk,
        statement=statement,
        period=first,
        period_to=last,
        what=what,
        correct_base=base,
        detail="乙公司按9000元申报，记录为8000元",
        channel="hall",
        materials=materials,
    )


def _nothing_written(statement) -> None:
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="case.").exists()
    assert list(Statement.objects.filter(person=statement.person).values_list("version", flat=True)) == [1]


def test_a_three_month_base_correction_corrects_each_month_and_issues_one_new_statement(
    client, window, citizen, clerk, reviewer
):
    history = window
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    # given 乙 declared 9000 for July to September where the ledger holds 8000
    case = _ask(clerk, old, JULY, SEPTEMBER)
    assert (case.form_data["period"], case.form_data["period_to"]) == ("2024-07-01", "2024-09-01")
    # when the clerk accepts and the reviewer completes it
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    # then each of the three months is on 9000, its amounts recomputed by the 2024 rule rows
    months = list(ContributionMonth.objects.filter(person=history, period__in=[JULY, AUGUST, SEPTEMBER]))
    assert len(months) == 3
    for month in months:
        assert (month.base, month.pension_personal, month.account_credit) == (D("9000.00"), D("720.00"), D("720.00"))
        assert month.rules["corrected_by"] == case.number
    # October, outside the run, untouched
    assert ContributionMonth.objects.get(person=history, period=dt.date(YEAR, 10, 1)).base == D("8000.00")
    # each month was paid at 8000: a difference bill each, to 乙, naming the case
    bills = {b.period: b for b in Bill.objects.filter(kind=Bill.Kind.DIFFERENCE)}
    assert sorted(bills) == [JULY, AUGUST, SEPTEMBER]
    assert {(b.unit.name, b.case_number) for b in bills.values()} == {("江岸乙公司", case.number)}
    # the case's result lists each month's outcome with its bill
    outcomes = case.result["months"]
    assert [o["period"] for o in outcomes] == ["2024-07-01", "2024-08-01", "2024-09-01"]
    assert {o["outcome"] for o in outcomes} == {"difference_bill"}
    assert [o["difference"]["bill"] for o in outcomes] == [bills[m].number for m in (JULY, AUGUST, SEPTEMBER)]
    assert all(
        bills[m].number in o["difference_note"] for m, o in zip((JULY, AUGUST, SEPTEMBER), outcomes, strict=True)
    )
    assert (case.result["period"], case.result["period_to"]) == ("2024-07-01", "2024-09-01")
    assert AuditEvent.objects.filter(action="contributions.month.correct").count() == 3
    # one new statement version, the old one superseded (and shown so at the verification page)
    versions = Statement.objects.filter(person=history, year=YEAR).order_by("version")
    assert [s.version for s in versions] == [1, 2]
    new = versions[1]
    old.refresh_from_db()
    assert (new.correction_case, old.superseded_by_id, new.superseded_at) == (case.number, new.pk, None)
    assert case.result["statements"] == [new.ref]
    assert [row[1:] for row in new.content["insurances"][0]["months"][6:9]] == [["9000.00", "paid"]] * 3
    assert "已作废" in client.get(f"/verify/statement/{old.ref}/{old.code}").content.decode()
    assert "真实有效" in client.get(f"/verify/statement/{new.ref}/{new.code}").content.decode()


def test_one_month_refused_at_completion_rolls_back_every_month(window, citizen, clerk, reviewer):
    history = window
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    case = _ask(clerk, old, JULY, SEPTEMBER)
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    # given, since the filing, September's bill was reopened (nothing settled to correct against)
    reopened = Bill.objects.create(
        unit=ContributionMonth.objects.get(person=history, period=SEPTEMBER).unit,
        period=SEPTEMBER,
        employer_total=D("100.00"),
        personal_total=D("0.00"),
        due_date=dt.date(2025, 3, 15),
        status=Bill.Status.OPEN,
    )
    ContributionMonth.objects.filter(person=history, period=SEPTEMBER).update(bill=reopened)
    interest = AccountEntry.objects.get(person=history, kind="interest", year=YEAR).amount
    # when the reviewer completes it: refused, naming September
    with pytest.raises(InvalidInput) as refused:
        case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert "2024-09" in refused.value.message_zh and "2024-09" in refused.value.message_en
    # then July and August, corrected earlier in the same transaction, are rolled back too
    bases = ContributionMonth.objects.filter(person=history, period__in=[JULY, AUGUST, SEPTEMBER])
    assert set(bases.values_list("base", flat=True)) == {D("8000.00")}
    assert not Bill.objects.filter(kind=Bill.Kind.DIFFERENCE).exists()
    assert not BaseDifference.objects.exists()
    assert not AuditEvent.objects.filter(action="contributions.month.correct").exists()
    assert AccountEntry.objects.get(person=history, kind="interest", year=YEAR).amount == interest
    assert list(Statement.objects.filter(person=history).values_list("version", flat=True)) == [1]
    assert Case.objects.get(pk=case.pk).status != Case.Status.COMPLETED


def test_a_run_overlapping_an_open_correction_is_refused_naming_it(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    first = _ask(clerk, statement, JULY, SEPTEMBER)
    single = _ask(clerk, statement, dt.date(YEAR, 4, 1), None, base=D("7000"))  # a one-month case
    for start, end in [
        (SEPTEMBER, None),  # the open run's last month alone
        (dt.date(YEAR, 6, 1), JULY),  # overlapping its start
        (AUGUST, dt.date(YEAR, 10, 1)),  # overlapping its end
        (dt.date(YEAR, 6, 1), dt.date(YEAR, 10, 1)),  # around it
    ]:
        with pytest.raises(InvalidInput) as refused:
            _ask(clerk, statement, start, end, what="other")
        assert refused.value.field == "period"
        assert first.number in refused.value.message_zh and first.number in refused.value.message_en
        assert "2024-07 至 2024-09" in refused.value.message_zh and "2024-07 to 2024-09" in refused.value.message_en
    # a run over the open one-month case names that case
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 1), what="other")
    assert single.number in refused.value.message_zh
    assert Case.objects.count() == 2
    # months next to the open run are fine
    assert _ask(clerk, statement, dt.date(YEAR, 10, 1), dt.date(YEAR, 11, 1)).form_data["period_to"] == "2024-11-01"
    # once the run is closed its months can be asked again
    Case.objects.filter(pk=first.pk).update(status=Case.Status.COMPLETED)
    assert _ask(clerk, statement, AUGUST, None, what="other").pk not in (first.pk, single.pk)


@pytest.mark.parametrize(
    ("first", "last", "field", "zh", "en"),
    [
        (SEPTEMBER, JULY, "period_to", "不能早于第一个月", "cannot be before the first"),  # reversed
        (dt.date(YEAR, 11, 1), dt.date(YEAR + 1, 1, 1), "period_to", "同一年度", "in one year"),  # past the year
        (dt.date(YEAR - 1, 11, 1), dt.date(YEAR, 1, 1), "period", f"{YEAR}年度", f"year, {YEAR}"),  # before it
        (JULY, dt.date(2025, 3, 1), "period_to", "不能晚于本月", "future"),  # today is Feb 2025
        (dt.date(2025, 3, 1), dt.date(2025, 4, 1), "period", "不能晚于本月", "future"),
    ],
)
def test_a_run_outside_the_year_reversed_or_in_the_future_is_refused_and_nothing_written(
    window, clerk, citizen, first, last, field, zh, en
):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, first, last, what="other")
    assert refused.value.field == field
    assert zh in refused.value.message_zh and en in refused.value.message_en
    _nothing_written(statement)


def test_a_run_of_this_year_in_the_future_is_refused_against_this_years_statement(window, clerk, citizen):
    # 2025's statement, January to March while it is February: March has not come
    statement = statement_issue(actor=citizen, person=window, year=2025, channel="online")
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(2025, 1, 1), dt.date(2025, 3, 1), what="other")
    assert refused.value.field == "period_to" and "不能晚于本月" in refused.value.message_zh
    assert not Case.objects.exists()


def test_every_month_of_a_run_must_fit_what_is_asked(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    # a base correction over the interruption (May): May has no base to correct
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 1))
    assert "2024-05" in refused.value.message_zh and refused.value.field == "what"
    # a base correction into December, whose bill is still open
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 11, 1), dt.date(YEAR, 12, 1))
    assert "2024-12" in refused.value.message_zh
    # a missing run over months on record
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 6, 1), dt.date(YEAR, 7, 1), what="missing", base=None)
    assert "2024-06" in refused.value.message_zh and refused.value.field == "what"
    assert not Case.objects.exists()


def _form_key(client, statement) -> str:
    form = client.get(f"/statements/s/{statement.ref}/correction/").content.decode()
    assert 'name="period_to"' in form and f'min="{YEAR}-01"' in form
    return form.split('name="key" value="')[1].split('"')[0]


def test_the_page_takes_a_run_of_months(client, window, citizen):
    sign_in(client, citizen)
    client.get(f"/statements/my/{YEAR}/")
    statement = Statement.objects.get(person=window, year=YEAR)
    answer = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {
            "key": _form_key(client, statement),
            "period": "2024-07",
            "period_to": "2024-09",
            "what": "base",
            "correct_base": "9000",
            "detail": "基数应为9000元",
        },
    )
    assert answer.status_code == 201, answer.content.decode()
    case = Case.objects.get(item__code="QY-001")
    assert (case.channel, case.form_data["period"], case.form_data["period_to"]) == (
        "online",
        "2024-07-01",
        "2024-09-01",
    )


@pytest.mark.parametrize(
    ("period", "period_to", "zh", "en"),
    [
        ("2024-07", "2024-13", "请按 年-月 填写月份", "Give the month as YYYY-MM"),
        ("2024-07x", "", "请按 年-月 填写月份", "Give the month as YYYY-MM"),
        ("2024-09", "2024-07", "不能早于第一个月", "cannot be before the first"),
        ("2024-11", "2025-01", "同一年度", "in one year"),
        ("2024-07", "2025-03", "不能晚于本月", "future"),
    ],
)
def test_the_page_refuses_a_bad_run_in_chinese_then_english_and_opens_nothing(
    client, window, citizen, period, period_to, zh, en
):
    sign_in(client, citizen)
    client.get(f"/statements/my/{YEAR}/")
    statement = Statement.objects.get(person=window, year=YEAR)
    answer = client.post(
        f"/statements/s/{statement.ref}/correction/",
        {
            "key": _form_key(client, statement),
            "period": period,
            "period_to": period_to,
            "what": "other",
            "detail": "月份有误",
        },
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert zh in text and en in text and text.index(zh) < text.index(en)
    assert not Case.objects.exists()


@pytest.mark.parametrize("written", ["2026-03", "2026-03-01", "2026-03-31", " 2026-03 "])
def test_the_api_schema_takes_a_month_or_a_day_of_it_as_the_months_first_day(written):
    payload = CorrectionIn.model_validate({"period": written, "what": "base", "correct_base": "9000", "detail": "x"})
    assert (payload.period, payload.period_to) == (dt.date(2026, 3, 1), None)


@pytest.mark.parametrize("written", ["2026-13", "2026-00", "2026-3", "03-2026", "202603", "2026-02-30", 202603])
def test_the_api_schema_refuses_anything_else(written):
    with pytest.raises(ValidationError) as refused:
        CorrectionIn.model_validate({"period": "2026-01", "period_to": written, "what": "other", "detail": "x"})
    (error,) = refused.value.errors()
    assert error["loc"] == ("period_to",) and "年-月" in error["ctx"]["zh"]


def test_the_api_takes_yyyy_mm_and_a_full_date_and_a_run(client, window, citizen):
    sign_in(client, citizen)

    def post(key, **body):
        return client.post(
            f"/api/v1/my/statements/{YEAR}/corrections",
            {"what": "other", "detail": "月份有误", **body},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    assert post("api-month-1", period=f"{YEAR}-03").status_code == 201
    assert post("api-month-2", period=f"{YEAR}-04-15").status_code == 201
    answer = post("api-month-3", period=f"{YEAR}-07", period_to=f"{YEAR}-09-01")
    assert answer.status_code == 201, answer.content
    forms = [c.form_data for c in Case.objects.order_by("id")]
    assert [(f["period"], f.get("period_to")) for f in forms] == [
        ("2024-03-01", None),
        ("2024-04-01", None),  # a day of the month is its month
        ("2024-07-01", "2024-09-01"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": f"{YEAR}-13"}, "period"),
        ({"period": f"{YEAR}-07", "period_to": f"{YEAR}-13"}, "period_to"),
        ({"period": f"{YEAR}-7"}, "period"),
        ({"period": f"{YEAR}-02-30"}, "period"),
    ],
)
def test_the_api_gives_a_bilingual_422_for_a_month_that_is_not_one_and_opens_nothing(
    client, window, citizen, body, field
):
    sign_in(client, citizen)
    answer = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"what": "other", "detail": "月份有误", **body},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-month-bad",
    )
    assert answer.status_code == 422, answer.content
    problem = answer.json()
    assert problem["errors"][0]["field"] == f"payload.{field}"
    assert "年-月" in problem["message"] and "YYYY-MM" in problem["message_en"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "zh"),
    [
        ({"period": f"{YEAR}-09", "period_to": f"{YEAR}-07"}, "period_to", "不能早于第一个月"),
        ({"period": f"{YEAR}-11", "period_to": f"{YEAR + 1}-01"}, "period_to", "同一年度"),
        ({"period": f"{YEAR}-07", "period_to": "2025-03"}, "period_to", "不能晚于本月"),
    ],
)
def test_the_api_refuses_a_bad_run_with_a_422_and_opens_nothing(client, window, citizen, body, field, zh):
    sign_in(client, citizen)
    answer = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"what": "other", "detail": "月份有误", **body},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-run-bad",
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field and zh in answer.json()["message"]
    assert not Case.objects.exists()


def test_the_openapi_schema_documents_the_month(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CorrectionIn"]
    for name in ("period", "period_to"):
        text = str(schema["properties"][name])
        assert "[0-9]{4}-[0-9]{2}(-[0-9]{2})?" in text and "YYYY-MM" in text
    assert schema["required"] == ["period", "what", "detail"]


# --- the employer's evidence: the employer's only where the employer declared ------------------


def _needs_evidence(form, person) -> bool:
    applicant = Applicant(id_number=person.id_number, name=person.name)
    return CorrectionHandler().materials_required(item=None, form=form, applicant=applicant)["employer_evidence"]


def test_the_employers_evidence_is_needed_for_an_employees_months_only(window, district):
    history = window
    base = {"id_number": history.id_number, "period": "2024-07-01", "period_to": "2024-09-01"}
    # an employee's months, paid through 乙: a base correction needs 乙's payroll record
    assert _needs_evidence({**base, "what": "base"}, history) is True
    # "other": the office checks its own records
    assert _needs_evidence({**base, "what": "other"}, history) is False
    # May, the interruption (no employer): no employer to declare it
    may = {**base, "period": "2024-05-01", "period_to": "", "what": "missing"}
    assert _needs_evidence(may, history) is False
    # a month missing while 乙 employed him (the registry corrected: from May)
    Employment.objects.filter(person=history, start=dt.date(YEAR, 6, 1)).update(start=dt.date(YEAR, 5, 1))
    assert _needs_evidence(may, history) is True and employer_declares(may) is True
    # a flexible worker's own months: no employer ever
    worker = make_person(district=district, name="李四")
    ContributionMonth.objects.create(
        person=worker, unit=None, period=JULY, base=D("4000"), status="paid", account_credit=D("320.00")
    )
    own = {"id_number": worker.id_number, "period": "2024-05-01", "period_to": "2024-07-01"}
    assert _needs_evidence({**own, "what": "missing"}, worker) is False
    assert _needs_evidence({**own, "what": "other"}, worker) is False


def test_an_employees_base_correction_waits_for_the_employers_evidence(window, citizen, clerk):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    case = _ask(clerk, statement, JULY, SEPTEMBER, materials={"id_card": "received"})
    assert EVIDENCE in case_progress(case=case)["missing_materials"]
    assert case.status == Case.Status.AWAITING_MATERIALS


def test_a_case_without_an_employer_to_declare_does_not_wait_for_the_employers_evidence(window, citizen, clerk):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    case = _ask(clerk, statement, JULY, SEPTEMBER, what="other", base=None, materials={"id_card": "received"})
    assert EVIDENCE not in case_progress(case=case)["missing_materials"]


def test_a_missing_month_without_an_employer_is_a_back_payment_refused_at_filing(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    # May, the interruption: nobody employed him, so nothing can be put back through an employer
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, dt.date(YEAR, 5, 1), dt.date(YEAR, 5, 1), what="missing", base=None)
    assert "2024-05" in refused.value.message_zh and "JF-002" in refused.value.message_zh
    assert refused.value.field == "period"
    _nothing_written(statement)
    # once the registry has 乙 employing him from May, the same month is a correction to file
    Employment.objects.filter(person=window, start=dt.date(YEAR, 6, 1)).update(start=dt.date(YEAR, 5, 1))
    case = _ask(clerk, statement, dt.date(YEAR, 5, 1), dt.date(YEAR, 5, 1), what="missing", base=None)
    assert case.form_data["period"] == "2024-05-01"


def test_a_base_correction_of_a_month_transferred_in_is_sent_to_the_sending_place(window, clerk, citizen):
    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    ContributionMonth.objects.filter(person=window, period=JULY).update(status="transferred_in", unit=None)
    with pytest.raises(InvalidInput) as refused:
        _ask(clerk, statement, JULY, SEPTEMBER)
    # not "paid as a flexible worker": a transferred month's base is the sending place's record
    assert "2024-07" in refused.value.message_zh and "转入" in refused.value.message_zh
    assert "灵活就业" not in refused.value.message_zh and "transferred in" in refused.value.message_en
    _nothing_written(statement)


def test_the_statement_number_is_read_in_any_case(window, citizen):
    from shebao.catalog.models import ServiceItem

    statement = statement_issue(actor=citizen, person=window, year=YEAR, channel="online")
    applicant = Applicant(id_number=window.id_number, name=window.name)
    form = {
        "id_number": window.id_number,
        "name": window.name,
        "statement_ref": f"  {statement.ref.lower()} ",
        "period": JULY.isoformat(),
        "what": "other",
        "detail": "核对",
    }
    item = ServiceItem.objects.get(code="QY-001")
    cleaned = CorrectionHandler().clean(item=item, form=form, applicant=applicant)
    assert cleaned["statement_ref"] == statement.ref


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_the_api_schema_takes_an_empty_to_month_as_one_month(blank):
    payload = CorrectionIn(period="2024-07", period_to=blank, what="other", detail="核对")
    assert (payload.period, payload.period_to) == (JULY, None)
    # the first month itself is never blank
    with pytest.raises(ValidationError) as refused:
        CorrectionIn.model_validate({"period": blank, "what": "other", "detail": "x"})
    assert refused.value.errors()[0]["loc"] == ("period",)
