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
    wage (国办发〔2019〕13号). A published floor and cap are stored as published (whole yuan);
    left blank where none is published, they are computed by ``rules.base_limits_compute``
    (floor rounded up, cap rounded down to the yuan). Set ``effective_to`` to the year's end:
    months after the last row's end use it as *carried forward* and are marked provisional."""

    year = models.PositiveSmallIntegerField("缴费年度 / Contribution year")
    average = models.DecimalField("全口径平均工资（月）/ Average monthly wage", max_digits=10, decimal_places=2)
    floor = models.DecimalField(
        "缴费基数下限 / Floor",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="公布值；未公布留空，按平均工资60%进位到元计算 / As published; blank: 60% of the average, rounded up",
    )
    cap = models.DecimalField(
        "缴费基数上限 / Cap",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="公布值；未公布留空，按平均工资300%舍去到元计算 / As published; blank: 300% of the average, rounded down",
    )

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


class GradeRule(RuleRow):
    """灵活就业人员缴费档次: the lowest and highest grade a flexible worker may choose, as a
    ratio of the average wage, and the step between grades (国办发〔2019〕13号: 60%-300%).
    The calculator, the grade and back-payment forms and the services all check this row."""

    minimum = models.DecimalField("最低档次 / Lowest grade", max_digits=4, decimal_places=2)
    maximum = models.DecimalField("最高档次 / Highest grade", max_digits=4, decimal_places=2)
    step = models.DecimalField("档差 / Step", max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = "灵活就业缴费档次规则 / Grade rule"
        verbose_name_plural = "灵活就业缴费档次规则 / Grade rules"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="grade_rule_unique"),
            models.CheckConstraint(
                condition=Q(minimum__gt=0, step__gt=0, maximum__gte=models.F("minimum")), name="grade_rule_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.minimum}-{self.maximum} by {self.step} from {self.effective_from}"


class BackpayCharge(RuleRow):
    """What a back-paid month (中断期补缴) carries besides its contributions, per payer kind:
    滞纳金 at the late-fee row's daily rate (社会保险法 Art. 86 names employers), interest at
    ``annual_rate`` (simple, days / 365), or nothing. For flexible workers the law is silent and
    cities differ (DOMAIN.md §10): the row's note says what was assumed."""

    class Charge(models.TextChoices):
        LATE_FEE = "late_fee", "滞纳金（按滞纳金规则日费率）/ Late fee (the late-fee rule's daily rate)"
        INTEREST = "interest", "利息（按年利率）/ Interest (annual rate)"
        NONE = "none", "不加收 / Nothing"

    person_type = models.CharField(max_length=12, choices=PersonType.choices)
    charge = models.CharField("加收 / Charge", max_length=12, choices=Charge.choices)
    annual_rate = models.DecimalField(
        "年利率 / Annual rate",
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="仅用于利息 / interest only",
    )

    class Meta:
        verbose_name = "补缴加收规则 / Back-payment charge"
        verbose_name_plural = "补缴加收规则 / Back-payment charges"
        ordering = ["region", "person_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "person_type", "effective_from"], name="backpay_charge_unique"),
            models.CheckConstraint(
                condition=~Q(charge="interest") | Q(annual_rate__isnull=False, annual_rate__gte=0, annual_rate__lt=1),
                name="backpay_charge_interest_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.person_type}: {self.charge} from {self.effective_from}"


class LateFeeRule(RuleRow):
    """滞纳金: a daily rate on overdue contributions (社会保险法 Art. 86: 万分之五 per day)."""

    daily_rate = models.DecimalField("日费率 / Daily rate", max_digits=7, decimal_places=6)
    grace_days = models.PositiveSmallIntegerField("宽限天数 / Grace days", default=0)

    class Meta:
        verbose_name = "滞纳金规则 / Late-fee rule"
        verbose_name_plural = "滞纳金规则 / Late-fee rules"
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="late_fee_unique")]
