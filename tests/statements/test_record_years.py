"""The years a person can fetch a statement for include years with only account entries and
years only a completed transfer shows in (issue 14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import AccountEntry
from shebao.pensions.transfers.models import Transfer, TransferredPeriod
from shebao.statements.selectors import statement_years
from tests.statements.test_record import transfer_in_may  # noqa: F401 (pytest finds fixtures by name)

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_year_with_only_account_entries_is_listed(history, citizen):
    # given 2024's ledger and, for 2023, only the account's opening entries (interest, transfer);
    # and a retiree-like 2022 with nothing but a payout
    AccountEntry.objects.create(
        person=history, kind="payout", year=2022, credited_month=dt.date(2022, 3, 1), amount=D("-10.00")
    )
    # then today's year (2025), 2024, 2023 and 2022 are listed, newest first
    assert statement_years(actor=citizen, person=history) == [2025, 2024, 2023, 2022]


def test_years_only_a_completed_transfer_shows_in_are_listed(request, citizen):
    moved = request.getfixturevalue("transfer_in_may")  # tests.statements.test_record's fixture
    # given a second transfer completed in June 2021, bringing in January-May 2021 (○ on 2021's
    # statement) and 2019 (first counted on 2021's statement, the completion year)
    first = Transfer.objects.get(ref="ZY-2025-0001")
    earlier = Transfer.objects.create(
        ref="ZY-2021-0001",
        direction=Transfer.Direction.IN,
        case=first.case.__class__.objects.create(
            item=first.case.item,
            item_version=1,
            applicant_id_number=first.id_number,
            applicant_name=first.name,
            channel="hall",
            office=first.case.office,
            received_at=first.case.received_at,
            status=first.case.status,
        ),
        state=Transfer.State.COMPLETED,
        id_number=first.id_number,
        name=first.name,
        sex="M",
        birth_date=first.birth_date,
        other_agency="420500",
        other_agency_name="宜昌市社会保险经办机构",
        applied_on=dt.date(2021, 3, 2),
        completed_on=dt.date(2021, 6, 10),
    )
    for year, months in ((2021, 5), (2019, 12)):
        TransferredPeriod.objects.create(
            transfer=earlier,
            id_number=first.id_number,
            year=year,
            first_month=1,
            months=months,
            base_total=D("5000.00") * months,
            personal_amount=D("400.00") * months,
            pooled=D("800.00") * months,
            place="宜昌市",
        )
    # then 2021 is listed; 2019 is not (its months show from 2021 on)
    assert statement_years(actor=citizen, person=moved) == [2025, 2024, 2023, 2021]
