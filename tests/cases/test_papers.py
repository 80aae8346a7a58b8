"""Papers for the walk-in person: the receipt of application with the case number, the one-time
notice of missing materials, the notice of non-acceptance with its reasons — PDFs with the
Chinese font embedded and a verification code, printed from the case page and seen online by
the applicant only."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from shebao.cases import papers, services
from shebao.core.documents import document_code
from tests.cases.test_api import staff_client


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {
        str(font.get_object().get("/BaseFont", ""))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all("WenQuanYiMicroHei" in name for name in fonts), fonts  # only the embedded font
    return "".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def waiting(engine, clerk, applicant):
    """T-L3 received at the window without the proof of address."""
    return services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials={"id_card": "received"},
    )


def paper(client, case, kind):
    return client.get(f"/cases/{case.number}/papers/{kind}.pdf")


def test_the_receipt_and_the_one_time_notice_carry_the_case_number_and_what_is_missing(client, waiting, clerk):
    staff_client(client, clerk)
    page = client.get(f"/cases/{waiting.number}/").content.decode()
    assert 'data-paper="case-receipt"' in page and 'data-paper="case-materials"' in page
    receipt = flat(text_of(paper(client, waiting, papers.RECEIPT)))
    assert "收件回执" in receipt and waiting.number in receipt and "办件进度查询" in receipt
    assert document_code(kind=papers.RECEIPT, ref=waiting.number) in receipt
    notice = flat(text_of(paper(client, waiting, papers.MATERIALS_NOTICE)))
    assert "一次性告知书" in notice and waiting.number in notice and "居住证明" in notice
    assert "居民身份证" not in notice.split("序号")[1]  # only what is missing is listed


@pytest.mark.parametrize(("refused_at", "title"), [("accept", "不予受理通知书"), ("approve", "不予办理通知书")])
def test_the_notice_of_non_acceptance_gives_the_reasons(
    client, engine, clerk, reviewer, approver, applicant, refused_at, title
):
    case = services.case_open(
        actor=clerk,
        item_code="T-L3",
        applicant=applicant,
        channel="hall",
        form={"address": "x"},
        materials={"id_card": "received", "address_proof": "received"},
    )
    if refused_at == "approve":
        case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
        case = services.case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    refuser = clerk if refused_at == "accept" else approver
    reasons = ["申请人不属于本市参保人员", "所附证明非原件"]
    case = services.case_reject(actor=refuser, case_id=case.pk, version=case.version, reasons=reasons)
    staff_client(client, refuser)
    text = flat(text_of(paper(client, case, papers.REFUSAL_NOTICE)))
    assert title in text and case.number in text and all(reason in text for reason in reasons)
    assert "行政复议" in text


def test_the_applicant_sees_their_papers_online_and_no_one_else_does(client, waiting, citizen, other_citizen):
    client.force_login(citizen)
    page = client.get(f"/cases/{waiting.number}/").content.decode()
    assert 'data-paper="case-materials"' in page
    assert waiting.number in flat(text_of(paper(client, waiting, papers.RECEIPT)))
    client.force_login(other_citizen)
    refused = paper(client, waiting, papers.RECEIPT)
    assert refused.status_code == 404 and refused["Content-Type"] != "application/pdf"
    client.logout()
    assert paper(client, waiting, papers.RECEIPT).status_code == 302  # to sign in


def test_a_paper_the_case_does_not_have_is_refused(client, waiting, clerk):
    staff_client(client, clerk)
    assert paper(client, waiting, papers.REFUSAL_NOTICE).status_code == 409
    assert paper(client, waiting, "case-anything").status_code == 422


def test_the_paper_is_verified_in_the_menu_by_its_number_and_code(client, waiting):
    code = document_code(kind=papers.RECEIPT, ref=waiting.number)
    answer = client.get("/verify/", {"ref": waiting.number, "code": code})
    assert answer.status_code == 200 and "收件回执" in answer.content.decode()
