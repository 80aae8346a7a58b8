"""自主择业军转干部: their medical and maternity insurance moves from central (city) management
to the district where they live, except in the new urban districts the agency keeps centrally
(新城区除外: a rule row names them)."""

from __future__ import annotations

from django.db import models

from shebao.medical.models.rules import MedicalRuleRow


class CentralDistrictsRule(MedicalRuleRow):
    """The districts whose cadres stay under central management (area codes)."""

    district_codes = models.JSONField("集中管理的区（代码）/ Districts kept central (codes)", default=list)

    class Meta:
        verbose_name = "军转干部集中管理区 / Districts kept central for cadres"
        verbose_name_plural = "军转干部集中管理区 / Districts kept central for cadres"
        ordering = ["region", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="medical_central_districts_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.effective_from}: {', '.join(self.district_codes)}"


class Cadre(models.Model):
    class Management(models.TextChoices):
        CENTRAL = "central", "市级集中管理 / Central (city)"
        DISTRICT = "district", "属地（区）管理 / District"

    id_number = models.CharField("公民身份号码 / ID number", max_length=18, unique=True)
    name = models.CharField("姓名 / Name", max_length=64)
    residence_district = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="+", verbose_name="居住区 / District of residence"
    )
    management = models.CharField(max_length=8, choices=Management.choices, default=Management.CENTRAL)
    managing_office = models.ForeignKey(
        "core.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="经办机构 / Office",
    )
    split_on = models.DateField("分户日期 / Accounts split on", null=True, blank=True)
    continued_on = models.DateField("续保日期 / Insurance continued on", null=True, blank=True)
    rule_ref = models.CharField("所用规则 / Rule row used", max_length=64, blank=True)

    class Meta:
        verbose_name = "自主择业军转干部 / Military-transferred cadre"
        verbose_name_plural = "自主择业军转干部 / Military-transferred cadres"
        ordering = ["residence_district", "id_number"]
        indexes = [models.Index(fields=["residence_district", "management"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.residence_district_id})"
