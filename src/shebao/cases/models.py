"""Cases (办件): one application of one service item by one applicant, from any channel.

A case moves through its item's phases and steps. Each phase of ours runs a working-day
clock (CasePhase) that stops while the applicant supplies materials and while an outside
party has the file; ``Case.due_date`` mirrors the running clock so queues sort on an index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseOpening(models.Model):
    """An idempotency key of a case opening (收件): the same filer sending the same key again gets
    the cases this key opened, never new ones. The unique constraint, not a look-up first, is
    what keeps two concurrent submissions of one form from opening two cases."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("幂等键 / Idempotency key", max_length=64)
    fingerprint = models.CharField("请求摘要 / Request digest", max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "收件幂等键 / Opening key"
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="case_opening_key_unique")]

    def __str__(self) -> str:
        return self.key


class Case(models.Model):
    class Filer(models.TextChoices):
        """Who filed the case: what the applicant may do on it afterwards depends on it (a unit
        acts only on what it filed, never on a person's own filing)."""

        CITIZEN = "citizen", "参保人本人 / The person"
        UNIT = "unit", "参保单位 / The employer"
        STAFF = "staff", "经办窗口 / A window"
        SYSTEM = "system", "系统 / The system"

    class Status(models.TextChoices):
        AWAITING_MATERIALS = "awaiting_materials", "待补正材料 / Awaiting materials"
        IN_PROGRESS = "in_progress", "办理中 / In progress"
        SUSPENDED = "suspended", "中止 / Suspended"
        WAITING_OUTSIDE = "waiting_outside", "等待外部办理 / Waiting for an outside party"
        COMPLETED = "completed", "已办结 / Completed"
        REJECTED = "rejected", "不予受理/不予办理 / Rejected"
        WITHDRAWN = "withdrawn", "已撤回 / Withdrawn"

    OPEN_STATUSES = (Status.AWAITING_MATERIALS, Status.IN_PROGRESS, Status.SUSPENDED, Status.WAITING_OUTSIDE)
    ACTIONABLE_STATUSES = (Status.IN_PROGRESS,)

    number = models.CharField("办件编号 / Case number", max_length=20, unique=True, null=True)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases")
    item_version = models.PositiveIntegerField()
    group_ref = models.CharField("一表通批次 / One-form batch", max_length=32, blank=True, db_index=True)
    applicant_id_number = models.CharField("申请人身份证号 / Applicant ID number", max_length=18)
    applicant_name = models.CharField("申请人 / Applicant", max_length=64)
    applicant_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    applicant_unit_code = models.CharField("申请单位 / Applicant unit", max_length=18, blank=True)
    applicant_phone = models.CharField(max_length=20, blank=True)
    channel = models.CharField("申请渠道 / Channel", max_length=16)
    filer = models.CharField("提交方 / Filed by", max_length=8, choices=Filer.choices, blank=True)
    opening = models.ForeignKey(
        CaseOpening, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", editable=False
    )
    receiving_office = models.ForeignKey(
        "core.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理机构"
    )
    office = models.ForeignKey(
        "core.Office", on_delete=models.PROTECT, related_name="cases", verbose_name="当前办理机构 / Current office"
    )
    received_at = models.DateTimeField("收件时间 / Received at")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_data = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices)
    current_step = models.ForeignKey(
        "catalog.ItemStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    required_authority = models.PositiveSmallIntegerField(
        "当前环节所需权限 / Authority the current step needs", default=1
    )
    due_date = models.DateField("当前时限 / Current due date", null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    # The promise measured whole (cases.rules.promise_measure): the item's promised working days
    # as they were at receipt, and the day the first clock counts from.
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）/ Promised working days", null=True, blank=True)
    clock_start = models.DateField("计时起始日 / Clock counts from", null=True, blank=True)
    # Set when the clock first stops for the applicant (materials requested, suspension): most
    # cases never stop, and their progress read then skips the stops query (bench/README.md).
    has_stops = models.BooleanField("曾停止计时 / Clock has stopped", default=False, db_default=False)
    escalation_level = models.PositiveSmallIntegerField("升级次数 / Escalations", default=0)
    overdue_level = models.PositiveSmallIntegerField("超期升级 / Overdue escalations", default=0)
    warned_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField("办理结果 / Outcome", blank=True)
    rejection_reasons = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "办件 / Case"
        verbose_name_plural = "办件 / Cases"
        indexes = [
            models.Index(fields=["office", "status", "due_date"], name="case_queue_idx"),
            models.Index(fields=["applicant_id_number", "-received_at"], name="case_applicant_idx"),
            models.Index(fields=["status", "due_date"], name="case_sla_idx"),
            # the clerk's queue: open cases of an office, and those received at a window but
            # handled elsewhere, each in due-date order (selectors.workbench_queue)
            models.Index(
                fields=["office", "due_date", "id"], condition=Q(status="in_progress"), name="case_open_office_idx"
            ),
            models.Index(
                fields=["receiving_office", "due_date", "id"],
                condition=Q(status="in_progress") & ~Q(office=models.F("receiving_office")),
                name="case_open_received_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_authority__gte=1, required_authority__lte=3), name="case_authority_range"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CasePhase(models.Model):
    """The clock of one phase of one case."""

    class Status(models.TextChoices):
        PENDING = "pending", "未开始 / Pending"
        RUNNING = "running", "计时中 / Running"
        PAUSED = "paused", "暂停 / Paused"
        DONE = "done", "完成 / Done"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="phases")
    phase = models.ForeignKey("catalog.ItemPhase", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("core.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    limit_days = models.PositiveSmallIntegerField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    used_days = models.PositiveSmallIntegerField(
        "已用工作日（不含计时中的一段）/ Working days used by the runs that ended", default=0
    )
    extension_days = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    # the day a dispatch brought the phase to its office: a wrong dispatch may be returned
    # within the return window from this day (cases.rules.return_allowed)
    routed_on = models.DateField("派单日期 / Dispatched on", null=True, blank=True)

    class Meta:
        ordering = ["case", "phase__order"]
        constraints = [models.UniqueConstraint(fields=["case", "phase"], name="case_phase_unique")]


class CaseUpload(models.Model):
    """A file an applicant (or a window) uploaded as a material. ``ref`` is what the opening and
    the supplement name (``{"state": "uploaded", "file": ref}``); only its owner may name it
    (shebao.cases.materials)."""

    ref = models.CharField("文件编号 / File reference", max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="case-uploads/%Y/%m/")
    name = models.CharField("文件名 / File name", max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "上传材料 / Uploaded material"

    def __str__(self) -> str:
        return self.name


class CaseMaterialQuerySet(models.QuerySet["CaseMaterial"]):
    def required(self) -> CaseMaterialQuerySet:
        """The materials this case requires (:attr:`CaseMaterial.is_required`), as a filter."""
        return self.filter(Q(required=True) | Q(required__isnull=True, material__required=True))


class CaseMaterial(models.Model):
    """One material of a case. It is supplied when a window verified it (``received``: only
    staff can say the original was seen), when a file uploaded for it was verified by a clerk
    of the case's office (``uploaded`` with ``verification`` verified: until then it does not
    count, shebao.cases.materials), or by a signed commitment where the catalogue allows one.

    Whether the case requires it is the catalogue's ``ItemMaterial.required`` unless the item's
    handler decided otherwise for this case at receipt (``ItemHandler.materials_required``,
    e.g. the employer's evidence only where the employer declared): ``required`` holds that
    answer, NULL where the handler said nothing. Read :attr:`is_required` or filter with
    ``CaseMaterial.objects.required()``, never ``material.required`` alone."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已收（核验原件） / Received and verified"
        UPLOADED = "uploaded", "已上传 / Uploaded"
        COMMITMENT = "commitment", "告知承诺 / Signed commitment"
        MISSING = "missing", "缺 / Missing"

    class Verification(models.TextChoices):
        """An upload's check by the office (empty for a material that is not an upload)."""

        PENDING = "pending", "待核验 / Awaiting verification"
        VERIFIED = "verified", "核验通过 / Verified"
        REJECTED = "rejected", "未通过核验 / Not accepted"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.ItemMaterial", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    upload = models.ForeignKey(CaseUpload, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification = models.CharField(
        "核验 / Verification", max_length=8, choices=Verification.choices, blank=True, default=""
    )
    verified_at = models.DateTimeField("核验时间 / Verified at", null=True, blank=True)
    rejection_reason = models.CharField("退回原因 / Reason not accepted", max_length=500, blank=True, default="")
    # the handler's answer for this case at receipt; NULL: the catalogue's flag
    required = models.BooleanField("本件必需 / Required for this case", null=True, blank=True, default=None)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseMaterialQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_unique")]

    @property
    def is_required(self) -> bool:
        """Whether this case requires the material: the handler's answer, else the catalogue's."""
        return self.material.required if self.required is None else self.required


class CaseStepRecord(models.Model):
    """A step someone did on a case: the basis of separation of duties and of the history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_records")
    step = models.ForeignKey("catalog.ItemStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office = models.ForeignKey("core.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "actor"])]


class CasePause(models.Model):
    """A stop of the clock: materials requested (补正), suspension (中止), or an extension."""

    class Kind(models.TextChoices):
        MATERIALS = "materials", "补正材料 / Materials requested"
        SUSPENSION = "suspension", "中止 / Suspension"
        EXTENSION = "extension", "延期 / Extension"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    days = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "started_on", "id"]


class CaseRating(models.Model):
    """好差评: five levels, once per case, by its applicant."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, "非常满意 / Very satisfied"
        SATISFIED = 4, "满意 / Satisfied"
        NEUTRAL = 3, "基本满意 / Neutral"
        DISSATISFIED = 2, "不满意 / Dissatisfied"
        VERY_DISSATISFIED = 1, "非常不满意 / Very dissatisfied"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField()
    follow_up = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range")]
