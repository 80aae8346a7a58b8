"""Rules as effective-dated rows (DOMAIN.md §2): nothing here is a constant in code.

Every row names its source and the confidence the domain reference gives it, so an auditor
sees which figures still wait for the official Hubei/Wuhan table. A row is in force from
``effective_from`` until the day before the next row's start (or ``effective_to``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Confidence(models.TextChoices):
    HIGH = "H", "高 / High"
    MEDIUM = "M", "中 / Medium"
    LOW = "L", "低（待核实）/ Low (to verify)"


class PersonType(models.TextChoices):
    EMPLOYEE = "employee", "职工 / Employee"
    FLEXIBLE = "flexible", "灵活就业人员 / Flexible worker"


class RuleRow(models.Model):
    region = models.CharField("统筹区 / Pooling region", max_length=16, default="wuhan")
    effective_from = models.DateField("生效日期 / Effective from")
    effective_to = models.DateField("失效日期 / Effective to", null=True, blank=True)
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.MEDIUM)
    note = models.TextField("备注 / Note", blank=True)

    class Meta:
        abstract = True


class WageBase(RuleRow):
    """The contribution base limits of one contribution year: 60%-300% of the 全口径 average
    wage (国办发〔2019〕13号), stored as published (the floor and cap are rounded there)."""

    year = models.PositiveSmallIntegerField("缴费年度 / Contribution year")
    average = models.DecimalField("全口径平均工资（月）/ Average monthly wage", max_digits=10, decimal_places=2)
    floor = models.DecimalField("缴费基数下限 / Floor", max_digits=10, decimal_places=2)
    cap = models.DecimalField("缴费基数上限 / Cap", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "缴费基数上下限 / Contribution base limits"
        verbose_name_plural = "缴费基数上下限 / Contribution base limits"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="wage_base_unique"),
            models.CheckConstraint(condition=Q(floor__lte=models.F("cap")), name="wage_base_floor_le_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.floor}-{self.cap}"


class ContributionRate(RuleRow):
    """A rate of one insurance for one payer. ``payer="account"`` is the share of the base
    credited to the pension personal account (8% since 2006, 国发〔2005〕38号)."""

    class Payer(models.TextChoices):
        EMPLOYER = "employer", "单位 / Employer"
        INDIVIDUAL = "individual", "个人 / Individual"
        ACCOUNT = "account", "记入个人账户 / To the personal account"

    insurance = models.CharField("险种 / Insurance", max_length=16)
    person_type = models.CharField(max_length=12, choices=PersonType.choices)
    payer = models.CharField(max_length=12, choices=Payer.choices)
    rate = models.DecimalField("费率 / Rate", max_digits=7, decimal_places=5)

    class Meta:
        verbose_name = "缴费费率 / Contribution rate"
        verbose_name_plural = "缴费费率 / Contribution rates"
        ordering = ["region", "insurance", "person_type", "payer", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "insurance", "person_type", "payer", "effective_from"],
                name="contribution_rate_unique",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lt=1), name="contribution_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.insurance}/{self.person_type}/{self.payer} {self.rate} from {self.effective_from}"


class InjuryRate(RuleRow):
    """Work-injury rate of an industry risk class (1-8, 人社部发〔2015〕71号), employer only."""

    risk_class = models.PositiveSmallIntegerField("行业风险类别 / Risk class")
    rate = models.DecimalField("费率 / Rate", max_digits=7, decimal_places=5)

    class Meta:
        verbose_name = "工伤保险费率 / Work-injury rate"
        verbose_name_plural = "工伤保险费率 / Work-injury rates"
        constraints = [
            models.UniqueConstraint(fields=["region", "risk_class", "effective_from"], name="injury_rate_unique"),
            models.CheckConstraint(condition=Q(risk_class__gte=1, risk_class__lte=8), name="injury_rate_class_range"),
        ]


class InterestRate(models.Model):
    """记账利率 of the enterprise-employee pension personal account for one year (DOMAIN.md §2.1)."""

    year = models.PositiveSmallIntegerField("年度 / Year", unique=True)
    rate = models.DecimalField("记账利率 / Crediting rate", max_digits=7, decimal_places=5)
    provisional = models.BooleanField("暂定 / Provisional", default=False)
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.HIGH)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "个人账户记账利率 / Account crediting rate"
        verbose_name_plural = "个人账户记账利率 / Account crediting rates"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.rate}"


class LateFeeRule(RuleRow):
    """滞纳金: a daily rate on overdue contributions (社会保险法 Art. 86: 万分之五 per day)."""

    daily_rate = models.DecimalField("日费率 / Daily rate", max_digits=7, decimal_places=6)
    grace_days = models.PositiveSmallIntegerField("宽限天数 / Grace days", default=0)

    class Meta:
        verbose_name = "滞纳金规则 / Late-fee rule"
        verbose_name_plural = "滞纳金规则 / Late-fee rules"
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="late_fee_unique")]
