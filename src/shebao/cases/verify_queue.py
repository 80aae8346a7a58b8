"""待核验材料: the cases held by a clerk's office with an uploaded file waiting for the office's
check (an upload counts as received only once verified, shebao.cases.materials), oldest upload
first. A read next to the queue (shebao.cases.selectors.workbench_queue), in its own module."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Subquery, Window

from shebao.cases import authority, selectors
from shebao.cases.models import Case, CaseMaterial
from shebao.core.models import Account

VERIFY_ROW_FIELDS = (
    "id",
    "number",
    "item__code",
    "item__name",
    "item__name_en",
    "applicant_name",
    "applicant_id_number",
    "current_step__name",
    "current_step__name_en",
    "due_date",
    "due_provisional",
    "escalation_level",
    "version",
    "oldest_upload",
    "total",
)


def materials_to_verify_rows(*, actor: Account, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """The open cases of the clerk's jurisdiction (the queue's district scope), of an item of
    their skill groups and within their authority, never about themselves, with at least one
    uploaded material pending verification — the cases case_material_verify would let the clerk
    decide on; that scope is the workbench queue's (``selectors.queue_cases``). Oldest pending
    upload first. One query: each row also carries ``total``, the number of such cases (a
    window count), so the page shows the count without a second read.
    The pending check is an index lookup per case (case_material_unique starts with the case)."""
    authority.require_workbench(actor)
    if actor.office_id is None:
        return []
    pending = CaseMaterial.objects.filter(
        case_id=OuterRef("pk"),
        status=CaseMaterial.Status.UPLOADED,
        verification=CaseMaterial.Verification.PENDING,
    )
    # the items as a subquery, not read first: the page's section stays one query
    items = selectors.queue_items(actor=actor).values("pk")
    cases = (
        selectors.queue_cases(actor=actor, items=items)
        .filter(status__in=Case.OPEN_STATUSES, office_id__in=authority.jurisdiction_offices(actor))
        .filter(Exists(pending))
    )
    oldest = pending.order_by("upload__uploaded_at").values("upload__uploaded_at")[:1]
    offset = max(0, offset)
    return list(
        cases.annotate(oldest_upload=Subquery(oldest), total=Window(Count("id")))
        .order_by("oldest_upload", "id")
        .values(*VERIFY_ROW_FIELDS)[offset : offset + limit]
    )
