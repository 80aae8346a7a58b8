"""Public content pages: policy search (政策法规), Q&A (政策问答) and employment notices
(就业服务信息). Each page parses its query, calls one selector and pages the answer; nothing
unpublished, not yet due or expired is shown (the selectors' rule)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shebao.content.models import Answer, Insurance, JobNotice
from shebao.content.rules import QUERY_MAX
from shebao.content.selectors import answers_search, job_districts, jobs_list, policies_search, policy_get
from shebao.core.errors import NotFound

PER_PAGE = 20


def _choice(request: HttpRequest, name: str, choices: Any) -> str:
    """A filter's value if it is one of ``choices``, else nothing (a stale or made-up value
    shows everything rather than an error: these are public search pages)."""
    value = request.GET.get(name, "")
    return value if value in dict(choices) else ""


def _page(request: HttpRequest, rows: Any) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _params(**values: str) -> str:
    """The page's filters for the pager's links (``page`` is appended after them)."""
    kept = {k: v for k, v in values.items() if v}
    return urlencode(kept) + "&" if kept else ""


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:QUERY_MAX]


@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    query, insurance = _query(request), _choice(request, "insurance", Insurance.choices)
    page = _page(request, policies_search(query=query, insurance=insurance or None))
    return render(
        request,
        "content/policies.html",
        {
            "page": page,
            "query": query,
            "insurance": insurance,
            "insurances": Insurance.choices,
            "params": _params(q=query, insurance=insurance),
        },
    )


@require_GET
def policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    try:
        row = policy_get(policy_id=policy_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    return render(request, "content/policy.html", {"policy": row})


@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    query, category = _query(request), _choice(request, "category", Answer.Category.choices)
    page = _page(request, answers_search(query, category=category or None))
    return render(
        request,
        "content/qa.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": Answer.Category.choices,
            "params": _params(q=query, category=category),
        },
    )


@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    kind = _choice(request, "kind", JobNotice.Kind.choices)
    districts = job_districts()
    district = request.GET.get("district", "")
    district = district if district in districts else ""
    page = _page(request, jobs_list(kind=kind or None, district=district or None))
    return render(
        request,
        "content/jobs.html",
        {
            "page": page,
            "kind": kind,
            "kinds": JobNotice.Kind.choices,
            "district": district,
            "districts": districts,
            "params": _params(kind=kind, district=district),
        },
    )
