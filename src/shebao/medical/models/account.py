"""职工医保个人账户划入规则 (YB-005, 国办发〔2021〕14号 门诊共济保障): how much of a month's
contributions goes to the medical personal account, as effective-dated rule rows an
administrator corrects in the admin. A working person's credit is a share of their own medical
contribution (and, before the mutual-aid reform, a share of the base from the employer's); a
retiree's is a fixed monthly amount. Every Wuhan figure is confidence L until the 武汉市医疗保障局
tables are in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shebao.medical.models.rules import MedicalRuleRow, PersonType


class AccountCreditRule(MedicalRuleRow):
    person_type = models.CharField("人员类别 / Person type", max_length=8, choices=PersonType.choices)
    personal_share = models.DecimalField(
        "个人缴费划入比例 / Share of the personal contribution", max_digits=5, decimal_places=4, default=0
    )
    employer_share = models.DecimalField(
        "单位缴费按基数划入比例 / Share of the base from the employer's", max_digits=5, decimal_places=4, default=0
    )
    # A flexible worker pays the whole medical rate themself, so a share of their contribution
    # would credit the employer's part too: their month is credited this share of the base.
    flexible_base_share = models.DecimalField(
        "灵活就业人员按基数划入比例 / Share of the base for a flexible worker",
        max_digits=5,
        decimal_places=4,
        default=0,
    )
    monthly_amount = models.DecimalField(
        "定额划入（元/月）/ Fixed monthly credit (yuan)", max_digits=10, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = "医保个人账户划入规则 / Medical account credit rule"
        verbose_name_plural = "医保个人账户划入规则 / Medical account credit rules"
        ordering = ["region", "person_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "person_type", "effective_from"], name="medical_account_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(personal_share__gte=0)
                & Q(personal_share__lte=1)
                & Q(employer_share__gte=0)
                & Q(employer_share__lte=1)
                & Q(flexible_base_share__gte=0)
                & Q(flexible_base_share__lte=1)
                & Q(monthly_amount__gte=0),
                name="medical_account_rule_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_type} {self.effective_from}: {self.personal_share} {self.employer_share} {self.monthly_amount}"
