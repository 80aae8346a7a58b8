"""失业保险: the rule rows (effective-dated, with source and confidence, corrected by an
administrator in the audited admin), the employer's separation filings, the claims and their
monthly payments.

Invariants held by constraints: a claim's month is paid once (``unemployment_pay_month_once``);
a payment's bank idempotency key is unique; a person has at most one claim being paid.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Confidence(models.TextChoices):
    HIGH = "H", "高 / High"
    MEDIUM = "M", "中 / Medium"
    LOW = "L", "低（待核实）/ Low (to verify)"


class RuleRow(models.Model):
    region = models.CharField("统筹区 / Pooling region", max_length=16, default="wuhan")
    effective_from = models.DateField("生效日期 / Effective from")
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.MEDIUM)
    note = models.TextField("备注 / Note", blank=True)

    class Meta:
        abstract = True

    @property
    def ref(self) -> str:
        return f"unemployment.{type(self).__name__}#{self.pk}"


class Parameter(RuleRow):
    """One scalar of the rules, in force from ``effective_from`` until the next row of its key."""

    class Key(models.TextChoices):
        BENEFIT_SHARE = "benefit_share", "失业保险金占最低工资比例 / Benefit as a share of the minimum wage"
        MINIMUM_WAGE = "minimum_wage", "当地最低工资标准（元/月）/ Local minimum wage (yuan a month)"
        ENTITLEMENT_CAP = "entitlement_cap", "合并计算最长领取月数 / Cap on months with carried entitlement"
        CLAIM_DEADLINE_DAYS = "claim_deadline_days", "申领期限（天）/ Days allowed to claim"
        WINDOW_FIRST_DAY = "window_first_day", "异动期首日（每月几日）/ Monthly window opens on day"
        WINDOW_LAST_DAY = "window_last_day", "异动期末日（每月几日）/ Monthly window closes on day"
        SKILL_SUBSIDY_5 = "skill_subsidy_5", "技能提升补贴：初级（五级）（元）/ Skills subsidy, level 5 (yuan)"
        SKILL_SUBSIDY_4 = "skill_subsidy_4", "技能提升补贴：中级（四级）（元）/ Skills subsidy, level 4 (yuan)"
        SKILL_SUBSIDY_3 = "skill_subsidy_3", "技能提升补贴：高级（三级）（元）/ Skills subsidy, level 3 (yuan)"
        SKILL_SUBSIDY_MIN_MONTHS = "skill_min_months", "技能提升补贴：累计缴费月数不少于 / Skills subsidy: months paid"
        RURAL_PER_YEAR = "rural_per_year", "一次性生活补助：每满1年（元）/ Rural lump sum per full year (yuan)"
        RURAL_MAX_YEARS = "rural_max_years", "一次性生活补助：最多计算年数 / Rural lump sum: years counted at most"
        RETENTION_SHARE = "retention_share", "稳岗返还：上年度失业保险费返还比例 / Job-retention refund share"

    key = models.CharField("参数 / Parameter", max_length=32, choices=Key.choices)
    value = models.DecimalField("数值 / Value", max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = "失业保险参数 / Unemployment parameter"
        verbose_name_plural = "失业保险参数 / Unemployment parameters"
        constraints = [
            models.UniqueConstraint(fields=["region", "key", "effective_from"], name="unemployment_parameter_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="unemployment_parameter_not_negative"),
        ]


class DurationStep(RuleRow):
    """领取期限: at least ``min_months`` of contributions give ``months`` of benefit (条例第十七条)."""

    min_months = models.PositiveIntegerField("累计缴费月数不少于 / Contribution months at least")
    months = models.PositiveIntegerField("最长领取月数 / Months of benefit")

    class Meta:
        verbose_name = "领取期限 / Benefit duration step"
        verbose_name_plural = "领取期限 / Benefit duration steps"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "min_months", "effective_from"], name="unemployment_duration_once"
            )
        ]


class SeparationReason(RuleRow):
    """离职原因: whether it is 非因本人意愿中断就业 (eligible), with the regulation's case."""

    code = models.CharField("代码 / Code", max_length=32)
    eligible = models.BooleanField("非本人意愿（可领取）/ Involuntary (eligible)")
    label_zh = models.CharField("名称 / Name", max_length=64)
    label_en = models.CharField("Name (English)", max_length=96)
    basis = models.CharField("对应条款 / Article", max_length=128)
    text = models.TextField("条文 / Text", blank=True)

    class Meta:
        verbose_name = "离职原因 / Separation reason"
        verbose_name_plural = "离职原因 / Separation reasons"
        constraints = [
            models.UniqueConstraint(fields=["region", "code", "effective_from"], name="unemployment_reason_once")
        ]


class Separation(models.Model):
    """失业人员名单备案 (SY-001): the employer's statement of why a person's job ended."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(max_length=18)
    terminated_on = models.DateField()
    reason = models.CharField(max_length=32)
    case_number = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "失业人员备案 / Separation filing"
        verbose_name_plural = "失业人员备案 / Separation filings"
        indexes = [models.Index(fields=["person", "terminated_on"])]


class Claim(models.Model):
    """失业保险金领取: from ``start_month`` for at most ``max_months`` months at
    ``monthly_benefit``; the fund pays the claimant's medical insurance while it is paid."""

    class Status(models.TextChoices):
        PAYING = "paying", "发放中 / Being paid"
        STOPPED = "stopped", "已停发 / Stopped"
        EXHAUSTED = "exhausted", "已领完 / Used up"

    class StopReason(models.TextChoices):
        REEMPLOYED = "reemployed", "重新就业 / Re-employed"
        MILITARY = "military", "应征服兵役 / Enlisted"
        ABROAD = "abroad", "移居境外 / Settled abroad"
        PENSION = "pension", "享受基本养老保险待遇 / Draws a pension"
        REFUSED = "refused", "无正当理由拒不接受推荐的工作或培训 / Refused suitable work"
        OTHER = "other", "其他 / Other"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=32, unique=True)
    separation_reason = models.CharField(max_length=32)
    terminated_on = models.DateField()
    contribution_months = models.PositiveIntegerField()
    carried_months = models.PositiveIntegerField("前次未领月数 / Carried over", default=0)
    start_month = models.DateField("起始月份 / First month")
    max_months = models.PositiveIntegerField("最长领取月数 / Months granted")
    monthly_benefit = models.DecimalField(max_digits=10, decimal_places=2)
    derivation = models.JSONField(default=dict)
    rules = models.JSONField("所用规则 / Rule rows used", default=list)
    provisional = models.BooleanField(default=False)
    bank_card = models.CharField(max_length=19)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PAYING)
    stop_reason = models.CharField(max_length=16, choices=StopReason.choices, blank=True)
    stopped_from = models.DateField("停发月份 / Stopped from (month)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "失业保险金领取 / Unemployment claim"
        verbose_name_plural = "失业保险金领取 / Unemployment claims"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="paying"), name="unemployment_one_paying_claim"
            ),
            models.CheckConstraint(condition=Q(max_months__lte=24), name="unemployment_claim_at_most_24"),
        ]
        indexes = [models.Index(fields=["status", "id"])]


class ClaimPayment(models.Model):
    """One month of benefit paid to the claimant's bank account, plus the medical insurance the
    fund pays for them that month. ``key`` is the bank transfer's idempotency key."""

    class Status(models.TextChoices):
        SENT = "sent", "已发送银行 / Sent to the bank"
        FAILED = "failed", "银行退回 / Returned by the bank"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    month = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    medical_by_fund = models.BooleanField("基金代缴医疗保险 / Medical paid by the fund", default=True)
    bank_card = models.CharField(max_length=19)
    key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    bank_ref = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField()

    class Meta:
        verbose_name = "失业保险金发放 / Benefit payment"
        verbose_name_plural = "失业保险金发放 / Benefit payments"
        constraints = [models.UniqueConstraint(fields=["claim", "month"], name="unemployment_pay_month_once")]


class OneOffPayment(models.Model):
    """A one-off payment a service item's completion makes (SY-004 skills subsidy, SY-005
    job-retention refund, SY-007 rural lump sum): the amount from the rule rows with its
    derivation, sent once through the bank adapter. ``key`` is both the idempotency key and the
    "once" of the policy (a certificate, a unit's year, a separation), so a second case for the
    same thing is refused by the constraint as well as by the service."""

    class Status(models.TextChoices):
        SENT = "sent", "已发送银行 / Sent to the bank"
        FAILED = "failed", "银行退回 / Returned by the bank"

    item_code = models.CharField("事项 / Item", max_length=16)
    case_number = models.CharField("办件编号 / Case", max_length=32, unique=True)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField("单位 / Unit", max_length=18, blank=True)
    key = models.CharField("幂等键 / Idempotency key", max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    account = models.CharField("收款账号 / Paid to", max_length=40)
    derivation = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    bank_ref = models.CharField(max_length=64, blank=True)
    failure = models.CharField(max_length=200, blank=True)
    paid_at = models.DateTimeField()

    class Meta:
        verbose_name = "一次性待遇支付 / One-off payment"
        verbose_name_plural = "一次性待遇支付 / One-off payments"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="unemployment_one_off_positive")]

    def __str__(self) -> str:
        return f"{self.key} {self.amount}"
