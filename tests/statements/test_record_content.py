"""The record's canonical content: any record survives it unchanged, and its signed spelling
does not depend on the order things were built in (property tests)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.core.documents import canonical_json
from shebao.statements.record import (
    AccountBlock,
    InsuranceBlock,
    MonthCell,
    PersonBlock,
    StatementRecord,
    record_content,
    record_from_content,
)

money = st.decimals(min_value=Decimal("-9999999.99"), max_value=Decimal("9999999.99"), places=2)
days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@st.composite
def cells(draw):
    out = []
    for month in range(1, 13):
        flag = draw(st.sampled_from(["paid", "arrears", "transferred_in", "none"]))
        base = None if flag == "none" and draw(st.booleans()) else draw(money)
        out.append(MonthCell(month=month, base=base, flag=flag))
    return tuple(out)


accounts = st.builds(
    AccountBlock,
    opening_balance=money,
    principal=money,
    interest=money,
    rate=st.none() | st.decimals(min_value=0, max_value=Decimal("0.2"), places=5),
    months=st.integers(0, 600),
    paid_out=money,
    closing_balance=money,
)
records = st.builds(
    StatementRecord,
    person=st.builds(
        PersonBlock,
        name=text,
        id_number_masked=text,
        sex=st.sampled_from(["男", "女", ""]),
        employer=text,
        address=text,
        postcode=text,
        work_start=st.none() | days,
    ),
    year=st.integers(1996, 2100),
    insurances=st.lists(
        st.builds(
            InsuranceBlock,
            insurance=st.sampled_from(["pension", "medical", "unemployment", "injury"]),
            label_zh=text,
            enrolled_on=st.none() | days,
            status=text,
            months=cells(),
        ),
        max_size=4,
    ).map(tuple),
    pension_account=accounts,
    medical_account=st.none() | accounts,
    notes=st.lists(text, max_size=4).map(tuple),
    as_of=days,
)


@settings(deadline=None)  # two cores shared by eight: a slow example is not a failure
@given(records)
def test_a_record_survives_its_canonical_content(record):
    content = record_content(record)
    assert record_from_content(content) == record
    # stored as JSON (the database's JSON column) and read back, it signs the same text
    assert canonical_json(json.loads(json.dumps(content))) == canonical_json(content)


@settings(deadline=None)
@given(records)
def test_the_signed_text_does_not_depend_on_key_order(record):
    content = record_content(record)
    reversed_keys = dict(reversed(list(content.items())))
    assert canonical_json(reversed_keys) == canonical_json(content)
