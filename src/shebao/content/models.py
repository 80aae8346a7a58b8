"""Published content: policies and regulations (政策法规), questions and answers (问答, the 12333
knowledge base reads them too) and employment notices (就业服务信息: job fairs, vacancies,
training), each with a status and a publication window.

Invariant: a row is shown to the public only while it is published, its ``publish_at`` has
come and its ``expire_at`` (if any) has not (:meth:`PublishedQuerySet.visible`); every read in
``selectors`` goes through that. ``search_text`` is the row's searchable text, normalised
(:func:`shebao.content.rules.normalise`) and written on every save, so a search is one indexed
``LIKE`` on one column (a trigram index on PostgreSQL, migration 0002).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shebao.content.rules import normalise


class Status(models.TextChoices):
    DRAFT = "draft", "草稿 / Draft"
    PUBLISHED = "published", "已发布 / Published"
    WITHDRAWN = "withdrawn", "已撤回 / Withdrawn"


class Insurance(models.TextChoices):
    """The insurance a policy concerns (the same values as the catalogue's)."""

    PENSION = "pension", "养老保险 / Pension"
    MEDICAL = "medical", "医疗保险 / Medical"
    UNEMPLOYMENT = "unemployment", "失业保险 / Unemployment"
    INJURY = "injury", "工伤保险 / Work injury"
    MATERNITY = "maternity", "生育保险 / Maternity"
    CARD = "card", "社会保障卡 / Card"
    GENERAL = "general", "综合 / General"


class PublishedQuerySet(models.QuerySet[Any]):
    def visible(self, *, at: dt.datetime | None = None) -> PublishedQuerySet:
        """Published, within its window at ``at`` (now)."""
        now = at or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )


class Published(models.Model):
    status = models.CharField("状态 / Status", max_length=16, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("发布时间 / Publish at", default=timezone.now)
    expire_at = models.DateTimeField(
        "下线时间 / Expire at", null=True, blank=True, help_text="留空为长期有效 / Empty: never expires"
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = normalise(" ".join(part for part in self.searchable() if part))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def searchable(self) -> list[str]:  # pragma: no cover - each model names its own fields
        raise NotImplementedError


class Policy(Published):
    """A law, regulation or policy document (政策法规) as the agency publishes it."""

    title = models.CharField("标题 / Title", max_length=200)
    title_en = models.CharField("英文标题 / Title in English", max_length=300, blank=True)
    number = models.CharField("文号 / Document number", max_length=100, blank=True)
    issuer = models.CharField("发文机关 / Issuer", max_length=200)
    effective_on = models.DateField("施行日期 / Effective from")
    insurance = models.CharField(
        "险种 / Insurance", max_length=16, choices=Insurance.choices, default=Insurance.GENERAL
    )
    summary = models.TextField("摘要 / Summary", blank=True)
    body = models.TextField("正文 / Text")
    body_en = models.TextField("英文说明 / English notes", blank=True)
    tags = models.CharField("标签 / Tags", max_length=200, blank=True, help_text="以逗号分隔 / Comma-separated")
    link = models.URLField("原文链接 / Source", blank=True)

    class Meta:
        verbose_name = "政策法规 / Policy"
        verbose_name_plural = "政策法规 / Policies"
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["status", "publish_at"], name="content_policy_visible")]

    def __str__(self) -> str:
        return self.title

    def searchable(self) -> list[str]:
        return [self.title, self.title_en, self.number, self.issuer, self.summary, self.body, self.body_en, self.tags]

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]


class Answer(Published):
    """A question and its answer (问答): the app's and the site's Q&A, and the 12333 operators'
    knowledge base (``selectors.answers_search``)."""

    class Category(models.TextChoices):
        ENROLMENT = "enrolment", "参保登记 / Enrolment"
        CONTRIBUTIONS = "contributions", "缴费 / Contributions"
        PENSION = "pension", "养老保险 / Pension"
        MEDICAL = "medical", "医疗保险 / Medical"
        UNEMPLOYMENT = "unemployment", "失业保险 / Unemployment"
        INJURY = "injury", "工伤保险 / Work injury"
        CARD = "card", "社会保障卡 / Card"
        ONLINE = "online", "网上办事 / Online services"
        GENERAL = "general", "其他 / Other"

    question = models.CharField("问题 / Question", max_length=300)
    question_en = models.CharField("英文问题 / Question in English", max_length=400, blank=True)
    answer = models.TextField("解答 / Answer")
    answer_en = models.TextField("英文解答 / Answer in English", blank=True)
    category = models.CharField("分类 / Category", max_length=16, choices=Category.choices, default=Category.GENERAL)
    keywords = models.CharField(
        "关键词 / Keywords", max_length=200, blank=True, help_text="以逗号分隔 / Comma-separated"
    )
    basis = models.CharField("依据 / Basis", max_length=300, blank=True)

    class Meta:
        verbose_name = "问答 / Q&A"
        verbose_name_plural = "问答 / Q&A"
        ordering = ["category", "id"]
        indexes = [models.Index(fields=["status", "publish_at"], name="content_answer_visible")]

    def __str__(self) -> str:
        return self.question

    def searchable(self) -> list[str]:
        return [self.question, self.question_en, self.answer, self.answer_en, self.keywords, self.basis]


class JobNotice(Published):
    """An employment service notice (就业服务信息) published by the agency."""

    class Kind(models.TextChoices):
        JOB_FAIR = "job_fair", "招聘会 / Job fair"
        VACANCY = "vacancy", "岗位信息 / Vacancy"
        TRAINING = "training", "职业培训 / Training"

    kind = models.CharField("类别 / Kind", max_length=16, choices=Kind.choices)
    title = models.CharField("标题 / Title", max_length=200)
    title_en = models.CharField("英文标题 / Title in English", max_length=300, blank=True)
    organiser = models.CharField("主办 / Organiser", max_length=200, blank=True)
    body = models.TextField("内容 / Details")
    starts_on = models.DateField("开始日期 / From")
    ends_on = models.DateField("结束日期 / To", null=True, blank=True)
    place = models.CharField("地点 / Place", max_length=200, blank=True)
    district = models.CharField("区 / District", max_length=32, blank=True, help_text="如 江岸区；全市留空")
    link = models.URLField("报名链接 / Link", blank=True)

    class Meta:
        verbose_name = "就业服务信息 / Employment notice"
        verbose_name_plural = "就业服务信息 / Employment notices"
        ordering = ["starts_on", "id"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="content_job_visible"),
            models.Index(fields=["kind", "district"], name="content_job_kind_district"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="content_job_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def searchable(self) -> list[str]:
        return [self.title, self.title_en, self.organiser, self.body, self.place, self.district]
