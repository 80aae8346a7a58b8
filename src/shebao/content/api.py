"""Content for the app and the online hall (/api/v1/app/...): policy search, Q&A, employment
notices. Public (no token), paged with ``limit``/``offset``; only what is published and inside
its window is ever answered."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from shebao.content.models import Answer, JobNotice, Policy
from shebao.content.schemas import (
    ContentAnswerPageOut,
    ContentAnswerQuery,
    ContentJobPageOut,
    ContentJobQuery,
    ContentPageQuery,
    ContentPolicyPageOut,
    ContentPolicyQuery,
)
from shebao.content.selectors import answers_search, jobs_list, policies_search
from shebao.core.api import answers

router = Router(tags=["content 政策与资讯"])


def _page(rows: QuerySet[Any], query: ContentPageQuery) -> tuple[int, list[Any]]:
    return rows.count(), list(rows[query.offset : query.offset + query.limit])


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]


def policy_out(p: Policy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "title_en": p.title_en,
        "number": p.number,
        "issuer": p.issuer,
        "effective_on": p.effective_on,
        "insurance": p.insurance,
        "insurance_label": p.get_insurance_display(),
        "summary": p.summary,
        "body": p.body,
        "body_en": p.body_en,
        "tags": p.tag_list,
        "link": p.link,
        "published_at": p.publish_at,
        "page_url": reverse("content:policy", args=[p.pk]),
    }


def answer_out(a: Answer) -> dict[str, Any]:
    return {
        "id": a.pk,
        "question": a.question,
        "question_en": a.question_en,
        "answer": a.answer,
        "answer_en": a.answer_en,
        "category": a.category,
        "category_label": a.get_category_display(),
        "keywords": _words(a.keywords),
        "basis": a.basis,
    }


def job_out(j: JobNotice) -> dict[str, Any]:
    return {
        "id": j.pk,
        "kind": j.kind,
        "kind_label": j.get_kind_display(),
        "title": j.title,
        "title_en": j.title_en,
        "organiser": j.organiser,
        "body": j.body,
        "starts_on": j.starts_on,
        "ends_on": j.ends_on,
        "place": j.place,
        "district": j.district,
        "link": j.link,
    }


@router.get("/app/policies", response=answers(ContentPolicyPageOut), auth=None, summary="政策法规查询 / Policy search")
def policies(request: HttpRequest, query: Query[ContentPolicyQuery]) -> dict[str, Any]:
    """Published policies and regulations whose title, number, issuer, text or tags contain
    every word of ``q`` (Chinese matched as substrings: 退休 finds 渐进式延迟法定退休年龄),
    newest in force first."""
    total, rows = _page(policies_search(query=query.q, insurance=query.insurance), query)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [policy_out(p) for p in rows]}


@router.get("/app/qa", response=answers(ContentAnswerPageOut), auth=None, summary="政策问答 / Questions and answers")
def questions(request: HttpRequest, query: Query[ContentAnswerQuery]) -> dict[str, Any]:
    """Published questions and answers matching every word of ``q`` (question, answer,
    keywords), by category; the 12333 knowledge base answers from the same rows."""
    total, rows = _page(answers_search(query.q, category=query.category), query)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [answer_out(a) for a in rows]}


@router.get("/app/jobs", response=answers(ContentJobPageOut), auth=None, summary="就业服务信息 / Employment notices")
def jobs(request: HttpRequest, query: Query[ContentJobQuery]) -> dict[str, Any]:
    """Published job fairs, vacancies and training notices, soonest first; ``district`` keeps
    that district's and the city-wide ones."""
    total, rows = _page(jobs_list(kind=query.kind, district=query.district, query=query.q), query)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [job_out(j) for j in rows]}
