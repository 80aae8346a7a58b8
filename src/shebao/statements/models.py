"""Issued statements (社会保险个人权益记录单): the signed content of a person's record for a year,
one row per version.

A statement is issued from the record (``selectors.record_for``) and never changed: when the
figures change (a correction, a late payment) the next issue writes a new version and marks
the old one superseded, and the public verification page says so with the date. The ``ref``
printed on paper and in URLs is random (never the row id or anything derived from the person),
so nobody can walk other people's statements by counting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Statement(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="statements")
    year = models.PositiveSmallIntegerField("记录年度 / Year")
    version = models.PositiveSmallIntegerField("版本 / Version")
    ref = models.CharField("文件编号 / Document number", max_length=32, unique=True)
    code = models.CharField("验证码 / Verification code", max_length=19)
    signature = models.CharField("签名 / Signature", max_length=64)
    content = models.JSONField("记录内容 / Signed content")
    issued_at = models.DateTimeField("出具时间 / Issued at")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("渠道 / Channel", max_length=16)
    superseded_at = models.DateTimeField("作废时间 / Superseded at", null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    correction_case = models.CharField("更正办件 / Correction case", max_length=20, blank=True)

    class Meta:
        verbose_name = "个人权益记录单 / Rights statement"
        verbose_name_plural = "个人权益记录单 / Rights statements"
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "version"], name="statement_version_unique"),
            # one current statement per person and year
            models.UniqueConstraint(
                fields=["person", "year"], condition=Q(superseded_at__isnull=True), name="statement_current_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version} {self.ref}"

    @property
    def current(self) -> bool:
        return self.superseded_at is None
