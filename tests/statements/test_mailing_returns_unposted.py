"""Returned mail only for a letter that went to the post. Issue 14's review: a letter kept back on
run #1's needs-address list (no address: never posted) was accepted as returned mail (已登记退信)
and then listed to re-send with a "mailed" address. Refused (422, Chinese then English, nothing
written), at the page, one by one and in the post's scan file; any case of the number."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shebao.core.errors import InvalidInput
from shebao.core.jobs import job_run
from shebao.core.models import AuditEvent, Role
from shebao.statements.mailing.models import MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.services import (
    mailing_manifest_write,
    mailing_run_start,
    resend_list,
    returned_mail_import,
    returned_mail_record,
    scan_rows,
)
from tests.statements import test_mailing as mailing_tests
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
YEAR = mailing_tests.YEAR
_today_and_files = mailing_tests._today_and_files


@pytest.fixture
def admin(city_office):
    from tests.conftest import _staff

    return _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")


@pytest.fixture
def run(admin, district) -> MailingRun:
    """A finished 江岸区 run: 有址 posted, 无址 (no address) and 无邮编 (no postcode) kept back."""
    make_person(district=district, name="有址", postcode="430014", address="武汉市江岸区胜利街1号")
    make_person(district=district, name="无址", postcode="430014", address="")
    make_person(district=district, name="无邮编", postcode="", address="武汉市江岸区胜利街3号")
    mailing = mailing_run_start(actor=admin, year=YEAR, district_code="420102")
    job_run(job_id=mailing.job_id)
    manifest = mailing_manifest_write(run=mailing)
    assert (manifest.rows, manifest.unaddressed) == (1, 2)  # the run's own account of what was posted
    return mailing


def _ref(run: MailingRun, name: str) -> str:
    return MailingItem.objects.get(run=run, name=name).document_ref


@pytest.mark.parametrize("name", ["无址", "无邮编"])
@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_a_letter_never_posted_is_not_returned_mail(clerk, run, name, case):
    ref = _ref(run, name)
    with pytest.raises(InvalidInput) as refused:
        returned_mail_record(actor=clerk, ref=f" {case(ref)} ", reason="moved")
    assert refused.value.status == 422
    # named as typed (spaces trimmed), as every refusal of the returns names the number
    assert f"编号 {case(ref)} 的记录单因缺少地址未寄出" in refused.value.message_zh
    assert f"{case(ref)} was never posted" in refused.value.message_en
    assert ReturnedMail.objects.count() == 0 and resend_list(actor=clerk) == []
    assert not AuditEvent.objects.filter(action="mailing.returned").exists()


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_a_posted_letter_is_recorded_in_either_case(clerk, run, case):
    ref = _ref(run, "有址")
    returned = returned_mail_record(actor=clerk, ref=case(ref), reason="moved")
    assert returned.item.name == "有址" and returned.item.document_ref == ref
    # the same letter again, in the other case, is the same letter
    with pytest.raises(InvalidInput, match="已登记"):
        returned_mail_record(actor=clerk, ref=ref.lower() if case is str.upper else ref, reason="moved")
    assert [r.item.name for r in resend_list(actor=clerk)] == ["有址"]


def test_a_scan_file_with_a_letter_never_posted_records_nothing(clerk, run):
    posted, kept = _ref(run, "有址"), _ref(run, "无址")
    with pytest.raises(InvalidInput) as refused:
        returned_mail_import(
            actor=clerk, rows=scan_rows(f"记录单编号,退信原因\n{posted},拒收\n{kept.lower()},拒收\n".encode())
        )
    assert f"第3行：编号 {kept.lower()} 的记录单因缺少地址未寄出" in refused.value.message_zh
    assert "line 3" in refused.value.message_en and "never posted" in refused.value.message_en
    assert "第2行" not in refused.value.message_zh
    assert ReturnedMail.objects.count() == 0


def test_the_returns_page_refuses_it_chinese_then_english(client, clerk, run):
    sign_in(client, clerk)
    ref = _ref(run, "无址")
    response = client.post("/statements/mailing/returns/", {"ref": ref.lower(), "reason": "moved"})
    text = response.content.decode()
    assert response.status_code == 422
    assert "已登记退信" not in text
    assert text.index("未寄出") < text.index("never posted")
    assert ReturnedMail.objects.count() == 0
    # the posted one, typed in lower case, is recorded
    ok = client.post("/statements/mailing/returns/", {"ref": _ref(run, "有址").lower(), "reason": "moved"})
    assert ok.status_code == 200 and "已登记退信" in ok.content.decode()
    upload = SimpleUploadedFile("returns.csv", f"{ref},拒收\n".encode(), content_type="text/csv")
    scanned = client.post("/statements/mailing/returns/", {"file": upload})
    assert scanned.status_code == 422 and "未寄出" in scanned.content.decode()
    assert list(ReturnedMail.objects.values_list("item__name", flat=True)) == ["有址"]
