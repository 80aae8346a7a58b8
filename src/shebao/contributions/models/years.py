"""``ContributionYear``: the per-person, per-year, per-insurance roll-up that contribution years,
the wage index and the annual rights statement are computed from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Insurance(models.TextChoices):
    PENSION = "pension", "养老保险 / Pension"
    MEDICAL = "medical", "医疗保险 / Medical"
    UNEMPLOYMENT = "unemployment", "失业保险 / Unemployment"
    INJURY = "injury", "工伤保险 / Work injury"
    MATERNITY = "maternity", "生育保险 / Maternity"


class ContributionYear(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="contribution_years")
    unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    insurance = models.CharField("险种 / Insurance", max_length=16, choices=Insurance.choices)
    year = models.PositiveSmallIntegerField("年度 / Year")
    months = models.PositiveSmallIntegerField("缴费月数 / Months paid")
    base_total = models.DecimalField("全年缴费基数合计 / Sum of monthly bases", max_digits=14, decimal_places=2)
    employer_amount = models.DecimalField("单位缴费 / Employer paid", max_digits=14, decimal_places=2)
    personal_amount = models.DecimalField("个人缴费 / Individual paid", max_digits=14, decimal_places=2)
    account_credit = models.DecimalField("记入个人账户 / Credited to the account", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "年度缴费记录 / Annual contribution record"
        verbose_name_plural = "年度缴费记录 / Annual contribution records"
        constraints = [
            models.UniqueConstraint(fields=["person", "insurance", "year"], name="contribution_year_unique"),
            models.CheckConstraint(condition=Q(months__lte=12), name="contribution_year_months_range"),
        ]
