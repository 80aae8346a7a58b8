"""Bulk work as jobs split into idempotent chunks over id ranges."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队 / Pending"
        RUNNING = "running", "运行中 / Running"
        DONE = "done", "完成 / Done"
        FAILED = "failed", "失败 / Failed"

    kind = models.CharField("类别 / Kind", max_length=64)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    total_chunks = models.PositiveIntegerField(default=0)
    done_chunks = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey("core.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "批量任务 / Job"
        verbose_name_plural = "批量任务 / Jobs"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def progress(self) -> float:
        """Share of chunks done, 0.0-1.0, for progress bars."""
        return self.done_chunks / self.total_chunks if self.total_chunks else (1.0 if self.status == "done" else 0.0)


class JobChunk(models.Model):
    """One id range [lo, hi] of a job. Its work and its ``done`` mark commit together, so a
    chunk is either wholly done or not at all and a resumed job never repeats one."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理 / Pending"
        DONE = "done", "完成 / Done"
        FAILED = "failed", "失败 / Failed"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    lo = models.BigIntegerField()
    hi = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="job_chunk_unique"),
            models.CheckConstraint(condition=Q(lo__lte=models.F("hi")), name="job_chunk_range"),
        ]
        indexes = [models.Index(fields=["job", "status"])]
