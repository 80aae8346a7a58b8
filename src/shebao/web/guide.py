"""办事指南: the public service guide, drawn from the catalogue on every request.

Every active item grouped by insurance, with search; an item's page with its materials,
channels, Saturday service, time limits, policy basis and the flowchart (the same drawing as
the hall poster, so the guide, the poster and the running process cannot disagree); the A3
poster PDF of one item and the booklet of the whole guide. Nothing is cached.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from shebao.catalog.models import Insurance, ItemPhase, ItemStep, ServiceItem
from shebao.catalog.posters import guide_booklet_pdf, item_poster_pdf, item_svg
from shebao.catalog.selectors import item_get, items_list
from shebao.core.errors import NotFound
from shebao.core.models import Office
from shebao.registry.views import error_page
from shebao.web.workbench.labels import chinese, label_of

QUERY_MAX = 64


def _name(item: Any) -> str:
    return item.name if chinese() else item.name_en or item.name


def _active_item(code: str) -> ServiceItem:
    item = item_get(code=code, with_structure=True)
    if not item.is_active:
        raise NotFound(f"服务事项 {code} 不存在", f"Service item {code} does not exist")
    return item


@require_GET
def guide_index(request: HttpRequest) -> HttpResponse:
    """Every active item, grouped by insurance in the catalogue's order; ``q`` searches names
    and matches a code exactly."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    by_insurance: dict[str, list[ServiceItem]] = {}
    for item in items_list(query=query):
        by_insurance.setdefault(item.insurance, []).append(item)
    groups = [
        (value, label_of(label), [(i, _name(i)) for i in by_insurance[value]])
        for value, label in Insurance.choices
        if value in by_insurance
    ]
    return render(
        request,
        "web/guide/index.html",
        {"groups": groups, "query": query, "count": sum(len(g[2]) for g in groups)},
    )


@require_GET
def guide_item(request: HttpRequest, code: str) -> HttpResponse:
    """One item's guide and flowchart, named in the page's language (the catalogue's English
    names on English pages, in the flowchart too)."""
    try:
        item = _active_item(code)
    except NotFound as error:
        return error_page(request, error)
    phases = []
    for phase in item.phases.all():
        phases.append(
            {
                "phase": phase,
                "name": phase.name if chinese() else phase.name_en or phase.name,
                "promised_days": phase.promised_days if phase.promised_days is not None else item.promised_days,
                "legal_days": phase.legal_days if phase.legal_days is not None else item.legal_days,
                "outside": phase.party == ItemPhase.Party.OUTSIDE,
                "steps": [(s, s.name if chinese() else s.name_en or s.name) for s in phase.steps.all()],
            }
        )
    office_kinds = dict(Office.Kind.choices)
    return render(
        request,
        "web/guide/item.html",
        {
            "item": item,
            "name": _name(item),
            "insurance": label_of(item.get_insurance_display()),
            "channels": [label_of(c) for c in item.channels],
            "office_kinds": [label_of(office_kinds[k]) for k in item.office_kinds if k in office_kinds],
            "materials": [(m, m.name if chinese() else m.name_en or m.name) for m in item.materials.all()],
            "phases": phases,
            "jurisdiction": label_of(item.get_jurisdiction_display()),
            # item_svg escapes every text it draws from the catalogue; the page shows the wide
            # drawing or, on a phone, the one-column one (a media query, no script)
            "flowchart": mark_safe(item_svg(item, english=not chinese())),  # noqa: S308
            "flowchart_narrow": mark_safe(item_svg(item, narrow=True, english=not chinese())),  # noqa: S308
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def guide_poster(request: HttpRequest, code: str) -> HttpResponse:
    """The A3 wall poster (服务流程图) of one item, in the page's language."""
    try:
        item = _active_item(code)
    except NotFound as error:
        return error_page(request, error)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", item.code)
    return _pdf(item_poster_pdf(item, english=not chinese()), f"poster-{safe}.pdf")


@require_GET
def guide_booklet(request: HttpRequest) -> HttpResponse:
    """《社会保险经办服务指南》: every active item, one booklet."""
    items = items_list().prefetch_related(
        Prefetch(
            "phases",
            queryset=ItemPhase.objects.prefetch_related(Prefetch("steps", queryset=ItemStep.objects.order_by("order"))),
        ),
        "materials",
    )
    return _pdf(guide_booklet_pdf(items), "shebao-guide.pdf")
