"""Reads of published content. Every read shows only what is visible now (published, inside
its publication window); a search is the AND of its words, each a substring of the row's
normalised text (Chinese needs no segmentation for this)."""

from __future__ import annotations

import datetime as dt

from shebao.content.models import Answer, JobNotice, Policy, PublishedQuerySet
from shebao.content.rules import query_terms
from shebao.core.errors import NotFound


def _search(rows: PublishedQuerySet, query: str) -> PublishedQuerySet:
    for term in query_terms(query):
        rows = rows.filter(search_text__contains=term)
    return rows


def policies_search(
    *, query: str = "", insurance: str | None = None, at: dt.datetime | None = None
) -> PublishedQuerySet:
    """Visible policies whose text contains every word of ``query``, newest in force first."""
    rows = _search(Policy.objects.visible(at=at), query)
    if insurance:
        rows = rows.filter(insurance=insurance)
    return rows.order_by("-effective_on", "-id")


def policy_get(*, policy_id: int, at: dt.datetime | None = None) -> Policy:
    """One visible policy; a draft, withdrawn, future or expired one is not found."""
    row = Policy.objects.visible(at=at).filter(pk=policy_id).first()
    if row is None:
        raise NotFound("该政策不存在或已下线", "No such policy, or it is no longer published")
    return row


def answers_search(q: str = "", *, category: str | None = None, at: dt.datetime | None = None) -> PublishedQuerySet:
    """Visible questions and answers matching every word of ``q`` (question, answer, keywords,
    basis). The site, the app and the 12333 knowledge base read the same answers here."""
    rows = _search(Answer.objects.visible(at=at), q)
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("category", "id")


def jobs_list(
    *, kind: str | None = None, district: str | None = None, query: str = "", at: dt.datetime | None = None
) -> PublishedQuerySet:
    """Visible employment notices, soonest first; ``district`` also keeps the city-wide ones
    (no district) since they concern every district."""
    rows = _search(JobNotice.objects.visible(at=at), query)
    if kind:
        rows = rows.filter(kind=kind)
    if district:
        rows = rows.filter(district__in=[district, ""])
    return rows.order_by("starts_on", "id")


def job_districts() -> list[str]:
    """The districts named by visible notices, for a filter's choices."""
    names = JobNotice.objects.visible().exclude(district="").values_list("district", flat=True).distinct()
    return sorted(set(names))
