"""The cross-province transfers (养老保险关系跨省转移接续) and what the national platform carried.

A :class:`Transfer` is one transfer in either direction, tied to the case that times it: into
the city (转入, we are the new agency: item YL-003, phases ours / theirs / ours) or out of it
(转出, we are the original agency: item YL-013, our phase then theirs; their first phase is
recorded from the acceptance letter's dates). :class:`PlatformMessage` is every message sent or
received through the national transfer platform, the outbox included. :class:`TransferredPeriod`
is what a completed transfer-in brought: the years contributed elsewhere, by year.

Why a table of our own for the transferred years, not a mark on ``ContributionMonth``: the
ledger holds millions of rows a month and every column or index more costs the monthly
assessment (bench/README.md); the information form gives years (months, base, amounts), not
months with a payer and a bill; and the statement reads the ○ marks through
``selectors.transferred_months``, one query by person.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Transfer(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "转入 / Into the city"
        OUT = "out", "转出 / Out of the city"

    class State(models.TextChoices):
        APPLIED = "applied", "已申请，转入地审核中 / Applied, being checked"
        LETTER_SENT = "letter_sent", "已发联系函，等待转出地 / Letter sent, waiting for the original agency"
        LETTER_RECEIVED = "letter_received", "已收联系函，转出审核中 / Letter received, being handled"
        FUNDS_RECEIVED = "funds_received", "已收信息表和基金，接续中 / Form and funds received, completing"
        SENT = "sent", "已转出，等待转入地接续 / Transferred out, waiting for the new agency"
        COMPLETED = "completed", "已办结 / Completed"
        REFUSED = "refused", "不予办理 / Refused"
        WITHDRAWN = "withdrawn", "已撤回 / Withdrawn"

    OPEN_STATES = (State.APPLIED, State.LETTER_SENT, State.LETTER_RECEIVED, State.FUNDS_RECEIVED, State.SENT)

    ref = models.CharField("转移业务编号 / Transfer reference", max_length=40, unique=True)
    direction = models.CharField("方向 / Direction", max_length=3, choices=Direction.choices)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件 / Case")
    state = models.CharField("状态 / State", max_length=16, choices=State.choices)
    id_number = models.CharField("公民身份号码 / ID number", max_length=18, db_index=True)
    name = models.CharField("姓名 / Name", max_length=64)
    sex = models.CharField("性别 / Sex", max_length=1)
    birth_date = models.DateField("出生日期 / Birth date")
    hukou_place = models.CharField("户籍地 / Hukou place", max_length=128, blank=True)
    other_agency = models.CharField("对方经办机构代码 / Other agency's code", max_length=12)
    other_agency_name = models.CharField("对方经办机构 / Other agency", max_length=128)
    period_from = models.DateField("原参保地缴费起始 / First month there", null=True, blank=True)
    period_to = models.DateField("原参保地缴费截止 / Last month there", null=True, blank=True)
    applied_on = models.DateField("申请日期 / Applied on")
    letter_on = models.DateField("联系函日期 / Letter dated", null=True, blank=True)
    form_received_on = models.DateField("收到信息表 / Form received", null=True, blank=True)
    funds_received_on = models.DateField("收到基金 / Funds received", null=True, blank=True)
    sent_on = models.DateField("转出日期 / Transferred out on", null=True, blank=True)
    completed_on = models.DateField("办结日期 / Completed on", null=True, blank=True)
    temporary_account = models.BooleanField("临时缴费账户（第五条）/ Temporary account (Art. 5)", default=False)
    temporary_reason = models.CharField(max_length=255, blank=True)
    balance = models.DecimalField("个人账户储存额 / Account balance", max_digits=14, decimal_places=2, null=True)
    pooled = models.DecimalField("统筹基金 / Pooled part", max_digits=14, decimal_places=2, null=True)
    total = models.DecimalField("转移基金总额 / Total transferred", max_digits=14, decimal_places=2, null=True)
    derivation = models.JSONField("计算过程 / Derivation", default=dict, blank=True)
    refusal_reason = models.TextField("不予办理理由 / Reason refused", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "养老保险关系转移 / Pension transfer"
        verbose_name_plural = "养老保险关系转移 / Pension transfers"
        indexes = [models.Index(fields=["direction", "state"]), models.Index(fields=["applied_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0), name="transfer_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class TransferredPeriod(models.Model):
    """One year contributed elsewhere and brought in by a completed transfer (信息表, one line):
    the months count toward the cumulative years (缴费年限累计计算, never lost)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="periods")
    id_number = models.CharField(max_length=18, db_index=True)
    year = models.PositiveSmallIntegerField("年度 / Year")
    first_month = models.PositiveSmallIntegerField("起始月 / First month", default=1)
    months = models.PositiveSmallIntegerField("缴费月数 / Months")
    base_total = models.DecimalField("缴费基数合计 / Sum of bases", max_digits=14, decimal_places=2)
    personal_amount = models.DecimalField("个人账户记账额 / To the account", max_digits=14, decimal_places=2)
    pooled = models.DecimalField("统筹基金 / Pooled part", max_digits=14, decimal_places=2)
    place = models.CharField("缴费地 / Where paid", max_length=128)

    class Meta:
        verbose_name = "转入缴费年度 / Year transferred in"
        verbose_name_plural = "转入缴费年度 / Years transferred in"
        ordering = ["id_number", "year"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "year"], name="transferred_period_once"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=12, first_month__gte=1, first_month__lte=12),
                name="transferred_period_months",
            ),
        ]


class PlatformMessage(models.Model):
    """A message of the national transfer platform (部级网上转移平台), sent or received.

    Inbound: stored as it arrived, accepted or rejected with the reason; a message id seen
    before is the same message (idempotent). Outbound: the outbox, written in the command's
    transaction and sent after it by ``platform_send_pending``."""

    class Direction(models.TextChoices):
        INBOUND = "in", "收到 / Received"
        OUTBOUND = "out", "发出 / Sent"

    class Kind(models.TextChoices):
        APPLICATION = "application", "转移接续申请 / Application"
        LETTER = "letter", "联系函（同意接收函）/ Acceptance letter"
        REFUSAL = "refusal", "不予办理告知 / Refusal"
        INFO_FORM = "info_form", "参保缴费信息表 / Information form"
        FUND_NOTICE = "fund_notice", "基金转移通知 / Fund notice"
        RECEIPT = "receipt", "接续完成回执 / Completion receipt"

    class State(models.TextChoices):
        PENDING = "pending", "待发送 / To send"
        SENT = "sent", "已发送 / Sent"
        ACCEPTED = "accepted", "已接收 / Accepted"
        REJECTED = "rejected", "已拒收 / Rejected"

    message_id = models.CharField("报文编号 / Message id", max_length=40)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, blank=True)
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    transfer_ref = models.CharField(max_length=40, blank=True)
    sender = models.CharField("发送机构 / Sender", max_length=12, blank=True)
    receiver = models.CharField("接收机构 / Receiver", max_length=12, blank=True)
    sent_at = models.DateTimeField("报文时间 / Message time", null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.TextField("拒收原因 / Why rejected", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # the simulated counterpart (platform.SimulatedPlatform): the working day it answers
    answer_on = models.DateField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = "转移平台报文 / Platform message"
        verbose_name_plural = "转移平台报文 / Platform messages"
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "message_id"], name="platform_message_once"),
        ]
        indexes = [
            models.Index(fields=["direction", "state"]),
            models.Index(
                fields=["answer_on"], condition=Q(answered=False, direction="out"), name="platform_answer_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} {self.message_id}"
