"""Filings and approvals for care (异地就医备案, 转诊转院审批, 非定点急诊审批): recorded when their
case completes, read by the reimbursement to know which cross-region cut applies."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CareAuthorisation(models.Model):
    class Kind(models.TextChoices):
        REFERRAL = "referral", "转诊转院备案 / Referral filing"
        EMERGENCY = "emergency", "急诊抢救备案 / Emergency filing"
        LONG_TERM = "long_term", "异地长期居住备案 / Long-term filing"
        TRANSFER = "transfer", "转诊转院审批 / Hospital transfer approved"
        NON_DESIGNATED = "non_designated", "非定点医院急诊审批 / Non-designated emergency approved"

    id_number = models.CharField("公民身份号码 / ID number", max_length=18, db_index=True)
    name = models.CharField("姓名 / Name", max_length=64)
    kind = models.CharField("类别 / Kind", max_length=16, choices=Kind.choices)
    category = models.CharField("细类 / Category", max_length=16, blank=True)
    place = models.CharField("就医地 / Place", max_length=64, blank=True)
    hospital = models.CharField("医疗机构 / Hospital", max_length=100, blank=True)
    valid_from = models.DateField("有效期起 / Valid from")
    valid_to = models.DateField("有效期止 / Valid to", null=True, blank=True)
    changeable_from = models.DateField("可变更日期 / Changeable from", null=True, blank=True)
    retroactive = models.BooleanField("补办备案 / Filed afterwards", default=False)
    case_number = models.CharField("办件编号 / Case number", max_length=32, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "就医备案与审批 / Care filing or approval"
        verbose_name_plural = "就医备案与审批 / Care filings and approvals"
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="medical_authorisation_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.kind} {self.valid_from}"
