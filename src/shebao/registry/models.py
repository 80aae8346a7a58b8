"""Insured persons (参保人), employer units (参保单位) and the employment between them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q


class Person(models.Model):
    """One insured person. The resident ID number is the social-security number
    (社会保险法 Art. 58), so one number can be registered once: a constraint, not a check."""

    class Sex(models.TextChoices):
        MALE = "M", "男 / Male"
        FEMALE = "F", "女 / Female"

    class Category(models.TextChoices):
        EMPLOYEE = "employee", "在职职工 / Employee"
        FLEXIBLE = "flexible", "灵活就业人员 / Flexible worker"
        RETIREE = "retiree", "退休人员 / Retiree"

    id_number = models.CharField("公民身份号码 / ID number", max_length=18, unique=True)
    name = models.CharField("姓名 / Name", max_length=64)
    sex = models.CharField("性别 / Sex", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期 / Birth date")
    category = models.CharField("人员类别 / Category", max_length=16, choices=Category.choices)
    hukou_place = models.CharField("户籍地 / Hukou place", max_length=128, blank=True)
    address = models.CharField("居住地址 / Address", max_length=255, blank=True)
    # The mailing address's postcode and the postal delivery route (投递道段) within it: the
    # annual statement's manifest is sorted by both for the postal service.
    postcode = models.CharField(
        "邮政编码 / Postcode",
        max_length=6,
        blank=True,
        db_default="",
        validators=[RegexValidator(r"^[0-9]{6}$", "邮政编码应为6位数字 / A postcode is six digits")],
    )
    delivery_route = models.CharField("投递道段 / Delivery route", max_length=16, blank=True, db_default="")
    phone = models.CharField("手机 / Mobile", max_length=20, blank=True)
    district = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="+", verbose_name="参保所属区 / District"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参保人 / Insured person"
        verbose_name_plural = "参保人 / Insured persons"
        indexes = [models.Index(fields=["district", "category"])]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An employer unit, identified by its unified social credit code (GB 32100)."""

    credit_code = models.CharField("统一社会信用代码 / USCC", max_length=18, unique=True)
    name = models.CharField("单位名称 / Name", max_length=128)
    district = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="+", verbose_name="所属区 / District"
    )
    industry = models.CharField("行业 / Industry", max_length=64, blank=True)
    injury_risk_class = models.PositiveSmallIntegerField("工伤风险类别 / Work-injury risk class", default=1)
    vip = models.BooleanField("VIP 单位 / VIP unit", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参保单位 / Employer unit"
        verbose_name_plural = "参保单位 / Employer units"
        constraints = [
            models.CheckConstraint(
                condition=Q(injury_risk_class__gte=1, injury_risk_class__lte=8), name="unit_injury_class_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Employment(models.Model):
    """A person worked for a unit from ``start`` to ``end`` (open when still employed)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employments")
    start = models.DateField("开始 / Start")
    end = models.DateField("结束 / End", null=True, blank=True)

    class Meta:
        verbose_name = "劳动关系 / Employment"
        verbose_name_plural = "劳动关系 / Employments"
        indexes = [models.Index(fields=["unit", "end"]), models.Index(fields=["person", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="employment_end_after_start"
            )
        ]


class InsuredStatus(models.Model):
    """A person's standing in one insurance (参保状态): insured, suspended (interrupted) or
    terminated, since a date, and through which unit (none for a flexible worker)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "参保缴费 / Insured"
        SUSPENDED = "suspended", "暂停缴费（中断）/ Suspended"
        TERMINATED = "terminated", "终止 / Terminated"

    # No index of its own: the unique (person, insurance) constraint leads with it.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="statuses", db_index=False)
    insurance = models.CharField("险种 / Insurance", max_length=16)
    status = models.CharField(max_length=12, choices=Status.choices)
    since = models.DateField("起始日期 / Since")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "参保状态 / Insured status"
        verbose_name_plural = "参保状态 / Insured statuses"
        constraints = [models.UniqueConstraint(fields=["person", "insurance"], name="insured_status_unique")]
        indexes = [models.Index(fields=["insurance", "status"])]


class UnitInsurance(models.Model):
    """An employer registered for one insurance (单位参保登记), from a date."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="insurances")
    insurance = models.CharField("险种 / Insurance", max_length=16)
    since = models.DateField("参保日期 / Since")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "单位参保险种 / Unit insurance"
        verbose_name_plural = "单位参保险种 / Unit insurances"
        constraints = [models.UniqueConstraint(fields=["unit", "insurance"], name="unit_insurance_unique")]


class Authorisation(models.Model):
    """代办授权: ``grantor`` lets ``agent`` (a family member, usually for an elderly person) see,
    or see and do, what the grantor could in the online hall, from ``valid_from`` to
    ``valid_to`` inclusive. Recorded at a window by a clerk who checked both ID cards, or granted
    by the grantor online; revocable (``revoked_at``), never deleted. Whether it holds on a day
    is :func:`shebao.registry.selectors.authorisation_holds`, checked by the services."""

    class Scope(models.TextChoices):
        VIEW = "view", "查询 / View records"
        HANDLE = "handle", "查询和办理 / View, apply and pay"

    class Source(models.TextChoices):
        WINDOW = "window", "窗口核验身份后登记 / Recorded at a window (ID checked)"
        ONLINE = "online", "本人网上授权 / Granted online by the grantor"

    grantor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="authorisations_granted", verbose_name="授权人 / Grantor"
    )
    agent = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="authorisations_held", verbose_name="代办人 / Agent"
    )
    scope = models.CharField("授权范围 / Scope", max_length=8, choices=Scope.choices)
    valid_from = models.DateField("起始日期 / Valid from")
    valid_to = models.DateField("截止日期 / Valid to")
    source = models.CharField("授权方式 / Source", max_length=8, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间 / Recorded at", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间 / Revoked at", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "代办授权 / Authorisation"
        verbose_name_plural = "代办授权 / Authorisations"
        indexes = [models.Index(fields=["agent", "valid_to"]), models.Index(fields=["grantor", "valid_to"])]
        constraints = [
            models.CheckConstraint(condition=~Q(grantor=F("agent")), name="authorisation_not_self"),
            models.CheckConstraint(condition=Q(valid_from__lte=F("valid_to")), name="authorisation_period"),
        ]

    def __str__(self) -> str:
        return f"{self.grantor_id} → {self.agent_id} ({self.scope})"


class BatchSubmission(models.Model):
    """A unit's batch declaration sent by the API under its own key (the idempotency key of
    the VIP batch API): the result of the batch that was written is kept, and the same key
    again returns it instead of writing twice. A rejected batch wrote nothing and is not kept."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="batches")
    key = models.CharField("批次号 / Batch key", max_length=64)
    kind = models.CharField("类别 / Kind", max_length=32)
    digest = models.CharField("内容摘要 / Content digest", max_length=64)
    result = models.JSONField("逐行结果 / Per-row result")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "批量申报 / Batch submission"
        verbose_name_plural = "批量申报 / Batch submissions"
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="batch_submission_unit_key")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.key}"
