"""The medical reimbursement parameters as effective-dated rule rows (DOMAIN.md §5): nothing of
them is a constant in code. Every Wuhan figure is confidence L (one third-party data file is the
only source) and waits for the 武汉市医疗保障局 tables, corrected by an administrator in the
admin (audited)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Confidence(models.TextChoices):
    HIGH = "H", "高 / High"
    MEDIUM = "M", "中 / Medium"
    LOW = "L", "低（待核实）/ Low (to verify)"


class PersonType(models.TextChoices):
    WORKING = "working", "在职 / Working"
    RETIRED = "retired", "退休 / Retired"


class VisitType(models.TextChoices):
    INPATIENT = "inpatient", "住院 / Inpatient"


class AdmissionSequence(models.TextChoices):
    FIRST = "first", "年度内首次住院 / First admission in the year"
    LATER = "later", "年度内再次住院 / Second or later admission"


class FilingType(models.TextChoices):
    LOCAL = "local", "本地就医 / Care in Wuhan"
    LONG_TERM = "long_term", "长期异地备案 / Long-term filing elsewhere"
    REFERRAL = "referral", "转诊转院备案 / Filed referral"
    EMERGENCY = "emergency", "急诊抢救 / Emergency rescue"
    UNFILED = "unfiled", "未备案 / Not filed"


class MedicalRuleRow(models.Model):
    region = models.CharField("统筹区 / Pooling region", max_length=16, default="wuhan")
    effective_from = models.DateField("生效日期 / Effective from")
    effective_to = models.DateField("失效日期 / Effective to", null=True, blank=True)
    source = models.CharField("依据 / Source", max_length=255)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.LOW)
    note = models.TextField("备注 / Note", blank=True)

    class Meta:
        abstract = True

    @property
    def ref(self) -> str:
        """How a calculation names this row (``medical.BenefitRule#3``), to show and to replay."""
        return f"medical.{type(self).__name__}#{self.pk}"


class BenefitRule(MedicalRuleRow):
    """起付标准 and 报销比例 for one person type, hospital level, visit type and admission
    sequence (the deductible of a later admission is its own row: halved in Wuhan)."""

    person_type = models.CharField("人员类别 / Person type", max_length=8, choices=PersonType.choices)
    hospital_level = models.CharField("医院等级 / Hospital level", max_length=12)
    visit_type = models.CharField(
        "就医类别 / Visit type", max_length=12, choices=VisitType.choices, default=VisitType.INPATIENT
    )
    admission_sequence = models.CharField(
        "住院次序 / Admission sequence", max_length=8, choices=AdmissionSequence.choices
    )
    deductible = models.DecimalField("起付标准（元）/ Deductible (yuan)", max_digits=10, decimal_places=2)
    rate = models.DecimalField("报销比例 / Rate", max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = "住院报销规则 / Inpatient benefit rule"
        verbose_name_plural = "住院报销规则 / Inpatient benefit rules"
        ordering = ["region", "person_type", "hospital_level", "admission_sequence", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "region",
                    "person_type",
                    "hospital_level",
                    "visit_type",
                    "admission_sequence",
                    "effective_from",
                ],
                name="medical_benefit_rule_unique",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=1) & Q(deductible__gte=0), name="medical_benefit_rule_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_type}/{self.hospital_level}/{self.admission_sequence}: {self.deductible} {self.rate}"


class CrossRegionCut(MedicalRuleRow):
    """异地就医 rate cut in percentage points, by filing type (医保发〔2022〕22号)."""

    filing_type = models.CharField("备案类别 / Filing type", max_length=12, choices=FilingType.choices)
    cut_points = models.DecimalField("降低比例（百分点）/ Cut (points)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "异地就医降低比例 / Cross-region cut"
        verbose_name_plural = "异地就医降低比例 / Cross-region cuts"
        ordering = ["region", "filing_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "filing_type", "effective_from"], name="medical_cut_unique"),
            models.CheckConstraint(condition=Q(cut_points__gte=0) & Q(cut_points__lte=100), name="medical_cut_range"),
        ]

    def __str__(self) -> str:
        return f"{self.filing_type}: -{self.cut_points}"


class FundLimit(MedicalRuleRow):
    """统筹基金年度最高支付限额 and the 大额医疗 band above it (its amount and rate)."""

    annual_cap = models.DecimalField("统筹基金年度最高支付限额（元）/ Annual cap", max_digits=12, decimal_places=2)
    large_band = models.DecimalField("大额医疗支付限额（元）/ Large-amount band", max_digits=12, decimal_places=2)
    large_rate = models.DecimalField("大额医疗支付比例 / Large-amount rate", max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = "医保基金支付限额 / Fund limits"
        verbose_name_plural = "医保基金支付限额 / Fund limits"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="medical_fund_limit_unique"),
            models.CheckConstraint(
                condition=Q(annual_cap__gte=0) & Q(large_band__gte=0) & Q(large_rate__gte=0) & Q(large_rate__lte=1),
                name="medical_fund_limit_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.effective_from}: {self.annual_cap} + {self.large_band}"
