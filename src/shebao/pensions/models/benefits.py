"""What a retiree has with the agency: the pension profile (job type, 参加工作时间, deemed years,
standing), the retirement certificate (退休证), each benefit determination (待遇核定) with its
inputs, rule rows and derivation, the payments (monthly, back-paid, one-off) and the events of
the benefit (suspension, resumption, certification, account change, death).

Invariants held by constraints, not by code paths:

* one profile and one certificate per person; a certificate number is issued once;
* at most one *approved* determination per person at a time (a new one supersedes it);
* a month of pension is paid once per person, as a regular or as a back payment, never both
  (the monthly job and a resumption's back payment may race: the constraint decides).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobType(models.TextChoices):
    """Which original retirement age applies to a woman (men: 60 whatever the job)."""

    WORKER = "worker", "工人 / Worker"
    CADRE = "cadre", "干部（管理、专业技术岗位）/ Cadre or technical"


class PensionProfile(models.Model):
    """A person's pension standing: set up at the retirement case, kept by the benefit items."""

    class Status(models.TextChoices):
        PENDING = "pending", "未退休 / Not retired"
        PAYING = "paying", "按月领取 / Drawing monthly"
        SUSPENDED = "suspended", "暂停发放 / Suspended"
        STOPPED = "stopped", "终止发放 / Stopped"

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="pension_profile")
    job_type = models.CharField("岗位类别 / Job type", max_length=8, choices=JobType.choices, default=JobType.WORKER)
    work_start = models.DateField("参加工作时间 / Started work", null=True, blank=True)
    deemed_months = models.PositiveIntegerField("视同缴费月数 / Deemed months", default=0)
    deemed_source = models.CharField("视同缴费依据 / Source of the deemed months", max_length=255, blank=True)
    hukou_local = models.BooleanField("本市户籍 / Local hukou", default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    retirement_month = models.DateField("退休月份 / Retirement month", null=True, blank=True)
    benefit_start = models.DateField("待遇起始月 / First month paid", null=True, blank=True)
    bank_card = models.CharField("发放账户 / Payment card", max_length=19, blank=True)
    bank_card_since = models.DateField("账户起用 / Card used since", null=True, blank=True)
    suspended_from = models.DateField("暂停起始月 / Suspended from", null=True, blank=True)
    stopped_after = models.DateField("最后发放月 / Last month paid", null=True, blank=True)
    certified_on = models.DateField("最近资格认证 / Last certified", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "养老待遇档案 / Pension profile"
        verbose_name_plural = "养老待遇档案 / Pension profiles"
        indexes = [models.Index(fields=["status", "id"], name="pension_profile_status_idx")]


class RetirementCertificate(models.Model):
    """退休证 (new style): ``TX`` + district code + year + six-digit serial + check character."""

    number = models.CharField("退休证编号 / Certificate number", max_length=24, unique=True)
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="retirement_certificate")
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    retire_type = models.CharField("退休类别 / Kind of retirement", max_length=16)
    retirement_month = models.DateField("退休月份 / Retirement month")
    age_years = models.PositiveSmallIntegerField("退休年龄（岁）/ Age (years)")
    age_months = models.PositiveSmallIntegerField("退休年龄（月）/ Age (months)")
    issued_at = models.DateTimeField("发证时间 / Issued at")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "退休证 / Retirement certificate"
        verbose_name_plural = "退休证 / Retirement certificates"


class NumberSequence(models.Model):
    """The last serial issued under a key (e.g. ``TX-420102-2026``), taken under a row lock."""

    key = models.CharField(max_length=32, unique=True)
    value = models.PositiveIntegerField(default=0)


class PensionDetermination(models.Model):
    """待遇核定: the monthly basic pension with its parts, computed from the stored ``inputs``
    under the stored ``params`` (the rule rows' values and ids), so it can be replayed; paid
    only once approved (an approver, risk level 3)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "退休核定 / At retirement"
        REDETERMINATION = "redetermination", "重新核定 / Redetermined"
        ADJUSTMENT = "adjustment", "待遇调整 / Annual adjustment"

    class Status(models.TextChoices):
        DRAFT = "draft", "待审批 / Awaiting approval"
        APPROVED = "approved", "已核定 / Approved"
        SUPERSEDED = "superseded", "已被替代 / Superseded"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pension_determinations")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INITIAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    retirement_month = models.DateField("退休月份 / Retirement month")
    effective_from = models.DateField("执行月份 / Paid from month")
    age_years = models.PositiveSmallIntegerField()
    age_months = models.PositiveSmallIntegerField()
    basic_pension = models.DecimalField("基础养老金 / Basic pension", max_digits=12, decimal_places=2)
    account_pension = models.DecimalField("个人账户养老金 / Account pension", max_digits=12, decimal_places=2)
    transition_pension = models.DecimalField("过渡性养老金 / Transition pension", max_digits=12, decimal_places=2)
    total = models.DecimalField("月基本养老金 / Monthly pension", max_digits=12, decimal_places=2)
    months_divisor = models.DecimalField("计发月数 / Months divisor", max_digits=6, decimal_places=1)
    provisional = models.BooleanField("暂定 / Provisional", default=False)
    inputs = models.JSONField("计算输入 / Inputs")
    params = models.JSONField("规则参数 / Rule parameters")
    rule_refs = models.JSONField("所用规则 / Rule rows used", default=list)
    derivation = models.JSONField("计算过程 / Derivation", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "养老待遇核定 / Pension determination"
        verbose_name_plural = "养老待遇核定 / Pension determinations"
        indexes = [models.Index(fields=["person", "-created_at"], name="pension_det_person_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="approved"), name="pension_det_one_approved"),
            models.CheckConstraint(condition=Q(total__gte=0), name="pension_det_total_nonnegative"),
        ]

    @property
    def ref(self) -> str:
        """The determination's serial on paper and in the verification URL (never an ID number)."""
        return f"HD{self.retirement_month:%Y%m}-{self.pk:08d}"


class PensionPayment(models.Model):
    """One payment to a retiree (or, for the one-off survivors' items, to the claimant)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "按月发放 / Monthly"
        BACK_PAY = "back_pay", "补发 / Back payment"
        FUNERAL_GRANT = "funeral_grant", "丧葬补助金 / Funeral grant"
        SURVIVOR_PENSION = "survivor_pension", "抚恤金 / Survivors' pension"
        ACCOUNT_INHERITANCE = "account_inheritance", "个人账户余额继承 / Account balance inherited"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pension_payments")
    determination = models.ForeignKey(
        PensionDetermination, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    month = models.DateField("所属月份 / Month")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    bank_card = models.CharField("收款账户 / Paid to card", max_length=19, blank=True)
    payee = models.CharField("收款人 / Payee", max_length=64, blank=True)
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "养老金发放 / Pension payment"
        verbose_name_plural = "养老金发放 / Pension payments"
        indexes = [models.Index(fields=["person", "-month"], name="pension_pay_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month"],
                condition=Q(kind__in=["monthly", "back_pay"]),
                name="pension_pay_month_once",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pension_pay_nonnegative"),
        ]


class BenefitEvent(models.Model):
    """What happened to the benefit, in order: retirement, suspension, resumption, certification
    (资格认证), account change, death; each from the case that did it."""

    class Kind(models.TextChoices):
        RETIRE = "retire", "退休 / Retired"
        SUSPEND = "suspend", "暂停发放 / Suspended"
        RESUME = "resume", "恢复发放 / Resumed"
        CERTIFY = "certify", "资格认证 / Certified"
        ACCOUNT = "account", "变更发放账户 / Payment card changed"
        DEATH = "death", "死亡终止 / Stopped on death"
        DETERMINE = "determine", "待遇核定 / Determined"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="benefit_events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField("日期 / Date")
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "待遇事件 / Benefit event"
        verbose_name_plural = "待遇事件 / Benefit events"
        indexes = [models.Index(fields=["person", "-on"], name="benefit_event_person_idx")]


class SurvivorBenefitRule(models.Model):
    """丧葬补助金 and 抚恤金 as months of the deceased's monthly pension (社会保险法第十七条: the
    amounts are set by the province). An effective-dated row with its source and confidence."""

    region = models.CharField(max_length=16, default="wuhan")
    effective_from = models.DateField("生效日期 / Effective from")
    funeral_months = models.DecimalField("丧葬补助金月数 / Funeral grant (months)", max_digits=5, decimal_places=1)
    survivor_months = models.DecimalField("抚恤金月数 / Survivors' pension (months)", max_digits=5, decimal_places=1)
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, default="L")
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "遗属待遇规则 / Survivors' benefit rule"
        verbose_name_plural = "遗属待遇规则 / Survivors' benefit rules"
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="survivor_rule_unique"),
        ]


class InjuryRecognition(models.Model):
    """认定工伤决定 (GS-001): the decision written at the completion of the recognition case,
    with its number (``GSRD`` + year + six-digit serial), the accident and the employer."""

    number = models.CharField("认定决定书编号 / Decision number", max_length=20, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="injury_recognitions")
    unit_code = models.CharField("用人单位 / Employer", max_length=18)
    accident_date = models.DateField("事故发生日期 / Accident")
    diagnosis_date = models.DateField("初次诊断日期 / Diagnosis")
    applicant_type = models.CharField("申请人类别 / Filed by", max_length=12)
    description = models.TextField("受伤经过 / What happened", blank=True)
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    decided_at = models.DateTimeField("决定时间 / Decided at")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "工伤认定决定 / Work-injury recognition"
        verbose_name_plural = "工伤认定决定 / Work-injury recognitions"


class InjuryBenefit(models.Model):
    """工伤保险待遇核定 (GS-002): one benefit approved under a recognition decision, paid once."""

    recognition = models.ForeignKey(InjuryRecognition, on_delete=models.PROTECT, related_name="benefits")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="injury_benefits")
    benefit_type = models.CharField("待遇项目 / Benefit", max_length=24)
    amount = models.DecimalField("核定金额 / Amount", max_digits=12, decimal_places=2)
    bank_card = models.CharField("收款账户 / Card", max_length=19, blank=True)
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "工伤保险待遇核定 / Work-injury benefit"
        verbose_name_plural = "工伤保险待遇核定 / Work-injury benefits"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="injury_benefit_nonnegative")]
