"""Accounts of the people who sign in: staff, citizens (by resident ID number) and the
named operators (经办人) of employer units (by unified social credit code)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    CLERK = "clerk", "窗口经办员 / Window clerk"
    REVIEWER = "reviewer", "复核员 / Reviewer"
    APPROVER = "approver", "审批员 / Approver"
    SUPERVISOR = "supervisor", "大厅督导员 / Hall supervisor"
    HOTLINE = "hotline", "12333 话务员 / Hotline operator"
    BANK_AGENT = "bank_agent", "银行代理员 / Bank agent"
    MONITOR_CITY = "monitor_city", "市级监控 / City monitor"
    MONITOR_DISTRICT = "monitor_district", "区级监控 / District monitor"
    ADMIN = "admin", "系统管理员 / Administrator"
    CITIZEN = "citizen", "参保人 / Insured person"
    UNIT = "unit", "单位经办人 / Employer operator"


class SkillGroup(models.Model):
    """A group of service items one window handles (一岗通), e.g. 参保登记, 社保卡."""

    code = models.CharField("代码 / Code", max_length=32, unique=True)
    name = models.CharField("名称 / Name", max_length=64)

    class Meta:
        verbose_name = "业务技能组 / Skill group"
        verbose_name_plural = "业务技能组 / Skill groups"

    def __str__(self) -> str:
        return self.name


class Account(AbstractUser):
    """One sign-in identity.

    Usernames are derived, never typed freely: a citizen's is the resident ID number, a unit
    operator's is ``<USCC>:<operator>``, a staff member's is their staff login.
    ``id_number`` is kept for staff too, so nobody can handle a case about themselves.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", "工作人员 / Staff"
        CITIZEN = "citizen", "参保人 / Citizen"
        UNIT = "unit", "单位经办人 / Unit operator"

    kind = models.CharField("账户类别 / Kind", max_length=16, choices=Kind.choices)
    role = models.CharField("角色 / Role", max_length=32, choices=Role.choices)
    full_name = models.CharField("姓名 / Name", max_length=64, blank=True)
    id_number = models.CharField("公民身份号码 / ID number", max_length=18, null=True, blank=True)
    unit_code = models.CharField("统一社会信用代码 / USCC", max_length=18, null=True, blank=True)
    phone = models.CharField("手机 / Mobile", max_length=20, blank=True)
    office = models.ForeignKey(
        "core.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="所属机构 / Office",
    )
    authority_level = models.PositiveSmallIntegerField("权限等级 / Authority level", default=0)
    skill_groups = models.ManyToManyField(
        SkillGroup, blank=True, related_name="staff", verbose_name="技能组 / Skill groups"
    )

    class Meta:
        verbose_name = "账户 / Account"
        verbose_name_plural = "账户 / Accounts"
        constraints = [
            models.CheckConstraint(condition=Q(authority_level__lte=3), name="account_authority_range"),
            models.CheckConstraint(
                condition=~Q(kind="citizen") | Q(id_number__isnull=False, role="citizen"), name="account_citizen_has_id"
            ),
            models.CheckConstraint(
                condition=~Q(kind="unit") | Q(unit_code__isnull=False, role="unit"), name="account_unit_has_code"
            ),
            models.CheckConstraint(
                condition=~Q(kind="staff") | Q(office__isnull=False), name="account_staff_has_office"
            ),
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(kind="citizen"), name="account_one_citizen_per_id"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF
