"""The statement's canonical text written fast (issue 14's run): ``record_content``'s money
without a quantize, ``content_canonical`` writing the signed text directly, and
``document_sign_canonical`` signing it — byte for byte what the first code wrote and signed
(property tests against frozen copies of it, and a signature made by that code verifying)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.core.documents import canonical_json, document_sign, document_sign_canonical, document_verify_content
from shebao.statements.record import (
    AccountBlock,
    InsuranceBlock,
    MonthCell,
    PersonBlock,
    StatementRecord,
    content_canonical,
    record_content,
)
from tests.statements.test_record_content import records

KEY = "g" * 40


def reference_content(record: StatementRecord) -> dict[str, Any]:
    """record_content as first written (every amount through ``quantize(Decimal("0.01"))``)."""

    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(value.quantize(Decimal("0.01")))

    def day(value: dt.date | None) -> str | None:
        return None if value is None else value.isoformat()

    def account(block: AccountBlock | None) -> dict[str, Any] | None:
        if block is None:
            return None
        return {
            "opening_balance": money(block.opening_balance),
            "principal": money(block.principal),
            "interest": money(block.interest),
            "rate": None if block.rate is None else str(block.rate),
            "months": block.months,
            "paid_out": money(block.paid_out),
            "closing_balance": money(block.closing_balance),
        }

    person = record.person
    return {
        "person": {
            "name": person.name,
            "id_number_masked": person.id_number_masked,
            "sex": person.sex,
            "employer": person.employer,
            "address": person.address,
            "postcode": person.postcode,
            "work_start": day(person.work_start),
        },
        "year": record.year,
        "insurances": [
            {
                "insurance": block.insurance,
                "label_zh": block.label_zh,
                "enrolled_on": day(block.enrolled_on),
                "status": block.status,
                "months": [[cell.month, money(cell.base), cell.flag] for cell in block.months],
            }
            for block in record.insurances
        ],
        "pension_account": account(record.pension_account),
        "medical_account": account(record.medical_account),
        "notes": list(record.notes),
        "as_of": record.as_of.isoformat(),
    }


# amounts of every exponent the ledger could hand over: whole yuan, one place, two, more than
# two (rounded half-even by the quantize), negative zero, E notation, and 25-29 digit ones
# around the context's 28 digits (where the quantize refuses)
amounts = (
    st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(-(10**9), 10**9), st.integers(-2, 5))
    | st.builds(lambda n: Decimal(n).scaleb(-2), st.integers(-(10**29), 10**29))
    | st.sampled_from([Decimal("-0.00"), Decimal("-0"), Decimal("0E+3"), Decimal("1.005"), Decimal("2.675")])
)


def _outcome(build: Any, record: StatementRecord) -> Any:
    try:
        return build(record)
    except ArithmeticError as refusal:
        return type(refusal)


@settings(deadline=None)  # two cores shared by several engineers: a slow example is not a failure
@given(st.lists(amounts, min_size=1, max_size=12), records)
def test_the_content_spells_every_amount_as_the_first_code_did(bases, record):
    # given a record whose months and account carry amounts of any exponent
    block = InsuranceBlock(
        insurance="pension",
        label_zh="养老保险",
        enrolled_on=None,
        status="正常缴费",
        months=tuple(MonthCell(month=m, base=bases[(m - 1) % len(bases)], flag="paid") for m in range(1, 13)),
    )
    account = AccountBlock(
        opening_balance=bases[0],
        principal=bases[-1],
        interest=bases[len(bases) // 2],
        rate=None,
        months=12,
        paid_out=bases[0],
        closing_balance=bases[-1],
    )
    record = StatementRecord(
        person=record.person,
        year=record.year,
        insurances=(*record.insurances[:3], block),
        pension_account=account,
        medical_account=record.medical_account,
        notes=record.notes,
        as_of=record.as_of,
    )
    # then the content is the first code's, string for string (the signed bytes follow from it),
    # or both refuse it alike
    assert _outcome(record_content, record) == _outcome(reference_content, record)


def test_an_amount_beyond_the_context_precision_is_refused_as_before():
    # a 30-digit amount has no quantized spelling in the default context: both refuse it
    huge = Decimal("1" * 28 + ".00")
    record = _record()
    record = StatementRecord(
        **{**record.__dict__, "pension_account": AccountBlock(huge, huge, huge, None, 1, huge, huge)}
    )
    with pytest.raises(ArithmeticError):
        reference_content(record)
    with pytest.raises(ArithmeticError):
        record_content(record)


@settings(deadline=None)
@given(records)
def test_the_direct_writer_writes_exactly_canonical_json(record):
    content = record_content(record)
    assert content_canonical(content) == canonical_json(content)


def _changed(content: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(content)
    if where == "top":
        out["extra"] = value
    elif where == "year":
        out["year"] = value
    elif where == "name":
        out["person"]["name"] = value
    elif where == "cell month" and out["insurances"]:
        out["insurances"][0]["months"][0][0] = value
    elif where == "cell base" and out["insurances"]:
        out["insurances"][0]["months"][0][1] = value
    elif where == "account months":
        out["pension_account"]["months"] = value
    elif where == "note":
        out["notes"] = [*out["notes"], value]
    elif where == "int key":
        out["person"][7] = value
    return out


@settings(deadline=None)
@given(
    records,
    st.sampled_from(["top", "year", "name", "cell month", "cell base", "account months", "note", "int key"]),
    st.sampled_from(
        [1.5, True, None, 7, "x", Decimal("1.20"), dt.date(2025, 1, 1), [1, "a"], ("t",), {"k": 1}, object()]
    ),
)
def test_content_of_another_shape_gets_canonical_jsons_text_or_its_refusal(record, where, value):
    # given a statement's content changed anywhere into something record_content never writes
    content = _changed(record_content(record), where, value)
    # then the fast writer gives exactly canonical_json's text, or refuses as it does
    try:
        expected: Any = canonical_json(content)
    except (TypeError, ValueError) as refusal:
        expected = type(refusal)
    try:
        got: Any = content_canonical(content)
    except (TypeError, ValueError) as refusal:
        got = type(refusal)
    assert got == expected


def _record() -> StatementRecord:
    """The record the golden signature below was made over by the first code (6c43994)."""
    return StatementRecord(
        person=PersonBlock(
            name="张三",
            id_number_masked="420102********1234",
            sex="男",
            employer='武汉"测试"科技有限公司\\分公司',
            address="武汉市江岸区解放大道1号\n2栋",
            postcode="430010",
            work_start=dt.date(2010, 3, 1),
        ),
        year=2025,
        insurances=(
            InsuranceBlock(
                insurance="pension",
                label_zh="养老保险",
                enrolled_on=dt.date(2010, 3, 1),
                status="正常缴费",
                months=tuple(
                    MonthCell(
                        month=m,
                        base=Decimal("5000.00") if m < 11 else Decimal("5200.5"),
                        flag="paid" if m != 4 else "arrears",
                    )
                    for m in range(1, 13)
                ),
            ),
            InsuranceBlock(
                insurance="medical",
                label_zh="医疗保险",
                enrolled_on=None,
                status="暂停缴费（中断）",
                months=tuple(
                    MonthCell(
                        month=m,
                        base=None if m > 6 else Decimal("4077"),
                        flag="none" if m > 6 else "transferred_in",
                    )
                    for m in range(1, 13)
                ),
            ),
        ),
        pension_account=AccountBlock(
            opening_balance=Decimal("12345.60"),
            principal=Decimal("4800.00"),
            interest=Decimal("320.1"),
            rate=Decimal("0.02620"),
            months=183,
            paid_out=Decimal("-0.00"),
            closing_balance=Decimal("17465.70"),
        ),
        medical_account=None,
        notes=("本记录单所列信息仅供参考。", "tab\there"),
        as_of=dt.date(2026, 1, 15),
    )


# made by 6c43994's record_content and document_sign under DOCUMENT_KEY "g" * 40
GOLDEN_SIGNATURE = "7778384af9bbd0bb76da86a9bf3360fc532a316716eb47a9d7d3473d503d680e"
GOLDEN_CODE = "LAUF-YZ6U-7MLC-6L7J"


@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
def test_a_statement_signed_by_the_first_code_still_verifies_and_is_signed_alike():
    content = record_content(_record())
    # the stored statement's signature verifies against its content
    assert document_verify_content(kind="statement", ref="2025-ABCDEFGHJK", content=content, signature=GOLDEN_SIGNATURE)
    # and signing it again, either way, gives the same signature and code
    for signed in (
        document_sign(kind="statement", ref="2025-ABCDEFGHJK", content=content),
        document_sign_canonical(kind="statement", ref="2025-ABCDEFGHJK", canonical=content_canonical(content)),
    ):
        assert (signed.signature, signed.code) == (GOLDEN_SIGNATURE, GOLDEN_CODE)
    # one changed figure does not
    content["pension_account"]["closing_balance"] = "17465.71"
    assert not document_verify_content(
        kind="statement", ref="2025-ABCDEFGHJK", content=content, signature=GOLDEN_SIGNATURE
    )


@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
@settings(deadline=None)
@given(records, st.sampled_from(["2025-ABCDEFGHJK", "2024-23456789AB"]))
def test_the_issuers_path_signs_what_document_sign_signs(record, ref):
    content = record_content(record)
    fast = document_sign_canonical(kind="statement", ref=ref, canonical=content_canonical(content))
    full = document_sign(kind="statement", ref=ref, content=content)
    assert fast == full
    assert document_verify_content(kind="statement", ref=ref, content=content, signature=fast.signature)
