"""The papers of a case as PDF (``shebao.cases.papers``): printed from the staff case page and
opened by the applicant online, for whoever may see the case (``selectors.case_get``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from shebao.cases import papers, selectors
from shebao.cases.models import Case
from shebao.core.errors import ShebaoError
from shebao.core.http import AccountRequest
from shebao.registry.views import error_page
from shebao.web.access import signed_in
from shebao.web.workbench.labels import label_of


def paper_links(case: Case) -> list[tuple[str, str]]:
    """(kind, label) of the papers the case has now, for the case pages."""
    return [(kind, label_of(papers.PAPER_LABELS[kind])) for kind in papers.papers_available(case)]


@require_GET
@signed_in
def case_paper(request: AccountRequest, number: str, kind: str) -> HttpResponse:
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
        pdf = papers.paper_pdf(case=case, kind=kind)
    except ShebaoError as error:
        return error_page(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
