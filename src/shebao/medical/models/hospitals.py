"""医疗机构登记: designated (定点) or not, level, district, and where it lies (in the city, in
Hubei, outside the province). Administrators correct it in the admin (audited).

The fifteen rows migration 0002 inserts stay there (reviewed for issue 12, not moved to the demo
seed): a hospital is referred to by name as well as by key — a YB-004 file's form and a
CareAuthorisation carry the name, and a decision without an assessment finds the hospital by
that name — so "unused" cannot be told from foreign keys alone, and a migration deleting rows
could break an open case in a database that has them; the API fuzz world, the browser tests and
bench/medical_bench.py also rely on them. Removing them is an administrator's act in the admin."""

from __future__ import annotations

from django.db import models


class HospitalLevel(models.TextChoices):
    COMMUNITY = "community", "社区卫生服务机构 / Community"
    LEVEL1 = "1", "一级 / Level 1"
    LEVEL2 = "2", "二级 / Level 2"
    LEVEL3 = "3", "三级 / Level 3"


class HospitalLocation(models.TextChoices):
    CITY = "city", "市内 / In Wuhan"
    PROVINCE = "province", "省内市外 / In Hubei, outside Wuhan"
    OUTSIDE = "outside", "省外 / Outside Hubei"


class Hospital(models.Model):
    code = models.CharField("机构编码 / Code", max_length=20, unique=True)
    name = models.CharField("机构名称 / Name", max_length=100)
    level = models.CharField("等级 / Level", max_length=12, choices=HospitalLevel.choices)
    designated = models.BooleanField("定点医疗机构 / Designated", default=True)
    location = models.CharField("所在地 / Location", max_length=12, choices=HospitalLocation.choices)
    district = models.ForeignKey(
        "core.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所在区（市内）/ District (in Wuhan)",
    )
    place = models.CharField("所在地（省、市）/ Place", max_length=64, blank=True)

    class Meta:
        verbose_name = "医疗机构 / Hospital"
        verbose_name_plural = "医疗机构 / Hospitals"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"
