"""/verify/<kind>/<ref>/<code>: anyone holding a printed document (a receipt, a statement, a
poster) checks that shebao issued it — the QR code on the paper opens this page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shebao.core.documents import document_verify

KIND_LABELS = {
    "receipt": "缴费凭证 / Payment receipt",
    "statement": "权益记录单 / Rights statement",
    "sample": "样张 / Sample",
}


@require_GET
def verify(request: HttpRequest, kind: str, ref: str, code: str) -> HttpResponse:
    genuine = document_verify(kind=kind, ref=ref, code=code)
    context = {"genuine": genuine, "kind": kind, "kind_label": KIND_LABELS.get(kind, kind), "ref": ref, "code": code}
    return render(request, "web/verify.html", context, status=200 if genuine else 404)
