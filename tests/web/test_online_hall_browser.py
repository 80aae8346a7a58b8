"""Issue 13's browser test, in Debian's Chromium in real time on a phone-sized page: a flexible
worker signs in to the online hall, applies for a grade change (JF-001) from the list of what
they can apply for, sees the case waiting for the ID card, uploads it, and sees the case in
progress with its due date; the district's clerk accepts and the reviewer completes it (service
calls, as the window would); the person sees the completion among their messages, with the
unread count in the navigation, and marks it read. No serious axe-core violation on the new
pages (in large text too), no CSP error. Screenshots in ``test-artifacts/``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shebao.cases.models import Case, CaseMaterial
from shebao.cases.services import case_act
from shebao.contributions.grades import flexible_grade_on
from shebao.core.models import Notification, SkillGroup
from shebao.registry.models import Person
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    large_text,
    screenshot,
    sign_in_citizen,
    watch_csp,
)
from tests.cases.conftest import PDF, verify_uploads
from tests.web.support import make_person
from tests.web.test_engine_browser import open_office  # noqa: F401 (the open office fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_applies_online_for_a_grade_change_and_reads_that_it_completed(
    chromium,  # noqa: F811
    live_server,
    catalogue,
    open_office,  # noqa: F811
    clerk,
    reviewer,
    citizen,
    district,
    settings,
    tmp_path,
):
    # given a registered flexible worker whose account is the citizen's, and the district's
    # clerk and reviewer in the contribution skill group
    settings.MEDIA_ROOT = tmp_path / "media"
    person = make_person(district=district, account=citizen, name="张三", category=Person.Category.FLEXIBLE)
    group = SkillGroup.objects.get(code="contribution")
    for staff in (clerk, reviewer):
        staff.skill_groups.add(group)
    this_month = timezone.localdate().replace(day=1)
    with browser_page(chromium, viewport=PHONE) as page:
        csp_errors = watch_csp(page)
        # when the person signs in: their home is the online hall
        sign_in_citizen(page, live_server.url, citizen.id_number)
        assert page.locator("#online-hall a[data-hall]").count() == 9
        # and applies for the grade change from the list of what they can apply for
        page.click('#online-hall a[data-hall="apply"]')
        page.wait_for_url("**/online/apply/")
        assert axe_serious(page) == []
        page.click('a[href="/online/apply/JF-001/"]')
        page.wait_for_url("**/online/apply/JF-001/")
        assert "张三" in page.inner_text("#applicant-shown")
        assert axe_serious(page) == []
        page.fill("#id_f_start_month", this_month.isoformat())
        page.fill("#id_f_grade_percent", "150")
        page.fill("#id_phone", "13900001111")
        screenshot(page, "online-apply-grade.png")
        page.click("form.apply button.primary")
        page.wait_for_url("**/cases/*/")
        # then the case page: waiting for the ID card, which they upload there
        case = Case.objects.get(item__code="JF-001")
        assert (case.channel, case.applicant_account_id) == ("online", citizen.pk)
        assert "待补正材料" in page.inner_text("main")
        page.set_input_files(
            "#file-id_card", files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.click('#supply-id_card button[value="upload"]')
        # and the file waits for the office's check (issue 13): no clock yet
        page.wait_for_selector("main :text('待经办机构核验')")
        case.refresh_from_db()
        assert case.status == Case.Status.AWAITING_MATERIALS and case.due_date is None
        row = CaseMaterial.objects.get(case=case, material__code="id_card")
        assert (row.status, row.verification, row.verified_by_id) == ("uploaded", "pending", None)
        # once the district's clerk verified it, the case is in progress, with its due date
        case = verify_uploads(case)
        page.reload()
        main = page.inner_text("main")
        assert "办理中" in main
        assert case.status == Case.Status.IN_PROGRESS and case.due_date is not None
        assert case.due_date.isoformat() in main
        row.refresh_from_db()
        assert (row.status, row.verified_by_id) == ("uploaded", clerk.pk)  # the office checked the file
        assert axe_serious(page) == []
        screenshot(page, "online-case-in-progress.png")

        # when the district's clerk accepts and the reviewer completes the case
        case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept", channel="hall")
        case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review", channel="hall")
        assert case.status == Case.Status.COMPLETED
        assert flexible_grade_on(person=person, month=this_month + dt.timedelta(days=40)).ratio == 1.5

        # then the person sees the unread count in the navigation and the completion message
        page.goto(f"{live_server.url}/")
        unread = Notification.objects.filter(account=citizen, read_at__isnull=True).count()
        assert page.locator(f'nav a:has-text("我的消息 ({unread})")').count() == 1
        page.click('#online-hall a[data-hall="messages"]')
        page.wait_for_url("**/online/messages/")
        done = Notification.objects.get(account=citizen, key__startswith=f"case:{case.pk}:completed:")
        assert "已办结" in page.inner_text(f"#message-{done.pk}")
        assert axe_serious(page) == []
        # in large text too
        large_text(page)
        assert axe_serious(page) == []
        screenshot(page, "online-messages-large-text.png")
        # when they mark it read, the count drops by one
        page.click(f"#message-{done.pk} button")
        page.wait_for_selector(f"#message-{done.pk}:not(.unread)")
        done.refresh_from_db()
        assert done.read_at is not None
        label = f"我的消息 ({unread - 1})" if unread > 1 else "我的消息 / My messages"
        assert page.locator(f'nav a:has-text("{label}")').count() == 1
        # and the completed case can be rated from the hall
        page.goto(f"{live_server.url}/cases/{case.number}/")
        assert page.locator("#rate").count() == 1
    assert csp_errors == []
