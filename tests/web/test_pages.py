"""Each role's home page, the landing page, large text, language switch, the working-day
calculator (with and without htmx), the error pages and the unit staff list's query budget."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shebao.contributions.models import ContributionYear, Insurance
from shebao.core.identifiers import mask_id_number
from shebao.core.models import (
    AuditEvent,
    CalendarYear,
    Job,
    Notification,
    OpeningException,
    OpeningHours,
    Role,
    SkillGroup,
)
from shebao.web.middleware import LARGE_TEXT_COOKIE
from tests.factories import AccountFactory, new_id_number
from tests.web.support import employ, make_person, make_unit, sign_in

pytestmark = pytest.mark.django_db

# A Tuesday in Beijing, mid-morning: an ordinary working day.
TUESDAY = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _body(response) -> str:
    return response.content.decode()


# --- anonymous ---------------------------------------------------------------------------


def test_anonymous_home_redirects_to_the_landing_page(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:landing")


def test_landing_page_offers_three_sign_ins_and_the_calculator(client):
    body = _body(client.get(reverse("web:landing")))
    for name in ("web:login", "web:login_citizen", "web:login_unit"):
        assert f'href="{reverse(name)}"' in body
    assert 'hx-post="/workdays/"' in body
    assert "工作日计算" in body
    assert '<html lang="zh-Hans">' in body


def test_pages_load_no_inline_script_or_style(client):
    response = client.get(reverse("web:landing"))
    body = _body(response)
    assert "<style" not in body and " style=" not in body
    assert "<script>" not in body and "<script src=" in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


# --- staff homes -----------------------------------------------------------------------


def test_clerk_home_shows_office_hours_authority_skills_search_and_own_events(client, clerk, office):
    # given the clerk's office hours on Tuesdays, a skill group and one event of their own
    OpeningHours.objects.create(office=office, weekday=1, opens=dt.time(8, 30), closes=dt.time(17, 0))
    clerk.skill_groups.add(SkillGroup.objects.create(code="enrol", name="参保登记"))
    from shebao.core import audit

    audit.record(actor=clerk, action="case.accept", subject_person="420102198503140011", channel="hall")
    sign_in(client, clerk)
    # when they open their home on a Tuesday
    with time_machine.travel(TUESDAY, tick=False):
        body = _body(client.get(reverse("web:home")))
    # then their desk
    assert "江岸区社会保险管理处" in body
    assert "08:30–17:00" in body
    assert '<dd class="authority">1</dd>' in body
    assert "参保登记" in body
    assert 'action="/persons/search/"' in body
    assert "<span title=\"case.accept\">受理</span>" in body and "4201**********0011" in body
    assert "420102198503140011" not in body


def test_clerk_home_shows_an_exception_day_as_closed(client, clerk, office):
    OpeningHours.objects.create(office=office, weekday=1, opens=dt.time(8, 30), closes=dt.time(17, 0))
    OpeningException.objects.create(office=office, date=TUESDAY.date(), closed=True, note="系统升级")
    sign_in(client, clerk)
    with time_machine.travel(TUESDAY, tick=False):
        body = _body(client.get(reverse("web:home")))
    assert "今日不对外办公" in body and "系统升级" in body
    assert "08:30–17:00" not in body


def test_clerk_home_on_a_public_holiday_says_closed(client, clerk, office):
    # 2026-10-01 is a Thursday and National Day
    OpeningHours.objects.create(office=office, weekday=3, opens=dt.time(9, 0), closes=dt.time(17, 0))
    sign_in(client, clerk)
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=TUESDAY.tzinfo), tick=False):
        body = _body(client.get(reverse("web:home")))
    assert "法定节假日休息（国庆节）" in body


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.HOTLINE])
def test_other_desk_roles_get_the_staff_home(client, office, role):
    user = AccountFactory(username=f"u-{role}", role=role, office=office, authority_level=2, full_name="测试员")
    sign_in(client, user)
    body = _body(client.get(reverse("web:home")))
    assert "江岸区社会保险管理处" in body
    assert '<dd class="authority">2</dd>' in body
    assert 'id="due-date"' in body


def test_bank_agent_home_states_card_services_only_and_offers_no_search(client, bank_agent):
    sign_in(client, bank_agent)
    body = _body(client.get(reverse("web:home")))
    assert "汉口银行江岸支行代理点" in body
    assert "本账户只能办理社会保障卡业务" in body
    assert "/persons/search/" not in body


def test_monitor_home_shows_chain_outbox_and_jobs(client, monitor):
    from shebao.core import audit

    for i in range(3):
        audit.record(actor=monitor, action=("case.accept", "case.review", "case.approve")[i])
    now = timezone.now()
    Notification.objects.create(key="a", channel="sms", recipient="1", body="x", next_attempt_at=now)
    Notification.objects.create(key="b", channel="sms", recipient="1", body="y", next_attempt_at=now, status="failed")
    Job.objects.create(kind="statements.annual", total_chunks=4, done_chunks=1, status="running")
    sign_in(client, monitor)
    body = _body(client.get(reverse("web:home")))
    assert f'<p class="big">{AuditEvent.objects.count()}</p>' in body
    assert '<span title="case.approve">审批</span>' in body  # the action's label, not its code
    assert '<dd class="count count-pending">1</dd>' in body and '<dd class="count count-failed">1</dd>' in body
    assert "statements.annual" in body and '<progress value="0.250" max="1">' in body


def test_district_monitor_sees_only_their_district_offices_events(client, office, other_office, clerk):
    from shebao.core import audit

    other = AccountFactory(username="wc2", role=Role.CLERK, office=other_office)
    audit.record(actor=clerk, action="person.view")
    audit.record(actor=other, action="person.reveal_id")
    monitor = AccountFactory(username="mon-d", role=Role.MONITOR_DISTRICT, office=office, full_name="区监控")
    sign_in(client, monitor)
    body = _body(client.get(reverse("web:home")))
    assert '<span title="person.view">查看个人信息</span>' in body and "person.reveal_id" not in body
    assert "监控 — 江岸区" in body


def test_admin_home_links_admin_and_warns_when_next_year_is_missing(client, admin_user):
    year = timezone.localdate().year
    CalendarYear.objects.get_or_create(year=year, defaults={"source": "test"})
    CalendarYear.objects.filter(year=year + 1).delete()
    sign_in(client, admin_user)
    body = _body(client.get(reverse("web:home")))
    assert 'href="/admin/"' in body
    assert 'id="calendar-warning"' in body and f"{year + 1} 年的节假日安排尚未录入" in body
    # once next year is loaded the warning goes
    CalendarYear.objects.create(year=year + 1, source="国办发明电")
    assert 'id="calendar-warning"' not in _body(client.get(reverse("web:home")))


def test_citizen_home_shows_own_record_contributions_chart_and_notifications(client, citizen, district):
    person = make_person(district=district, name="张三", account=citizen)
    for year, months in ((2023, 12), (2024, 6)):
        ContributionYear.objects.create(
            person=person,
            insurance=Insurance.PENSION,
            year=year,
            months=months,
            base_total=Decimal("60000.00"),
            employer_amount=Decimal("9600.00"),
            personal_amount=Decimal("4800.00"),
            account_credit=Decimal("4800.00"),
        )
    Notification.objects.create(
        key="n1",
        channel="sms",
        recipient="1",
        body="您的参保登记已办结",
        account=citizen,
        next_attempt_at=timezone.now(),
    )
    sign_in(client, citizen)
    body = _body(client.get(reverse("web:home")))
    assert "张三" in body and mask_id_number(person.id_number) in body
    assert person.id_number not in body  # masked here; in full on their person page
    assert "在职职工" in body and "江岸区" in body
    assert "<svg" in body and 'height="120"' in body and 'height="60"' in body  # 12 and 6 months
    assert "累计 1 年 6 个月" in body
    assert "¥4800.00" in body
    assert "您的参保登记已办结" in body
    assert AuditEvent.objects.filter(action="person.view", actor=citizen, subject_person=person.id_number).count() == 1


def test_citizen_home_without_a_linked_record_says_so(client, citizen):
    sign_in(client, citizen)
    body = _body(client.get(reverse("web:home")))
    assert "您的账户尚未关联参保记录" in body
    assert not AuditEvent.objects.filter(action="person.view").exists()


def test_unit_home_lists_current_staff_masked_and_counts_them(client, unit_operator, district):
    unit = make_unit(code=unit_operator.unit_code, district=district, name="江岸测试有限公司")
    current = make_person(district=district, name="在职甲")
    gone = make_person(district=district, name="离职乙")
    employ(current, unit)
    employ(gone, unit, end=dt.date(2024, 6, 30))
    sign_in(client, unit_operator)
    body = _body(client.get(reverse("web:home")))
    assert "江岸测试有限公司" in body
    assert '<dd class="staff-count">1</dd>' in body
    assert "在职甲" in body and "离职乙" not in body
    assert current.id_number not in body and current.id_number[:4] + "**********" in body


def _unit_with_staff(unit_operator, district, n: int):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    for i in range(n):
        employ(make_person(district=district, name=f"职工{i:02d}", id_number=new_id_number()), unit)
    return unit


@pytest.mark.parametrize("staff", [3, 45])
def test_unit_staff_list_query_budget_does_not_grow_with_staff(
    client, unit_operator, district, django_assert_max_num_queries, staff
):
    _unit_with_staff(unit_operator, district, staff)
    sign_in(client, unit_operator)
    with django_assert_max_num_queries(5):  # session, account, unit, count, one page
        response = client.get(reverse("web:home") + "?page=2")
    assert response.status_code == 200


def test_unit_staff_list_is_paginated(client, unit_operator, district):
    _unit_with_staff(unit_operator, district, 25)
    sign_in(client, unit_operator)
    first = _body(client.get(reverse("web:home")))
    second = _body(client.get(reverse("web:home") + "?page=2"))
    assert "职工00" in first and "职工24" not in first
    assert "职工24" in second and "第 2 页，共 2 页" in second


# --- large text, language ----------------------------------------------------------------


def test_large_text_switch_sets_the_cookie_and_the_body_class(client, citizen):
    sign_in(client, citizen)
    assert 'class="large-text"' not in _body(client.get(reverse("web:home")))
    response = client.post(reverse("web:large_text"), {"on": "1", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[LARGE_TEXT_COOKIE].value == "1"
    assert '<body class="large-text">' in _body(client.get(reverse("web:home")))
    client.post(reverse("web:large_text"), {"on": "0", "next": "/"})
    assert 'class="large-text"' not in _body(client.get(reverse("web:home")))


def test_large_text_switch_does_not_redirect_off_site(client):
    response = client.post(reverse("web:large_text"), {"on": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_language_switch_gives_english(client, clerk):
    sign_in(client, clerk)
    assert "工作台" in _body(client.get(reverse("web:home")))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = _body(client.get(reverse("web:home")))
    assert '<html lang="en">' in body
    assert "Workbench" in body and "Authority level" in body and "Window clerk" in body
    assert "工作台" not in body


# --- the working-day calculator ------------------------------------------------------------


def test_due_date_with_htmx_returns_only_the_fragment(client):
    # 2026-02-13 (Fri) + 1 working day = 2026-02-14, the Saturday worked for Spring Festival
    response = client.post(reverse("web:workdays"), {"start": "2026-02-13", "workdays": "1"}, HTTP_HX_REQUEST="true")
    body = _body(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert '<time datetime="2026-02-14">' in body


def test_due_date_without_javascript_returns_the_whole_page(client):
    response = client.post(reverse("web:workdays"), {"start": "2026-09-30", "workdays": "1"})
    body = _body(response)
    assert response.status_code == 200 and "<html" in body
    assert '<time datetime="2026-10-08">' in body  # the National Day holiday (1-7 October) skipped


def test_due_date_in_an_unpublished_year_is_flagged_provisional(client):
    CalendarYear.objects.filter(year=2031).delete()
    body = _body(client.post(reverse("web:workdays"), {"start": "2031-03-03", "workdays": "5"}, HTTP_HX_REQUEST="true"))
    assert "暂定结果" in body and "2031" in body


def test_due_date_bad_input_is_a_clear_message_not_a_500(client):
    response = client.post(reverse("web:workdays"), {"start": "2026-02-30", "workdays": "-3"})
    assert response.status_code == 422
    body = _body(response)
    assert "has-error" in body


# --- error pages -----------------------------------------------------------------------------


def test_unknown_page_gets_the_house_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in _body(response) and "12333" in _body(response)


def test_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "抱歉，系统出现了问题" in _body(response)


def test_every_message_has_its_chinese():
    # a fuzzy or empty entry shows English (or a wrong guess) on a Chinese page
    from pathlib import Path

    import shebao

    folder = Path(shebao.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    po = (folder / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # after the header
    assert not [e for e in entries if "#, fuzzy" in e]
    assert not [e for e in entries if re.search(r'\nmsgstr(\[0\])? ""\Z', e.strip()) and not e.startswith("#~")]


def test_channel_codes_show_as_labels():
    from django.utils import translation

    from shebao.web.templatetags.shebao import channel

    with translation.override("zh-hans"):
        assert channel("hall") == "服务大厅窗口"
    with translation.override("en"):
        assert channel("hall") == "Service hall"
    assert channel("unknown") == "unknown"
