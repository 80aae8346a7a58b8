"""The service catalogue (服务事项目录): what can be applied for, where, with which materials,
through which steps, by whom and within how many working days.

Rows are loaded from the definitions that domain apps declare in their ``items.py`` and are
then the administrators' to adjust (time limits, channels, materials, schedules) without code.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Insurance(models.TextChoices):
    PENSION = "pension", "养老保险 / Pension"
    MEDICAL = "medical", "医疗保险 / Medical"
    UNEMPLOYMENT = "unemployment", "失业保险 / Unemployment"
    INJURY = "injury", "工伤保险 / Work injury"
    MATERNITY = "maternity", "生育保险 / Maternity"
    CARD = "card", "社会保障卡 / Card"
    GENERAL = "general", "综合 / General"


class Jurisdiction(models.TextChoices):
    """Which office a case belongs to."""

    APPLICANT_DISTRICT = "applicant_district", "参保人所属区 / Applicant's district office"
    CITY_CENTRE = "city_centre", "市社会保险中心 / City centre"
    MEDICAL_CENTRE = "medical_centre", "市医保中心 / City medical-insurance centre"
    CARD_CENTRE = "card_centre", "社会保障卡中心 / Card centre"
    RECEIVING_OFFICE = "receiving_office", "受理机构 / The receiving office"


class FormGroup(models.Model):
    """一表通: one application form for a group of related items."""

    code = models.CharField("代码 / Code", max_length=32, unique=True)
    name = models.CharField("名称 / Name", max_length=128)
    name_en = models.CharField("英文名称 / English name", max_length=128, blank=True)
    description = models.TextField("说明 / Description", blank=True)

    class Meta:
        verbose_name = "一表通表单组 / Form group"
        verbose_name_plural = "一表通表单组 / Form groups"

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    code = models.CharField("事项编码 / Code", max_length=32, unique=True)
    name = models.CharField("事项名称 / Name", max_length=128)
    name_en = models.CharField("英文名称 / English name", max_length=160)
    insurance = models.CharField("险种 / Insurance", max_length=16, choices=Insurance.choices)
    policy_basis = models.TextField("政策依据 / Policy basis")
    description = models.TextField("办理说明 / Description", blank=True)
    form_group = models.ForeignKey(FormGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    form_schema = models.JSONField("表单结构 / Form schema", default=list)
    skill_group = models.ForeignKey("core.SkillGroup", on_delete=models.PROTECT, related_name="+")
    risk_level = models.PositiveSmallIntegerField("风险等级 / Risk level")
    jurisdiction = models.CharField("管辖规则 / Jurisdiction", max_length=32, choices=Jurisdiction.choices)
    channels = models.JSONField("办理渠道 / Channels", default=list)
    office_kinds = models.JSONField("受理机构类别 / Office kinds that accept it", default=list)
    saturday = models.BooleanField("周六延时服务 / Saturday service", default=False)
    legal_days = models.PositiveSmallIntegerField("法定时限（工作日）/ Legal limit", null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(
        "承诺时限（工作日，0为即办）/ Promised limit", null=True, blank=True
    )
    max_extension_days = models.PositiveSmallIntegerField(
        "最多延期（工作日）/ Longest total extension", null=True, blank=True
    )
    # 12333: an office that receives a dispatch that is not its own returns it within 2 working
    # days, with its reason (人社厅发〔2010〕92号 as practised; DOMAIN.md §9); the agency may
    # set another window per item (cases.rules.return_allowed).
    return_days = models.PositiveSmallIntegerField(
        "派单退回时限（工作日）/ A wrong dispatch is returned within (working days)", default=2
    )
    # Who may move a case of the item to another office of the same kind (移交): a reviewer by
    # default, since the move changes who answers for the case; the agency may lower or raise it.
    transfer_authority = models.PositiveSmallIntegerField(
        "移交所需权限 / Authority a transfer to another office needs", default=2
    )
    handler = models.CharField("处理程序 / Handler", max_length=64)
    is_active = models.BooleanField("启用 / Active", default=True)
    version = models.PositiveIntegerField("版本 / Version", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "服务事项 / Service item"
        verbose_name_plural = "服务事项 / Service items"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(risk_level__gte=1, risk_level__lte=3), name="item_risk_level_range"),
            models.CheckConstraint(
                condition=Q(transfer_authority__gte=1, transfer_authority__lte=3), name="item_transfer_authority_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_instant(self) -> bool:
        return self.promised_days == 0


class ItemPhase(models.Model):
    """A stretch of the process with its own clock: most items have one; a cross-province
    pension transfer has three (ours, the other agency's, ours)."""

    class Party(models.TextChoices):
        AGENCY = "agency", "本机构 / Our agency"
        OUTSIDE = "outside", "外部单位 / Outside party"

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    party = models.CharField(max_length=8, choices=Party.choices, default=Party.AGENCY)
    jurisdiction = models.CharField(max_length=32, choices=Jurisdiction.choices, blank=True)
    promised_days = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="item_phase_order_unique")]

    def __str__(self) -> str:
        return self.name


class ItemStep(models.Model):
    """One act in a phase, done by one person with at least ``min_authority``."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "受理 / Accept"
        REVIEW = "review", "复核 / Review"
        APPROVE = "approve", "审批 / Approve"
        OUTSIDE = "outside", "外部办理 / Outside party"
        REPLY = "reply", "答复 / Reply"
        CALLBACK = "callback", "回访 / Callback"

    phase = models.ForeignKey(ItemPhase, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    min_authority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["phase__order", "order"]
        constraints = [models.UniqueConstraint(fields=["phase", "order"], name="item_step_order_unique")]

    def __str__(self) -> str:
        return self.name


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=128)
    name_en = models.CharField(max_length=160, blank=True)
    required = models.BooleanField(default=True)
    commitment_allowed = models.BooleanField("可告知承诺 / A signed commitment may replace it", default=False)

    class Meta:
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="item_material_unique")]

    def __str__(self) -> str:
        return self.name
