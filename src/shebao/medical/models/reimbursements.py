"""异地就医零星报销 (YB-004): the centre's assessment and decision, and its payment."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Reimbursement(models.Model):
    class Status(models.TextChoices):
        ASSESSED = "assessed", "已审核待审批 / Assessed"
        DECIDED = "decided", "已核定 / Decided"

    case_number = models.CharField("办件编号 / Case number", max_length=32, unique=True)
    id_number = models.CharField("公民身份号码 / ID number", max_length=18, db_index=True)
    name = models.CharField("姓名 / Name", max_length=64)
    hospital = models.ForeignKey(
        "medical.Hospital", null=True, blank=True, on_delete=models.PROTECT, related_name="reimbursements"
    )
    hospital_name = models.CharField("医疗机构 / Hospital", max_length=100)
    hospital_level = models.CharField("医院等级 / Level", max_length=12)
    admitted_on = models.DateField("入院日期 / Admitted on")
    discharged_on = models.DateField("出院日期 / Discharged on")
    claimed = models.DecimalField("申报费用总额 / Costs claimed", max_digits=12, decimal_places=2)
    in_policy_cost = models.DecimalField("政策范围内费用 / In-policy costs", max_digits=12, decimal_places=2)
    person_type = models.CharField("人员类别 / Person type", max_length=8)
    filing_type = models.CharField("备案类别 / Filing type", max_length=12, blank=True)
    authorisation = models.ForeignKey(
        "medical.CareAuthorisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admission_number = models.PositiveSmallIntegerField("年度住院次序 / Admission in the year", default=1)
    amount = models.DecimalField("报销金额 / Amount", max_digits=12, decimal_places=2, default=0)
    basic_paid = models.DecimalField("统筹基金支付 / Basic fund", max_digits=12, decimal_places=2, default=0)
    large_paid = models.DecimalField("大额医疗支付 / Large-amount band", max_digits=12, decimal_places=2, default=0)
    # What the medical personal account paid of the in-policy costs the funds left to the person
    # (fixed at the decision from the balance then; paid out with the amount). medical.account.
    account_paid = models.DecimalField(
        "个人账户支付 / Paid from the account", max_digits=12, decimal_places=2, default=0
    )
    derivation = models.JSONField("计算过程 / Derivation", default=dict)
    provisional = models.BooleanField("暂定 / Provisional", default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASSESSED)
    assessed_by = models.ForeignKey("core.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    bank_card = models.CharField("收款卡号 / Bank card", max_length=19)

    class Meta:
        verbose_name = "零星报销 / Reimbursement"
        verbose_name_plural = "零星报销 / Reimbursements"
        ordering = ["-admitted_on", "-id"]
        indexes = [models.Index(fields=["id_number", "status", "admitted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=models.F("in_policy_cost")),
                name="medical_reimbursement_within_cost",
            ),
            models.CheckConstraint(
                condition=Q(account_paid__gte=0) & Q(account_paid__lte=models.F("in_policy_cost") - models.F("amount")),
                name="medical_reimbursement_account_within_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.amount}"

    @property
    def letter_ref(self) -> str:
        return f"YBJS-{self.case_number}"


class ReimbursementPayment(models.Model):
    """One payment order per reimbursement (unique), sent to the bank with an idempotency key
    (unique): a retry or a second decision cannot pay twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "待支付 / Pending"
        PAID = "paid", "已支付 / Paid"
        FAILED = "failed", "支付失败 / Failed"

    reimbursement = models.OneToOneField(Reimbursement, on_delete=models.PROTECT, related_name="payment")
    idempotency_key = models.CharField("幂等键 / Idempotency key", max_length=64, unique=True)
    bank_card = models.CharField("收款卡号 / Bank card", max_length=19)
    amount = models.DecimalField("金额 / Amount", max_digits=12, decimal_places=2)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    bank_reference = models.CharField("银行流水号 / Bank reference", max_length=40, blank=True)
    failure = models.CharField("失败原因 / Failure", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "报销支付 / Reimbursement payment"
        verbose_name_plural = "报销支付 / Reimbursement payments"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="medical_payment_positive")]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.amount} {self.status}"
