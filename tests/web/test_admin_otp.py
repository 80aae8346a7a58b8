"""The Django admin needs the second factor like every staff page, signs in on the staff
sign-in page, and records every change in the audit chain with before and after."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core import audit
from shebao.core.audit.admin import SECRET_CHANGED, AuditedModelAdmin, action_is_audited
from shebao.core.models import Account, AuditEvent, SkillGroup
from tests.cases.test_api import staff_client
from tests.factories import PASSWORD
from tests.web.support import current_code

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_session_without_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_opens_for_a_verified_administrator(client, admin_user):
    staff_client(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "shebao" in response.content.decode()


# --- Every admin change is an audit event, with before and after -----------------------------


class _FormReader(HTMLParser):
    """The values a browser would submit from the admin's change form (``#…_form``)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "__prefix__" in a.get("name", ""):
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.data.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, _ = self.data.pop()
            self.data.append((name, data.lstrip("\n")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _change_form(client, url: str, **changes) -> dict:
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    data: dict = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return data


@pytest.fixture
def administrator(client, admin_user):
    return staff_client(client, admin_user)


def test_raising_a_clerks_authority_level_in_the_admin_is_audited_before_and_after(administrator, admin_user, clerk):
    # given a clerk with authority level 1
    assert clerk.authority_level == 1
    url = reverse("admin:core_account_change", args=[clerk.pk])
    # when the administrator raises it to 3 on the admin page
    response = administrator.post(url, _change_form(administrator, url, authority_level="3"))
    # then it is saved, and the audit chain says who changed what, from 1 to 3
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.authority_level == 3
    event = AuditEvent.objects.get(action="admin.change", subject_type="core.Account", subject_id=str(clerk.pk))
    assert (event.before, event.after) == ({"authority_level": 1}, {"authority_level": 3})
    assert (event.actor_id, event.channel) == (admin_user.pk, "admin")
    assert audit.verify().ok


def test_a_role_given_in_the_admin_is_audited_with_the_groups_before_and_after(administrator, clerk):
    group = Group.objects.create(name="复核岗")
    url = reverse("admin:core_account_change", args=[clerk.pk])
    administrator.post(url, _change_form(administrator, url, groups=[str(group.pk)], role="reviewer"))
    event = AuditEvent.objects.get(action="admin.change", subject_id=str(clerk.pk))
    assert event.before == {"groups": [], "role": "clerk"}
    assert event.after == {"groups": [group.pk], "role": "reviewer"}


def test_a_deletion_in_the_admin_is_audited_with_the_row_it_removed(administrator):
    # given a skill group
    group = SkillGroup.objects.create(code="cards", name="社保卡")
    # when the administrator deletes it
    response = administrator.post(reverse("admin:core_skillgroup_delete", args=[group.pk]), {"post": "yes"})
    # then it is gone, and the event holds the row as it was
    assert response.status_code == 302
    assert not SkillGroup.objects.filter(pk=group.pk).exists()
    event = AuditEvent.objects.get(action="admin.delete")
    assert (event.subject_type, event.subject_id) == ("core.SkillGroup", str(group.pk))
    assert event.before == {"id": group.pk, "code": "cards", "name": "社保卡"} and event.after is None


def test_a_bulk_deletion_audits_each_row(administrator):
    rows = [SkillGroup.objects.create(code=f"g{i}", name=f"组{i}") for i in range(3)]
    response = administrator.post(
        reverse("admin:core_skillgroup_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    assert response.status_code == 302
    assert not SkillGroup.objects.exists()
    deleted = AuditEvent.objects.filter(action="admin.delete").values_list("subject_id", flat=True)
    assert sorted(deleted) == sorted(str(r.pk) for r in rows)


def test_an_inline_row_added_in_the_admin_is_audited_with_its_parent(administrator, office):
    url = reverse("admin:core_office_change", args=[office.pk])
    data = _change_form(administrator, url)
    data.update(
        {
            "hours-TOTAL_FORMS": ["1"],
            "hours-0-weekday": ["5"],
            "hours-0-opens": ["09:00"],
            "hours-0-closes": ["16:00"],
            "hours-0-office": [str(office.pk)],
        }
    )
    response = administrator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="admin.add", subject_type="core.OpeningHours")
    assert event.after["weekday"] == 5 and event.after["opens"] == "09:00:00"
    assert event.after["_parent"] == f"core.Office:{office.pk}"


def test_a_password_set_in_the_admin_is_audited_as_changed_never_as_a_hash(administrator, clerk):
    old_hash = Account.objects.get(pk=clerk.pk).password
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    new = "A-new-passphrase-2026"
    response = administrator.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.check_password(new)
    event = AuditEvent.objects.get(action="account.password_change", subject_id=str(clerk.pk))
    assert event.after["password"] == SECRET_CHANGED
    written = json.dumps([list(AuditEvent.objects.values("before", "after"))])
    assert clerk.password not in written and old_hash not in written and new not in written


def test_an_authenticators_key_changed_in_the_admin_is_never_written_to_the_audit(administrator, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    old_key = device.key
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    new_key = "ab" * 20
    response = administrator.post(url, _change_form(administrator, url, key=new_key, name="新手机"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change", subject_type="otp_totp.TOTPDevice")
    assert event.after == {"key": SECRET_CHANGED, "name": "新手机"} and event.before == {"name": "phone"}
    written = json.dumps(list(AuditEvent.objects.values("before", "after")))
    assert old_key not in written and new_key not in written


def test_a_rule_row_deleted_in_the_admin_is_audited_under_its_domain_action(administrator):
    from shebao.contributions.models import ContributionRate

    row = ContributionRate.objects.filter(insurance="medical", payer="employer").order_by("id").first()
    response = administrator.post(
        reverse("admin:contributions_contributionrate_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="rule.delete")
    assert (event.subject_type, event.subject_id) == ("contributions.ContributionRate", str(row.pk))
    assert event.before["rate"] == str(row.rate) and event.before["insurance"] == "medical"


def test_every_registered_admin_is_audited_and_offers_no_unaudited_bulk_action(rf, admin_user):
    # given every model admin registered anywhere (shebao's apps, auth, django-otp, axes)
    from django.contrib import admin as django_admin

    request = rf.get("/admin/")
    request.user = admin_user
    registry = django_admin.site._registry
    assert {"core.Account", "auth.Group", "otp_totp.TOTPDevice", "axes.AccessAttempt"} <= {
        model._meta.label for model in registry
    }
    # then each one records its changes, and each bulk action it offers is audited
    for model, model_admin in registry.items():
        assert isinstance(model_admin, AuditedModelAdmin), model._meta.label
        for name, (action, _name, _description) in model_admin.get_actions(request).items():
            assert action_is_audited(action), f"{model._meta.label}: bulk action {name} is not audited"


def test_the_throttle_clean_up_action_is_audited(administrator):
    from axes.models import AccessAttempt
    from django.utils import timezone

    stale = AccessAttempt.objects.create(
        username="clerk", ip_address="10.0.0.9", user_agent="x", failures_since_start=3, post_data="password=***"
    )
    AccessAttempt.objects.filter(pk=stale.pk).update(attempt_time=timezone.now() - dt.timedelta(days=2))
    response = administrator.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "_selected_action": [stale.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="admin.delete", subject_type="axes.AccessAttempt")
    assert event.before["username"] == "clerk" and "post_data" not in event.before


# --- The administrator's sign-in: the staff sign-in page, Chinese first -------------------------


def test_the_admin_sign_in_is_the_staff_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/core/account/")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login") + "?next=%2Fadmin%2Fcore%2Faccount%2F"
    foreign = client.get("/admin/login/?next=https://evil.example/")
    assert foreign["Location"] == reverse("web:login") + "?next=%2Fadmin%2F"
    posted = client.post("/admin/login/", {"username": "admin", "password": "x", "otp_device": "", "otp_token": ""})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("web:login"))


def test_an_administrators_first_sign_in_is_in_chinese_and_ends_in_the_admin(client, admin_user):
    # given an administrator without an authenticator, opening the admin
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    pages = []
    landing = client.get("/admin/", follow=True)
    pages.append(landing.content.decode())
    assert landing.redirect_chain[-1][0].startswith(reverse("web:login"))
    # when they sign in with their password, then confirm a new authenticator
    enrol = client.post(landing.redirect_chain[-1][0], {"username": "admin", "password": PASSWORD}, follow=True)
    pages.append(enrol.content.decode())
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    done = client.post(reverse("web:enrol"), {"otp_token": current_code(device)}, follow=True)
    pages.append(done.content.decode())
    # then they are in the admin, and no page on the way spoke django-otp's English
    assert done.redirect_chain[-1][0] == "/admin/"
    assert "站点管理" in pages[-1] and "社保经办平台管理" in pages[-1]
    assert "动态口令 / Authenticators" in pages[-1] and "登录限制 / Sign-in throttle" in pages[-1]
    assert "设置动态口令" in pages[1]
    for page in pages:
        assert "Please select a device" not in page and "OTP Token" not in page and "OTP Device" not in page
