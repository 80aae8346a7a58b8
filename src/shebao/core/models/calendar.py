"""The official working-day calendar: only the exceptions to the weekend rule are stored."""

from __future__ import annotations

from django.db import models


class CalendarYear(models.Model):
    """A year whose State Council arrangement is known. A year without a row is computed from
    the weekends and the holiday regulation's days (``core.workdays.statutory_holidays``) and
    every answer touching it is marked provisional."""

    year = models.PositiveSmallIntegerField("年度 / Year", primary_key=True)
    source = models.CharField("来源 / Source", max_length=255)
    source_url = models.URLField("来源链接 / Source URL", blank=True)
    note = models.CharField("备注 / Note", max_length=255, blank=True)

    class Meta:
        verbose_name = "节假日安排年度 / Calendar year"
        verbose_name_plural = "节假日安排年度 / Calendar years"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the weekend rule: a rest day on a weekday (holiday or 调休 rest) or a
    working weekend day (调休上班)."""

    class Kind(models.TextChoices):
        REST = "rest", "休息日 / Rest day"
        WORK = "work", "调休上班 / Working day"

    date = models.DateField("日期 / Date", primary_key=True)
    kind = models.CharField("类别 / Kind", max_length=8, choices=Kind.choices)
    name = models.CharField("名称 / Name", max_length=64, blank=True)

    class Meta:
        verbose_name = "节假日 / Calendar day"
        verbose_name_plural = "节假日 / Calendar days"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
