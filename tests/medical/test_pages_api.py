"""The pages and the API: the person sees their decided reimbursement with its letter, another
person does not; the centre assesses through its page, a district clerk cannot; the register is
public."""

from __future__ import annotations

from decimal import Decimal

from shebao.cases import services
from shebao.medical.models import Reimbursement
from tests.medical.test_reimbursement import claim, through_the_centre
from tests.web.support import sign_in


def test_the_person_sees_the_amount_the_lines_and_the_letter_and_nobody_else_does(
    client, engine, clerk, citizen, other_citizen, applicant, centre_staff, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    case = claim(clerk, applicant, citizen)
    case = through_the_centre(case, clerk, reviewer, approver, capture=django_capture_on_commit_callbacks)
    client.force_login(citizen)
    body = client.get("/api/v1/medical/reimbursements").json()
    # unfiled, level 3, working: (8 650.40 − 800) × 66% = 5 181.26
    assert [(r["case_number"], r["amount"], r["payment_status"]) for r in body] == [(case.number, "5181.26", "paid")]
    assert body[0]["lines"][-1]["value"] == "5,181.26"
    page = client.get("/my/medical/").content.decode()
    assert case.number in page and "5181.26" in page
    letter = client.get(f"/medical/reimbursements/{case.number}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    # another person: not there
    client.force_login(other_citizen)
    assert client.get(f"/api/v1/medical/reimbursements/{case.number}").status_code == 404
    assert client.get(f"/medical/reimbursements/{case.number}/letter.pdf").status_code == 404
    assert client.get("/api/v1/medical/reimbursements").json() == []


def test_the_centre_assesses_through_its_page_and_a_district_clerk_cannot(
    client, engine, clerk, citizen, applicant, centre_staff
):
    _, reviewer, _ = centre_staff
    case = claim(clerk, applicant, citizen)
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    form = {"hospital_code": "H440100001", "in_policy_cost": "8000.00", "person_type": "retired"}
    sign_in(client, clerk)
    assert client.post(f"/medical/reimbursements/{case.number}/", form).status_code == 403
    assert not Reimbursement.objects.exists()
    sign_in(client, reviewer)
    assert client.post(f"/medical/reimbursements/{case.number}/", form).status_code == 302
    # retired, level 3, unfiled: (8 000 − 800) × (90% − 20) = 5 040.00, assessed, not decided
    row = Reimbursement.objects.get()
    assert (row.amount, row.status) == (Decimal("5040.00"), "assessed")
    # more in policy than claimed is refused, nothing changed
    response = client.post(f"/medical/reimbursements/{case.number}/", {**form, "in_policy_cost": "9000"})
    assert response.status_code == 422 and "政策范围内费用不能超过" in response.content.decode()
    assert Reimbursement.objects.get().amount == Decimal("5040.00")


def test_the_register_is_public(client, db):
    body = {h["code"]: h for h in client.get("/api/v1/medical/hospitals").json()}
    assert (body["H110000001"]["location"], body["H110000001"]["level"]) == ("outside", "3")
    assert body["H310000001"]["designated"] is False
    assert "武汉大学人民医院" in client.get("/medical/hospitals/").content.decode()


def test_the_person_prints_the_settlement_list_of_a_period(
    client, engine, clerk, citizen, applicant, centre_staff, django_capture_on_commit_callbacks
):
    _, reviewer, approver = centre_staff
    case = claim(clerk, applicant, citizen)
    through_the_centre(case, clerk, reviewer, approver, capture=django_capture_on_commit_callbacks)
    client.force_login(citizen)
    pdf = client.get("/my/medical/settlements.pdf", {"from": "2026-01-01", "to": "2026-01-31"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from shebao.medical.documents import settlement_list_pdf
    from shebao.medical.selectors import reimbursements_mine

    rows = list(reimbursements_mine(actor=citizen))
    # the same two figures the list prints: claimed 8 650.40, the person bore 8 650.40 − 5 181.26
    assert [(r.claimed, r.claimed - r.amount) for r in rows] == [(Decimal("8650.40"), Decimal("3469.14"))]
    assert settlement_list_pdf(name="张三", id_number=citizen.id_number, rows=rows, start="a", end="b").startswith(
        b"%PDF"
    )
    assert client.get("/my/medical/settlements.pdf", {"from": "x"}).status_code == 422
    # an inverted or absurd period is refused, not printed as an empty list
    for period in ({"from": "2026-02-01", "to": "2026-01-31"}, {"from": "0001-01-01", "to": "9999-12-31"}):
        refused = client.get("/my/medical/settlements.pdf", period)
        assert refused.status_code == 422 and not refused.content.startswith(b"%PDF")
