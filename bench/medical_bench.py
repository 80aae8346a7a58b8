"""Reimbursement decisions per second (YB-004 at the centre's approval: the rule rows in force
read, the admission number and this year's paid amounts counted, the amount computed with its
derivation, the decision saved with its audit event, the payment order written and, after
commit, sent to the (fake) bank), on a scratch PostgreSQL database made for the run and dropped
after it.

    .venv/bin/python bench/medical_bench.py                    # 2,000 decisions for 400 persons
    .venv/bin/python bench/medical_bench.py --decisions 5000

Reference, same invocation: the pure computation alone (``medical.rules.reimbursement_compute``)
on the same inputs with the rule set read once. Ratio = decisions/s ÷ pure computations/s: what
the database, the audit chain and the payment cost on top of the arithmetic. Benchmarks never
gate CI on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from decimal import Decimal
from types import SimpleNamespace

from _common import scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()

HOSPITALS = (
    "中山大学附属第一医院",
    "北京协和医院",
    "宜昌市中心人民医院",
    "武汉大学人民医院",
    "武汉市江岸区第二人民医院",
)


def _files(n: int, persons: int) -> list[SimpleNamespace]:
    files = []
    for i in range(n):
        person = i % persons
        admitted = dt.date(2026, 1, 1) + dt.timedelta(days=(i // persons) * 7 % 330)
        files.append(
            SimpleNamespace(
                number=f"B{i:012d}",
                applicant_id_number=f"4201021980{person:07d}X"[:18],
                applicant_name=f"参保人{person}",
                form_data={
                    "hospital": HOSPITALS[i % len(HOSPITALS)],
                    "admission_date": admitted.isoformat(),
                    "discharge_date": admitted.isoformat(),
                    "amount": str(Decimal(3000 + (i * 7919) % 90000) + Decimal("0.40")),
                    "bank_card": "6222021234567894",
                },
            )
        )
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=2_000)
    parser.add_argument("--persons", type=int, default=400)
    scratch_arguments(parser, db=scratch_name("medical"))
    args = parser.parse_args()
    with scratch_database(args):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from shebao.medical.models import Hospital, Reimbursement, ReimbursementPayment
    from shebao.medical.params import rules_in_force
    from shebao.medical.rules import reimbursement_compute
    from shebao.medical.services import reimbursement_decide

    files = _files(args.decisions, args.persons)
    levels = {h.name: h.level for h in Hospital.objects.all()}

    # reference: the pure computation on the same inputs, the rule set read once
    rules = rules_in_force(day=dt.date(2026, 6, 1))
    start = time.perf_counter()
    for i, f in enumerate(files):
        reimbursement_compute(
            rules=rules,
            in_policy_cost=Decimal(f.form_data["amount"]),
            person_type="working",
            hospital_level=levels[f.form_data["hospital"]],
            filing_type=("local", "referral", "unfiled")[i % 3],
            admission_number=1 + i // args.persons,
        )
    pure = time.perf_counter() - start

    start = time.perf_counter()
    for f in files:
        with transaction.atomic():
            reimbursement_decide(case=f, actor=None)
    decided = time.perf_counter() - start

    assert Reimbursement.objects.filter(status="decided").count() == args.decisions
    paid = ReimbursementPayment.objects.filter(status="paid").count()
    assert paid == ReimbursementPayment.objects.count()
    n = args.decisions
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'path':<44}{'n':>8}{'seconds':>10}{'per s':>12}{'ratio':>10}")
    print(f"{'pure reimbursement_compute (reference)':<44}{n:>8}{pure:>10.3f}{n / pure:>12,.0f}{1.0:>10.4f}")
    print(
        f"{'decision: compute + save + audit + payment':<44}{n:>8}{decided:>10.3f}{n / decided:>12,.0f}{pure / decided:>10.4f}"
    )
    print(f"payments sent and paid: {paid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
