"""Every channel shows the same figures: the retiree's page, the app's API and the statement PDF
agree to the fen; who may see what (the person, staff of their district, a bank outlet's card
check) with nothing recorded on a refusal."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from shebao.core.models import AuditEvent
from tests.pensions.support import TOTAL, retiree, retiree_account
from tests.web.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


@pytest.fixture
def retired(district, approver):
    account = retiree_account(district)
    person = retiree(district=district, approver=approver, account=account)
    return account, person


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join((page.extract_text() or "") for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_page_the_api_and_the_statement_show_the_same_total(client, retired):
    account, _person = retired
    sign_in(client, account)
    # the page
    html = client.get("/my/pension/").content.decode()
    page_total = re.search(r'id="pension-total">¥([0-9.]+)<', html).group(1)
    # the API
    body = client.get("/api/v1/my/pension").json()
    # the statement
    response = client.get("/my/pension/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    # then all three show 2686.02, and the parts add up to it
    assert page_total == body["monthly"] == str(TOTAL)
    assert f"{TOTAL:,.2f}" in text
    assert [c["amount"] for c in body["components"]] == ["1556.63", "582.67", "546.72"]
    for label in ("基本养老金待遇明细表", "基础养老金", "个人账户养老金", "过渡性养老金", "计发月数", "所用规则"):
        assert label in text
    for part in body["components"]:
        assert part["amount"] in text and part["amount"] in html
    # the February payment is listed on the page and in the API
    assert body["payments"][0] == {
        "month": "2026-02-01",
        "kind": "monthly",
        "kind_label": "按月发放 / Monthly",
        "amount": "2686.02",
        "card": "****5702",
        "note": "",
    }
    assert body["certificate_number"] in html
    assert body["paid_total"] == "2686.02" and 'id="pension-paid-total">¥2686.02<' in html


def test_each_parts_amount_comes_before_its_long_formula(client, retired):
    """On a phone the parts table scrolls sideways: the amount sits right after the part's name,
    so a retiree reads each amount without scrolling past the formula (which may be long)."""
    account, _person = retired
    sign_in(client, account)
    html = client.get("/my/pension/").content.decode()
    rows = re.findall(
        r'<tr id="part-[a-z_]+"><td>[^<]*</td><td class="mono">([^<]*)</td><td class="mono">([^<]*)</td>', html
    )
    assert [amount for amount, _formula in rows] == ["1556.63", "582.67", "546.72"]
    assert all("=" in formula or "÷" in formula or "×" in formula for _amount, formula in rows)


@pytest.mark.parametrize("doc", ["certificate", "voucher"])
def test_the_certificate_and_the_voucher_render_in_chinese_with_a_verification_code(client, retired, doc):
    account, person = retired
    sign_in(client, account)
    text = _pdf_text(client.get(f"/my/pension/{doc}.pdf").content)
    assert ("中华人民共和国退休证" if doc == "certificate" else "基本养老金发放开户凭证") in text
    assert "验证码" in text and person.name in text
    assert person.id_number not in text  # printed masked


def test_who_may_open_the_retirees_own_page_and_api(client, retired, other_citizen, unit_operator, clerk):
    assert client.get("/my/pension/").status_code == 302  # anonymous: sign in
    assert client.get("/api/v1/my/pension").status_code == 401
    sign_in(client, other_citizen)  # a citizen with no pension sees only that they have none
    assert client.get("/api/v1/my/pension").status_code == 404
    assert client.get("/my/pension/statement.pdf").status_code == 404
    sign_in(client, unit_operator)
    assert client.get("/my/pension/").status_code == 403
    assert client.get("/api/v1/my/pension").status_code == 403
    sign_in(client, clerk)
    assert client.get("/my/pension/").status_code == 403
    assert not AuditEvent.objects.filter(action="pension.view").exists()


@pytest.mark.parametrize(
    ("actor", "status", "sees_amount"),
    [
        ("clerk", 200, True),
        ("reviewer", 200, True),
        ("other_district_clerk", 404, False),
        ("bank_agent", 403, False),
        ("unit_operator", 403, False),
        ("citizen", 403, False),
    ],
)
def test_staff_look_up_a_retiree_of_their_district(client, request, retired, actor, status, sees_amount):
    _account, person = retired
    user = request.getfixturevalue(actor)
    sign_in(client, user)
    response = client.post("/pensions/lookup/", {"id_number": person.id_number})
    assert response.status_code == status
    assert ("2686.02" in response.content.decode()) is sees_amount
    # a look-up is audited; a refusal records nothing
    assert AuditEvent.objects.filter(action="pension.view", actor=user).count() == (1 if sees_amount else 0)


def test_a_bank_outlet_sees_the_card_not_the_amounts(client, retired, bank_agent, clerk):
    _account, person = retired
    sign_in(client, bank_agent)
    html = client.post("/bank/pension-card/", {"id_number": person.id_number}).content.decode()
    assert 'id="paid-into-card">是' in html and 'id="card-tail">****5702<' in html
    assert "2686.02" not in html and "1556.63" not in html
    assert AuditEvent.objects.filter(action="pension.view", actor=bank_agent).count() == 1
    sign_in(client, clerk)  # the outlet's page is the outlet's
    assert client.post("/bank/pension-card/", {"id_number": person.id_number}).status_code == 403
    assert AuditEvent.objects.filter(action="pension.view", actor=clerk).count() == 0


def test_a_retiree_presenting_the_pension_card_at_a_bank_outlet_sees_the_same_figures(client, retired, bank_agent):
    """Issue 11: a retiree queries their pension near home, at a bank outlet too, with the same
    figures; the outlet shows it only to the holder of the card the pension is paid into."""
    from tests.pensions.support import CARD

    account, person = retired
    sign_in(client, bank_agent)
    # a card that is not the pension's (a valid number) is refused as if nobody were there
    wrong = client.post("/bank/pension-card/", {"id_number": person.id_number, "card_number": "6228480402564890018"})
    assert wrong.status_code == 404 and "2686.02" not in wrong.content.decode()
    assert not AuditEvent.objects.filter(action="pension.view", actor=bank_agent).exists()
    # the pension's own card: the same total and parts as the API
    html = client.post("/bank/pension-card/", {"id_number": person.id_number, "card_number": CARD}).content.decode()
    assert 'id="pension-total">¥2686.02<' in html
    assert all(amount in html for amount in ("1556.63", "582.67", "546.72"))
    assert AuditEvent.objects.filter(action="pension.view", actor=bank_agent, channel="bank").count() == 1
    sign_in(client, account)
    assert client.get("/api/v1/my/pension").json()["monthly"] == "2686.02"


@pytest.mark.parametrize("doc", ["statement", "certificate", "voucher"])
def test_every_character_on_paper_is_in_the_embedded_font(client, retired, caplog, doc):
    # C̄ and Z̄ of the page are printed as plain C and Z: the font has no combining macron
    account, _person = retired
    sign_in(client, account)
    with caplog.at_level("WARNING"):
        assert client.get(f"/my/pension/{doc}.pdf").status_code == 200
    assert "font lacks" not in caplog.text


def _printed_code(text: str) -> tuple[str, str]:
    found = re.search(r"文件编号：([A-Z0-9-]+?)验证码：([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", text)
    assert found, "the statement prints its number and code"
    return found.group(1), found.group(2)


def test_the_pension_statement_verifies_by_its_figures(client, retired):
    # given the statement the retiree downloaded
    account, person = retired
    sign_in(client, account)
    ref, code = _printed_code(_pdf_text(client.get("/my/pension/statement.pdf").content))
    client.logout()
    # when anyone opens its QR address (no sign-in)
    response = client.get(f"/verify/pension-statement/{ref}/{code}")
    html = response.content.decode()
    # then it is genuine and current, and shows the figures that were signed
    assert response.status_code == 200
    assert "真实有效" in html and "已被替代" not in html
    assert 'id="verify-total">¥2686.02<' in html
    assert 'id="verify-basic">¥1556.63<' in html and 'id="verify-account">¥582.67<' in html
    assert 'id="verify-transition">¥546.72<' in html
    assert person.name in html and person.id_number not in html  # the ID number shown masked
    # and the menu answers the same for the number and code typed in lower case
    typed = client.get("/verify/", {"ref": ref, "code": code.lower()})
    assert typed.status_code == 200 and 'id="verify-total">¥2686.02<' in typed.content.decode()


def test_a_code_of_other_figures_or_of_the_number_alone_fails(client, retired):
    from shebao.core.documents import document_code
    from shebao.pensions.documents import STATEMENT_KIND, statement_code
    from shebao.pensions.models import PensionDetermination

    account, person = retired
    sign_in(client, account)
    ref, code = _printed_code(_pdf_text(client.get("/my/pension/statement.pdf").content))
    client.logout()
    det = PensionDetermination.objects.get(person=person, status="approved")
    # the code for a statement showing a total of 3686.02 (forged paper) is not the one issued
    det.total = Decimal("3686.02")
    forged = statement_code(determination=det, person=person)
    assert forged != code
    assert client.get(f"/verify/pension-statement/{ref}/{forged}").status_code == 404
    # the old (kind, number) code no longer passes, by the QR address or the menu
    old = document_code(kind=STATEMENT_KIND, ref=ref)
    response = client.get(f"/verify/pension-statement/{ref}/{old}")
    assert response.status_code == 404 and "verify-total" not in response.content.decode()
    assert client.get("/verify/", {"ref": ref, "code": old}).status_code == 404
    # and when the stored figures change, the code printed before no longer matches them
    PensionDetermination.objects.filter(pk=det.pk).update(total=Decimal("3686.02"))
    response = client.get(f"/verify/pension-statement/{ref}/{code}")
    assert response.status_code == 404 and "2686.02" not in response.content.decode()
    # a malformed or unknown number reveals nothing
    assert client.get(f"/verify/pension-statement/HD202602-99999999/{code}").status_code == 404
    assert client.get(f"/verify/pension-statement/nonsense/{code}").status_code == 404


def test_a_superseded_determinations_statement_says_so(client, retired, approver):

    account, person = retired
    sign_in(client, account)
    ref, code = _printed_code(_pdf_text(client.get("/my/pension/statement.pdf").content))
    client.logout()
    # given the determination was superseded by a later approved one
    later = _redetermine(person, approver)
    # then the old paper is genuine, but says it was superseded, and when
    response = client.get(f"/verify/pension-statement/{ref}/{code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "真实但已被替代" in html and "真实有效" not in html
    assert f"{later.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d}" in html
    assert 'id="verify-total">¥2686.02<' in html


def _redetermine(person, approver):
    """A later determination approved 30 days after the first (transition 546.72 → 600.00)."""
    from shebao.pensions.models import PensionDetermination

    det = PensionDetermination.objects.get(person=person, status="approved")
    PensionDetermination.objects.filter(pk=det.pk).update(status="superseded")
    later = det.approved_at + dt.timedelta(days=30)
    PensionDetermination.objects.create(
        person=person,
        kind=det.kind,
        status="approved",
        retirement_month=det.retirement_month,
        effective_from=det.effective_from,
        age_years=det.age_years,
        age_months=det.age_months,
        basic_pension=det.basic_pension,
        account_pension=det.account_pension,
        transition_pension=Decimal("600.00"),
        total=Decimal("2739.30"),
        months_divisor=det.months_divisor,
        inputs=det.inputs,
        params=det.params,
        approved_at=later,
        approved_by=approver,
    )
    return later


def test_the_retirement_certificate_verifies_by_what_it_shows(client, retired, approver):
    from shebao.core.documents import document_code
    from shebao.pensions.documents import CERTIFICATE_KIND

    account, person = retired
    sign_in(client, account)
    number, code = _printed_code(_pdf_text(client.get("/my/pension/certificate.pdf").content))
    client.logout()
    # the certificate's code passes, showing its number, the masked ID and the pension on it
    response = client.get(f"/verify/{CERTIFICATE_KIND}/{number}/{code}")
    html = response.content.decode()
    assert response.status_code == 200 and "真实有效" in html
    assert f'id="verify-number">{number}<' in html and 'id="verify-total">¥2686.02<' in html
    assert person.id_number not in html
    # the old (kind, number) code no longer passes, by the QR address or the menu
    old = document_code(kind=CERTIFICATE_KIND, ref=number)
    assert client.get(f"/verify/{CERTIFICATE_KIND}/{number}/{old}").status_code == 404
    assert client.get("/verify/", {"ref": number, "code": old}).status_code == 404
    # when the pension is determined again, the old certificate says its pension was superseded
    _redetermine(person, approver)
    html = client.get(f"/verify/{CERTIFICATE_KIND}/{number}/{code}").content.decode()
    assert "真实但已被替代" in html and 'id="verify-total">¥2686.02<' in html
    # and the certificate printed now carries the new total under a new code, current
    sign_in(client, account)
    _number, new_code = _printed_code(_pdf_text(client.get("/my/pension/certificate.pdf").content))
    client.logout()
    assert new_code != code
    typed = client.get("/verify/", {"ref": number, "code": new_code})
    assert typed.status_code == 200
    assert "真实有效" in typed.content.decode() and 'id="verify-total">¥2739.30<' in typed.content.decode()
