"""The monthly ledger: what each person owes per month, gathered into bills and settled by
payments. One row per person per month carries every insurance's amounts (a column pair
each), so a month's assessment of 2.8 million people writes 2.8 million rows, not 14 million."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class FlexibleGrade(models.Model):
    """A flexible worker's contribution grade (缴费档次): a ratio of the average wage within the
    ``GradeRule`` in force (checked by the grade service), in force from a month until the next
    grade."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="grades")
    ratio = models.DecimalField("档次（平均工资的倍数）/ Grade", max_digits=4, decimal_places=2)
    effective_month = models.DateField("起始月份 / From month")
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "灵活就业缴费档次 / Contribution grade"
        verbose_name_plural = "灵活就业缴费档次 / Contribution grades"
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_month"], name="flexible_grade_unique"),
            # the bounds are a rule row (GradeRule); the table only refuses what no rule could allow
            models.CheckConstraint(condition=Q(ratio__gt=0), name="flexible_grade_positive"),
        ]


class DeclaredBase(models.Model):
    """缴费基数申报: the monthly wage a unit declares for an employee for a contribution year
    (the previous year's average monthly wage); clamped to the limits when assessed."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="declared_bases")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="declared_bases")
    year = models.PositiveSmallIntegerField("缴费年度 / Year")
    wage = models.DecimalField("申报工资 / Declared wage", max_digits=12, decimal_places=2)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "缴费基数申报 / Declared base"
        verbose_name_plural = "缴费基数申报 / Declared bases"
        constraints = [models.UniqueConstraint(fields=["unit", "person", "year"], name="declared_base_unique")]


class Bill(models.Model):
    """What one payer (a unit, or a flexible worker) owes for one month (or a back-payment)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月度核定 / Monthly"
        BACK_PAYMENT = "back_payment", "中断期补缴 / Back-payment"
        DIFFERENCE = "difference", "更正补差 / Correction difference"

    class Status(models.TextChoices):
        OPEN = "open", "待缴 / Open"
        PAID = "paid", "已缴 / Paid"
        CANCELLED = "cancelled", "已撤销 / Cancelled"

    # No index of their own: the two partial unique constraints below lead with them.
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    period = models.DateField("费款所属期 / Period (month)")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MONTHLY)
    employer_total = models.DecimalField(max_digits=14, decimal_places=2)
    personal_total = models.DecimalField(max_digits=14, decimal_places=2)
    late_fee = models.DecimalField("滞纳金 / Late fee", max_digits=14, decimal_places=2, default=0)
    due_date = models.DateField("缴费截止日 / Due date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Rule rows used past their own period (no newer row published yet), as ``RuleRef.as_dict``:
    # the bill is provisional (暂定) and names what it was computed from.
    carried_forward = models.JSONField("沿用的规则 / Rows carried forward", default=list, blank=True)
    # the case that raised the bill (a correction's 补差: QY-001), shown to the payer beside the bill
    # (a database default too: the assessment's INSERT … SELECT writes bills without naming it)
    case_number = models.CharField("办件编号 / Case", max_length=20, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "缴费单 / Bill"
        verbose_name_plural = "缴费单 / Bills"
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) ^ Q(person__isnull=False), name="bill_one_payer"),
            # one monthly (or back-payment) bill per payer and month; a correction's difference
            # bills are one per corrected person-month and case, so several may share a month
            models.UniqueConstraint(
                fields=["unit", "period", "kind"],
                condition=Q(unit__isnull=False) & ~Q(kind="difference"),
                name="bill_unit_period_unique",
            ),
            models.UniqueConstraint(
                fields=["person", "period", "kind"],
                condition=Q(person__isnull=False) & ~Q(kind="difference"),
                name="bill_person_period_unique",
            ),
        ]

    @property
    def total(self) -> Decimal:
        return self.employer_total + self.personal_total + self.late_fee

    @property
    def provisional(self) -> bool:
        """Computed from a rule row carried forward past its period (暂定)."""
        return bool(self.carried_forward)

    @property
    def number(self) -> str:
        """缴费单号: the bill's serial as printed (its receipt carries the same), never an ID number."""
        return f"JF{self.period:%Y%m}-{self.pk:08d}"


class ContributionMonth(models.Model):
    """One person's contributions for one month through one payer: the base and each
    insurance's employer and individual amounts (null where the person is not insured), the
    credit to the pension personal account, and the rule rows used (for replay)."""

    class Status(models.TextChoices):
        DUE = "due", "待缴 / Due"
        PAID = "paid", "已缴 / Paid"
        ARREARS = "arrears", "欠费 / In arrears"
        TRANSFERRED_IN = "transferred_in", "转入 / Transferred in"

    # Millions of rows a month, so only the indexes that are read: the primary key, the unique
    # (person, period) — a person's months — and the bill's — a unit's or worker's month. Each
    # index more costs every row of the monthly assessment (bench/README.md).
    #
    # The three references are kept without row-by-row foreign-key triggers, which were 35% of
    # the assessment's time (bench/README.md): every row is written either by the assessment's
    # INSERT … SELECT, which reads the person and unit from their registry rows and the bill from
    # the same statement, or by the ORM from loaded instances; and on PostgreSQL a referenced
    # person, unit or bill cannot be deleted (trigger, migration 0006), as PROTECT does in Django.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="contribution_months",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "registry.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    period = models.DateField("费款所属期 / Period (month)")
    base = models.DecimalField("缴费基数 / Base", max_digits=12, decimal_places=2)
    pension_employer = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    pension_personal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    medical_employer = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    medical_personal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unemployment_employer = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unemployment_personal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    injury_employer = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    maternity_employer = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    account_credit = models.DecimalField("记入个人账户 / To the account", max_digits=12, decimal_places=2, default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DUE)
    bill = models.ForeignKey(
        Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    # An upward base correction's difference bill (补差, ``differences``) while it is unpaid; the
    # month itself stays paid on its own ``bill`` (it was paid, at the base declared then: it
    # keeps counting as a paid month everywhere) and the record shows it in arrears (△) once this
    # bill is past due. Cleared when the bill is paid (or a later correction leaves nothing owed);
    # a cancelled bill stays here until the difference is billed again: the readers that take this
    # as the sign of an unpaid difference (the accounts' crediting, the medical months) still see
    # one, the arrears readers see no open bill. Not indexed, no trigger, as ``bill``: read with
    # the month only (the bill's months are its ``BaseDifference`` rows).
    difference_bill = models.ForeignKey(
        Bill,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    rules = models.JSONField("所用规则 / Rule rows used", default=dict)

    class Meta:
        verbose_name = "月度缴费明细 / Monthly contribution"
        verbose_name_plural = "月度缴费明细 / Monthly contributions"
        constraints = [models.UniqueConstraint(fields=["person", "period"], name="contribution_month_unique")]


class Payment(models.Model):
    """A payment of a bill. ``key`` is the payer's idempotency key (the bank's or the
    counter's transaction id): a retried payment with the same key is the same payment."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    key = models.CharField("幂等键 / Idempotency key", max_length=64, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    channel = models.CharField(max_length=16)
    paid_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bank_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "缴费记录 / Payment"
        verbose_name_plural = "缴费记录 / Payments"


class BaseDifference(models.Model):
    """更正差额: what a corrected base (QY-001, 人社部令第14号) changed in a month already paid.

    Upward (``kind`` due, 补差): the employer and personal parts of the difference, each insurance
    at the month's own rule rows, are asked of the month's employer by a ``Bill`` of kind
    difference; the month stays paid on its own bill (it counts as a paid month everywhere) and
    points at the difference bill (``ContributionMonth.difference_bill``) until that bill is
    paid, shown in arrears (△) once it is past due, and the account is credited with
    ``account_credit`` only then. Downward (``kind`` refund, 退差): the overpaid
    parts are owed back to the employer (``employer_amount``) and the person
    (``personal_amount``), recorded here for the finance office to pay (no refund transfer is
    made by the platform). Amounts are magnitudes (never negative); ``lines`` keeps every column
    before and after, as strings.

    A difference bill cancelled (``differences.difference_bill_cancel``: who, when and why kept
    here) does not cancel the difference: contributions owed are not waived (社会保险法第六十三条),
    so the row stays open — owed, its bill cancelled, to be billed again — and every reader of an
    open difference goes on counting it as unpaid (the accounts credit what was paid) while none
    counts it overdue (no open bill is past due). It is closed (``cancelled``) when it is billed
    again (``differences.difference_rebill``: a new row with the new bill, ``replaced_by``) or
    when a later correction of the month takes it over (the new difference is reckoned from what
    was paid, ``replaced_by`` that row, or none when nothing is left to move)."""

    class Kind(models.TextChoices):
        DUE = "due", "补差 / Difference due"
        REFUND = "refund", "退差 / Refund due"

    class Status(models.TextChoices):
        OPEN = "open", "待缴或待退 / Open"
        SETTLED = "settled", "已缴或已退 / Settled"
        # a due difference whose cancelled bill was billed again, or that a later correction took over
        CANCELLED = "cancelled", "已撤销（重新开具或并入后续更正）/ Replaced"

    month = models.ForeignKey(ContributionMonth, on_delete=models.PROTECT, related_name="differences")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField("办件编号 / Case", max_length=20)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    base_before = models.DecimalField(max_digits=12, decimal_places=2)
    base_after = models.DecimalField(max_digits=12, decimal_places=2)
    employer_amount = models.DecimalField("单位部分 / Employer part", max_digits=14, decimal_places=2)
    personal_amount = models.DecimalField("个人部分 / Personal part", max_digits=14, decimal_places=2)
    account_credit = models.DecimalField("记入个人账户 / To the account", max_digits=14, decimal_places=2)
    lines = models.JSONField("各险种差额 / Per column", default=dict)
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="differences")
    # the month's own bill when it was corrected (the month keeps it; kept for the record)
    original_bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # a refund's settlement (``differences.difference_refund_settle``): the bank's reference of the
    # transfer the finance office made, and who recorded it (a due difference is settled by its bill)
    bank_ref = models.CharField("退付银行流水号 / Bank reference", max_length=64, blank=True, default="")
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # its difference bill cancelled (``differences.difference_bill_cancel``): when, by whom, why
    bill_cancelled_at = models.DateTimeField("缴费单撤销时间 / Bill cancelled at", null=True, blank=True)
    bill_cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="缴费单撤销人 / Bill cancelled by",
    )
    bill_cancel_reason = models.CharField("缴费单撤销原因 / Why cancelled", max_length=200, blank=True, default="")
    # a cancelled row: the row that took its difference over (billed again, or a later correction's)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="由此记录取代 / Replaced by",
    )
    closing_note = models.CharField("撤销说明 / Why closed", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "更正差额 / Correction difference"
        verbose_name_plural = "更正差额 / Correction differences"
        constraints = [
            models.CheckConstraint(
                condition=Q(employer_amount__gte=0) & Q(personal_amount__gte=0) & Q(account_credit__gte=0),
                name="base_difference_magnitudes",
            ),
            models.CheckConstraint(
                condition=Q(kind="refund", bill__isnull=True) | Q(kind="due", bill__isnull=False),
                name="base_difference_bill_when_due",
            ),
            # only a due difference is billed, so only one has a bill to cancel or is replaced
            models.CheckConstraint(
                condition=Q(kind="due") | (Q(bill_cancelled_at__isnull=True) & ~Q(status="cancelled")),
                name="base_difference_cancel_when_due",
            ),
            # a month has at most one difference owed at a time (billed, or its bill cancelled)
            models.UniqueConstraint(
                fields=["month"], condition=Q(kind="due", status="open"), name="base_difference_one_open"
            ),
        ]

    @property
    def total(self) -> Decimal:
        return self.employer_amount + self.personal_amount

    @property
    def to_bill(self) -> bool:
        """Owed, its bill cancelled: to be billed again (or taken over by a later correction)."""
        return self.status == self.Status.OPEN and self.bill_cancelled_at is not None
