"""The city's structure (city → district / zone → street → community) and its offices."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Area(models.Model):
    """An administrative area. ``district`` points at the district or zone the area lies in
    (itself for a district), so jurisdiction checks are one comparison, not a tree walk."""

    class Kind(models.TextChoices):
        CITY = "city", "市 / City"
        DISTRICT = "district", "区 / District"
        ZONE = "zone", "功能区 / Development zone"
        STREET = "street", "街道 / Street"
        COMMUNITY = "community", "社区 / Community"

    code = models.CharField("代码 / Code", max_length=16, unique=True)
    name = models.CharField("名称 / Name", max_length=64)
    kind = models.CharField("类别 / Kind", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属区 / District"
    )

    class Meta:
        verbose_name = "行政区域 / Area"
        verbose_name_plural = "行政区域 / Areas"
        indexes = [models.Index(fields=["kind", "district"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="city", parent__isnull=True) | (~Q(kind="city") & Q(parent__isnull=False)),
                name="area_only_city_is_root",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A place that serves people: a district social-insurance office, a city centre, a
    community service centre, a partner-bank outlet, a kiosk, the hotline.

    Coordinates are stored in WGS-84; ``shebao.core.geo`` converts to GCJ-02 for Chinese map apps.
    """

    class Kind(models.TextChoices):
        CITY_CENTRE = "city_centre", "市社会保险中心 / City social-insurance centre"
        DISTRICT_OFFICE = "district_office", "区社会保险管理处 / District office"
        MEDICAL_CENTRE = "medical_centre", "市医保中心 / City medical-insurance centre"
        CARD_CENTRE = "card_centre", "社会保障卡中心 / Card centre"
        COMMUNITY_CENTRE = "community_centre", "社区服务中心 / Community service centre"
        BANK_OUTLET = "bank_outlet", "银行代理点 / Bank outlet"
        KIOSK = "kiosk", "自助终端 / Self-service kiosk"
        HOTLINE = "hotline", "12333 热线 / Hotline"

    code = models.CharField("代码 / Code", max_length=32, unique=True)
    name = models.CharField("名称 / Name", max_length=128)
    kind = models.CharField("类别 / Kind", max_length=32, choices=Kind.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="offices", verbose_name="服务区域 / Area served"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    address = models.CharField("地址 / Address", max_length=255, blank=True)
    phone = models.CharField("电话 / Phone", max_length=32, blank=True)
    latitude = models.DecimalField("纬度 (WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度 (WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField("启用 / Active", default=True)

    class Meta:
        verbose_name = "经办机构 / Office"
        verbose_name_plural = "经办机构 / Offices"
        indexes = [models.Index(fields=["kind", "area"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_city_level(self) -> bool:
        return self.area.kind == Area.Kind.CITY


class OpeningHours(models.Model):
    """Regular opening hours for one weekday (0 = Monday … 5 = Saturday service)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField("星期 / Weekday")
    opens = models.TimeField("开始 / Opens")
    closes = models.TimeField("结束 / Closes")

    class Meta:
        verbose_name = "开放时间 / Opening hours"
        verbose_name_plural = "开放时间 / Opening hours"
        ordering = ["weekday", "opens"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday", "opens"], name="opening_hours_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_range"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="opening_hours_order"),
        ]


class OpeningException(models.Model):
    """A date on which an office keeps other hours: closed, or open with special hours."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField("日期 / Date")
    closed = models.BooleanField("闭馆 / Closed", default=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    note = models.CharField("说明 / Note", max_length=128, blank=True)

    class Meta:
        verbose_name = "开放时间例外 / Opening exception"
        verbose_name_plural = "开放时间例外 / Opening exceptions"
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="opening_exception_unique"),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens__isnull=False, closes__isnull=False, opens__lt=models.F("closes")),
                name="opening_exception_hours",
            ),
        ]

    def clean(self) -> None:
        """Closed, or special hours — not both: hours entered with "closed" still ticked (its
        default) saved as closed, and the office turned every applicant away that day."""
        if self.closed and (self.opens or self.closes):
            raise ValidationError(
                "填写了特别开放时间时请取消“闭馆” / Untick “Closed” to keep the special hours given",
                code="closed_with_hours",
            )
