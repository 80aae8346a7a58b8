"""The content API's shapes (names unique across the API: Content… / App…Page)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from shebao.content.rules import QUERY_MAX

PAGE_MAX = 50
OFFSET_MAX = 10_000


class ContentPageQuery(Schema):
    limit: int = Field(20, ge=1, le=PAGE_MAX, description="每页条数 / Page size")
    offset: int = Field(0, ge=0, le=OFFSET_MAX, description="跳过条数 / Rows to skip")


class ContentPolicyQuery(ContentPageQuery):
    q: str = Field("", max_length=QUERY_MAX, description="关键词，空格分隔，全部匹配 / Words, all must match")
    insurance: Literal["pension", "medical", "unemployment", "injury", "maternity", "card", "general"] | None = Field(
        None, description="险种 / Insurance"
    )


class ContentAnswerQuery(ContentPageQuery):
    q: str = Field("", max_length=QUERY_MAX, description="关键词 / Words")
    category: (
        Literal[
            "enrolment", "contributions", "pension", "medical", "unemployment", "injury", "card", "online", "general"
        ]
        | None
    ) = Field(None, description="分类 / Category")


class ContentJobQuery(ContentPageQuery):
    kind: Literal["job_fair", "vacancy", "training"] | None = Field(None, description="类别 / Kind")
    district: str | None = Field(None, max_length=32, description="区名，如 江岸区 / District name")
    q: str = Field("", max_length=QUERY_MAX, description="关键词 / Words")


class ContentPolicyOut(Schema):
    id: int
    title: str
    title_en: str
    number: str
    issuer: str
    effective_on: dt.date
    insurance: str
    insurance_label: str
    summary: str
    body: str
    body_en: str
    tags: list[str]
    link: str
    published_at: dt.datetime
    page_url: str


class ContentPolicyPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ContentPolicyOut]


class ContentAnswerOut(Schema):
    id: int
    question: str
    question_en: str
    answer: str
    answer_en: str
    category: str
    category_label: str
    keywords: list[str]
    basis: str


class ContentAnswerPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ContentAnswerOut]


class ContentJobOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    title_en: str
    organiser: str
    body: str
    starts_on: dt.date
    ends_on: dt.date | None
    place: str
    district: str
    link: str


class ContentJobPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ContentJobOut]
