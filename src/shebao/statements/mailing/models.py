"""The annual mailing of rights statements (权益记录单寄送): the run, its batches, the address
manifest, each person's delivery preference, returned mail and the re-send list.

A run is a job of the foundation's job table (``core.Job``): its chunks are id ranges of
persons; a chunk issues its persons' statements, writes one PDF (a batch) and its manifest
rows in the chunk's own transaction, so a crashed run resumes with no duplicate and no gap —
and ``mailing_item_unique`` (one item per person and run) says so in the schema as well.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeliveryPreference(models.Model):
    """How a person wants the annual statement: on paper by post (the default, when no row
    exists) or electronically (a message in the app and by SMS with a link, no paper)."""

    class Mode(models.TextChoices):
        PAPER = "paper", "纸质邮寄 / Paper by post"
        ELECTRONIC = "electronic", "电子对账单 / Electronic"

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField("寄送方式 / Delivery", max_length=16, choices=Mode.choices)
    changed_at = models.DateTimeField("变更时间 / Changed at")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("渠道 / Channel", max_length=16)

    class Meta:
        verbose_name = "寄送方式 / Delivery preference"
        verbose_name_plural = "寄送方式 / Delivery preferences"

    def __str__(self) -> str:
        return f"{self.person_id} {self.mode}"


class MailingRun(models.Model):
    """One mailing run: the year's statements for everyone, one district, or a list."""

    class Scope(models.TextChoices):
        ALL = "all", "全体参保人 / Everyone insured"
        DISTRICT = "district", "一个区 / One district"
        LIST = "list", "名单 / A list of ID numbers"
        RESEND = "resend", "退信重寄 / Re-send list"

    class Variant(models.TextChoices):
        ANNUAL = "annual", "年度个人权益记录单 / Annual rights statement"
        PENSION_NOTICE = "pension_notice", "养老待遇信息告知（退休人员）/ Pension information notice (retirees)"

    year = models.PositiveSmallIntegerField("记录年度 / Year")
    variant = models.CharField(
        "寄送内容 / What is sent", max_length=16, choices=Variant.choices, default=Variant.ANNUAL
    )
    scope = models.CharField("范围 / Scope", max_length=16, choices=Scope.choices)
    district = models.ForeignKey(
        "core.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="区 / District"
    )
    job = models.OneToOneField("core.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # LIST and RESEND: the persons' ids, sorted (resolved from the ID numbers at the start)
    persons = models.JSONField("名单 / Persons", default=list, blank=True)
    directory = models.CharField("输出目录 / Output directory", max_length=255)
    manifest_at = models.DateTimeField("清单生成时间 / Manifest written at", null=True, blank=True)
    # True: the run's persons were laid out in postal order when it started (MailingSlot), and
    # its chunks and batches are ranges of those positions, so batch 1 holds the first letters
    # by postcode and route and the printed stacks follow the post's order; False (runs started
    # before the layout): chunks are person-id ranges, each batch in postal order within itself
    postal_order = models.BooleanField("按邮政顺序分批 / Batches in postal order", default=False)
    # LIST: the listed persons the run does not mail and why, as the start found them (a
    # pension-notice list's non-retirees, retirees whose pension is not determined), each
    # {"name", "id_number" (masked), "reason"}; shown on the run's page
    left_out = models.JSONField("名单中未寄送 / Left out of the list", default=list, blank=True)

    class Meta:
        verbose_name = "寄送批次 / Mailing run"
        verbose_name_plural = "寄送批次 / Mailing runs"

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} {self.scope}"

    # why a listed person is left out (MailingRun.left_out's "reason"), as the pages show it
    LEFT_OUT_REASONS = {
        "not_retiree": (
            "不是退休人员，养老金信息告知只寄退休人员",
            "not a retiree: the pension notice goes to retirees",
        ),
        "not_determined": ("养老待遇尚未核定", "pension not yet determined"),
    }

    def left_out_shown(self) -> list[dict[str, str]]:
        """``left_out`` with each reason in Chinese and English."""
        return [
            {**entry, "reason_zh": zh, "reason_en": en}
            for entry in self.left_out
            for zh, en in [self.LEFT_OUT_REASONS.get(entry.get("reason", ""), (entry.get("reason", ""),) * 2)]
        ]


class MailingSlot(models.Model):
    """A person's place in a run's postal order (postcode, delivery route, person id), laid out
    once when the run starts: the run's chunks are ranges of ``position``, so every chunk is a
    full batch of consecutive letters by postcode, and a chunk run again (a crash, a resumption)
    takes exactly the same persons."""

    run = models.ForeignKey(MailingRun, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField("序号 / Position")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "寄送顺序 / Mailing position"
        verbose_name_plural = "寄送顺序 / Mailing positions"
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="mailing_slot_position"),
            models.UniqueConstraint(fields=["run", "person"], name="mailing_slot_person"),
        ]


class MailingBatch(models.Model):
    """One file of a run: the paper statements of one chunk, page by page in postal order (a
    PDF), or a pension-notice run's notices of one chunk (a zip of PDFs, numbered in that order)."""

    run = models.ForeignKey(MailingRun, on_delete=models.CASCADE, related_name="batches")
    # the chunk's range: positions in the run's postal order (MailingRun.postal_order), or
    # person ids for the runs started before it
    first_id = models.PositiveBigIntegerField("起始序号 / First position")
    last_id = models.PositiveBigIntegerField("终止序号 / Last position")
    file = models.CharField("文件 / File", max_length=255)
    pages = models.PositiveIntegerField("页数 / Pages")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "打印批次 / Print batch"
        verbose_name_plural = "打印批次 / Print batches"
        constraints = [models.UniqueConstraint(fields=["run", "first_id"], name="mailing_batch_unique")]

    def __str__(self) -> str:
        return self.file


class MailingItem(models.Model):
    """One person in one run: the statement sent, how, and (for paper) where it is in which
    batch and the address it went to — the rows of the address manifest."""

    class Delivery(models.TextChoices):
        PAPER = "paper", "纸质邮寄 / Paper"
        ELECTRONIC = "electronic", "电子 / Electronic"

    run = models.ForeignKey(MailingRun, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    # the annual statement sent (none for a pension notice, whose number is in document_ref)
    statement = models.ForeignKey(
        "statements.Statement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_ref = models.CharField("文件编号 / Document number", max_length=32, db_index=True)
    delivery = models.CharField("寄送方式 / Delivery", max_length=16, choices=Delivery.choices)
    batch = models.ForeignKey(MailingBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    page = models.PositiveIntegerField("页码 / Page", null=True, blank=True)
    postcode = models.CharField("邮政编码 / Postcode", max_length=6, blank=True)
    route = models.CharField("投递道段 / Route", max_length=16, blank=True)
    name = models.CharField("姓名 / Name", max_length=64)
    address = models.CharField("地址 / Address", max_length=255, blank=True)

    class Meta:
        verbose_name = "寄送明细 / Mailing item"
        verbose_name_plural = "寄送明细 / Mailing items"
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="mailing_item_unique")]
        indexes = [
            models.Index(fields=["run", "delivery", "postcode", "route", "person"], name="mailing_manifest_order")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.person_id}"


class ReturnedMail(models.Model):
    """退信: a paper statement the post brought back, recorded by a clerk or from the post's
    scanned batch file; it stays on the re-send list until a re-send run mails it again."""

    class Reason(models.TextChoices):
        ADDRESS_UNKNOWN = "address_unknown", "地址不详 / Address unknown"
        NO_SUCH_PERSON = "no_such_person", "查无此人 / No such person"
        MOVED = "moved", "迁移新址不明 / Moved, no forwarding address"
        REFUSED = "refused", "拒收 / Refused"
        OTHER = "other", "其他 / Other"

    class Source(models.TextChoices):
        CLERK = "clerk", "窗口登记 / Recorded by a clerk"
        SCAN = "scan", "邮政退信扫描 / Post's scan file"

    item = models.OneToOneField(MailingItem, on_delete=models.PROTECT, related_name="returned")
    reason = models.CharField("退信原因 / Reason", max_length=24, choices=Reason.choices)
    source = models.CharField("来源 / Source", max_length=8, choices=Source.choices)
    recorded_at = models.DateTimeField("登记时间 / Recorded at")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resent_in = models.ForeignKey(
        MailingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="resent", verbose_name="重寄批次"
    )

    class Meta:
        verbose_name = "退信 / Returned mail"
        verbose_name_plural = "退信 / Returned mail"

    def __str__(self) -> str:
        return f"{self.item_id} {self.reason}"
