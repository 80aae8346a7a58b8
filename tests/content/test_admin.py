"""Staff publish content in the admin: a draft made public by the bulk action, each change an
audit event with before and after; the public read follows at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shebao.content.models import Policy, Status
from shebao.content.selectors import policies_search
from shebao.core.models import AuditEvent
from tests.content.test_content import policy
from tests.web.test_admin_otp import administrator  # noqa: F401 (the signed-in admin client)

pytestmark = pytest.mark.django_db


def test_publishing_drafts_in_the_admin_is_audited_and_shows_them(administrator):  # noqa: F811
    # given two drafts
    drafts = [policy("工伤保险条例", status=Status.DRAFT), policy("失业保险条例", status=Status.DRAFT)]
    assert list(policies_search(query="条例")) == []
    # when the administrator publishes both from the list
    response = administrator.post(
        reverse("admin:content_policy_changelist"),
        {"action": "publish", "_selected_action": [p.pk for p in drafts]},
    )
    # then both are public, and each change is an audit event, draft → published
    assert response.status_code == 302
    assert {p.title for p in policies_search(query="条例")} == {"工伤保险条例", "失业保险条例"}
    events = AuditEvent.objects.filter(action="admin.change", subject_type="content.Policy")
    assert sorted(int(e.subject_id) for e in events) == sorted(p.pk for p in drafts)
    assert all(e.before["status"] == "draft" and e.after["status"] == "published" for e in events)


def test_a_policy_edited_on_its_admin_page_is_found_by_its_new_words(administrator):  # noqa: F811
    row = policy("旧的标题")
    url = reverse("admin:content_policy_change", args=[row.pk])
    page = administrator.get(url)
    assert page.status_code == 200
    response = administrator.post(
        url,
        {
            "status": "published",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "08:00:00",
            "expire_at_0": "",
            "expire_at_1": "",
            "title": "社会保险经办条例",
            "title_en": "",
            "number": "国务院令第765号",
            "issuer": "国务院",
            "effective_on": "2023-12-01",
            "insurance": "general",
            "summary": "",
            "body": "经办服务一网通办",
            "body_en": "",
            "tags": "",
            "link": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [p.pk for p in policies_search(query="一网通办")] == [row.pk]
    assert Policy.objects.get(pk=row.pk).search_text.startswith("社会保险经办条例")
    event = AuditEvent.objects.get(action="admin.change", subject_type="content.Policy")
    assert event.before["title"] == "旧的标题" and event.after["title"] == "社会保险经办条例"
