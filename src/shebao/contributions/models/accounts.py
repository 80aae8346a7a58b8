"""The pension personal account (个人账户) as a ledger: every credit and debit a row, so every
balance can be explained line by line (which month, which amount, which rate)."""

from __future__ import annotations

from django.db import models


class AccountEntry(models.Model):
    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", "缴费记账 / Contribution"
        INTEREST = "interest", "利息 / Interest"
        TRANSFER_IN = "transfer_in", "转入 / Transferred in"
        TRANSFER_OUT = "transfer_out", "转出 / Transferred out"
        PAYOUT = "payout", "支出 / Paid out"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="account_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("记账年度 / Year")
    credited_month = models.DateField("记账月份 / Month credited")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    source_month = models.ForeignKey(
        "contributions.ContributionMonth", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField("利率 / Rate", max_digits=7, decimal_places=5, null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "个人账户明细 / Account entry"
        verbose_name_plural = "个人账户明细 / Account entries"
        indexes = [models.Index(fields=["person", "year", "credited_month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_month"],
                condition=models.Q(source_month__isnull=False),
                name="account_entry_once_per_month",
            ),
            models.UniqueConstraint(
                fields=["person", "year"], condition=models.Q(kind="interest"), name="account_interest_once_per_year"
            ),
            # a retiree's account pension is drawn once a month (养老金按月发放)
            models.UniqueConstraint(
                fields=["person", "credited_month"],
                condition=models.Q(kind="payout"),
                name="account_payout_once_per_month",
            ),
        ]
