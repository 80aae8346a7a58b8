"""The region-specific figures of the pension formula as effective-dated rule rows (DOMAIN.md
§1.1-1.3): nothing of them is a constant in code.

Every row names its source and the confidence the domain reference gives it; the Hubei/Wuhan
figures are all L/M and wait for the agency's official table, corrected by an administrator
in the admin (audited). A row is in force from ``effective_from`` to ``effective_to``; a
retirement after the last row's end uses that row *carried forward* and is provisional
(``shebao.pensions.params``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Confidence(models.TextChoices):
    HIGH = "H", "高 / High"
    MEDIUM = "M", "中 / Medium"
    LOW = "L", "低（待核实）/ Low (to verify)"


class DeemedIndexRule(models.TextChoices):
    """视同缴费指数 Z同 of the transition pension (provinces differ, DOMAIN.md §1.1 item 4)."""

    FIXED_ONE = "fixed_one", "固定为1（如北京）/ Fixed at 1 (e.g. Beijing)"
    OWN_INDEX = "own_index", "本人平均缴费工资指数 Z̄ / The person's own average index"
    HALF_SUM = "half_sum", "(1+Z̄)÷2 / (1 + own index) / 2"


class PensionRuleRow(models.Model):
    region = models.CharField("统筹区 / Pooling region", max_length=16, default="wuhan")
    effective_from = models.DateField("生效日期 / Effective from")
    effective_to = models.DateField("失效日期 / Effective to", null=True, blank=True)
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.MEDIUM)
    note = models.TextField("备注 / Note", blank=True)

    class Meta:
        abstract = True

    @property
    def ref(self) -> str:
        """How a calculation names this row (``pensions.PensionBase#3``), to show and to replay."""
        return f"pensions.{type(self).__name__}#{self.pk}"


class PensionBase(PensionRuleRow):
    """计发基数 C̄ of one year and region: the average monthly wage the basic and transition
    pensions of that year's retirements are computed from (since 2019 the published 计发基数;
    usually published mid-year and applied to the whole year). Set ``effective_to`` to the
    year's end, so that the next year's retirements know they use it carried forward."""

    year = models.PositiveSmallIntegerField("年度 / Year")
    amount = models.DecimalField(
        "计发基数（元/月）/ Average wage for benefits (yuan a month)", max_digits=10, decimal_places=2
    )

    class Meta:
        verbose_name = "养老金计发基数 / Average wage for pensions"
        verbose_name_plural = "养老金计发基数 / Average wages for pensions"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="pension_base_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="pension_base_positive"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="pension_base_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.amount}"


class TransitionRule(PensionRuleRow):
    """过渡性养老金 of the region: C̄ × Z同 × N同 × k, for the deemed years before the
    personal accounts started (``account_start``)."""

    coefficient = models.DecimalField("过渡系数 k / Transition coefficient", max_digits=6, decimal_places=5)
    deemed_index_rule = models.CharField(
        "视同缴费指数 / Deemed index", max_length=12, choices=DeemedIndexRule.choices, default=DeemedIndexRule.OWN_INDEX
    )
    account_start = models.DateField("个人账户建立时间 / Personal accounts started")

    class Meta:
        verbose_name = "过渡性养老金规则 / Transition pension rule"
        verbose_name_plural = "过渡性养老金规则 / Transition pension rules"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="transition_rule_unique"),
            models.CheckConstraint(condition=Q(coefficient__gte=0, coefficient__lt=1), name="transition_rule_range"),
            models.CheckConstraint(
                condition=Q(deemed_index_rule__in=["fixed_one", "own_index", "half_sum"]),
                name="transition_rule_index_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} k={self.coefficient} ({self.deemed_index_rule}) from {self.effective_from}"
