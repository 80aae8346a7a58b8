"""Identifiers: GB 11643 ID numbers, GB 32100 credit codes, Luhn bank cards, masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.core.identifiers import (
    InvalidBankCard,
    InvalidCreditCode,
    InvalidIdNumber,
    bank_card_validate,
    credit_code_make,
    credit_code_validate,
    id_number_make,
    id_number_validate,
    mask_bank_card,
    mask_id_number,
    mask_name,
    mask_phone,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the standard's own example
        ("360426199101010071", "360426199101010071"),
        ("44011320141005001x", "44011320141005001X"),  # lower-case x normalised
        ("120103198806018241", "120103198806018241"),
        ("412723199010050012", "412723199010050012"),
        ("110102199101010078", "110102199101010078"),
        (" 4201 0219 8005 061236 ", "420102198005061236"),  # spaces typed at a window
    ],
)
def test_valid_id_numbers_are_accepted_and_normalised(raw, normalised):
    assert id_number_validate(raw).number == normalised


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("360426199101010072", "校验位"),
        ("36042619910102009X", "校验位"),
        ("360426199113010079", "出生日期"),
        ("T60426199101010078", "前17位"),
        ("990426199112010074", "地区代码"),
        ("4201021980050612", "18位"),
        ("", "18位"),
    ],
)
def test_invalid_id_numbers_are_rejected_with_a_chinese_and_english_message(raw, fragment):
    with pytest.raises(InvalidIdNumber) as caught:
        id_number_validate(raw)
    assert fragment in caught.value.message_zh
    assert caught.value.message_en
    assert caught.value.status == 422


def test_a_birth_date_in_the_future_is_rejected():
    number = id_number_make(region_code="420102", birth_date=dt.date(2030, 1, 1), sequence=1)
    with pytest.raises(InvalidIdNumber, match="晚于今天"):
        id_number_validate(number, today=dt.date(2026, 11, 25))


def test_a_person_born_before_their_region_code_existed_is_valid():
    # 420117 (新洲区) dates from 1998, but people born earlier were issued it: stdnum alone
    # would refuse them.
    number = id_number_make(region_code="420117", birth_date=dt.date(1960, 7, 1), sequence=11)
    assert id_number_validate(number).birth_date == dt.date(1960, 7, 1)


def test_a_15_digit_number_is_upgraded_to_18():
    assert id_number_validate("360426910101007").number == "360426199101010071"


def test_parts_of_the_number_give_sex_and_birth_date():
    info = id_number_validate("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"  # sequence 002 is even
    assert info.region_code == "110105"


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    region=st.sampled_from(["420102", "420106", "420111", "420117"]),
)
def test_every_composed_number_validates_and_one_changed_digit_does_not(birth, sequence, region):
    number = id_number_make(region_code=region, birth_date=birth, sequence=sequence)
    assert id_number_validate(number).number == number
    digit = int(number[16])
    tampered = number[:16] + str((digit + 1) % 10) + number[17]
    with pytest.raises(InvalidIdNumber):
        id_number_validate(tampered)


@pytest.mark.parametrize(
    "code", ["91110000600037341L", "121200004013590816", "91310115MA1K3BTP2B", "91420684MA4927PJ7B"]
)
def test_valid_credit_codes(code):
    assert credit_code_validate(code) == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91110000600037341N", "校验位"),
        ("A1110000600037341L", "格式"),
        ("9111000060003IOZSV", "格式"),
        ("9111", "18位"),
    ],
)
def test_invalid_credit_codes(code, fragment):
    with pytest.raises(InvalidCreditCode) as caught:
        credit_code_validate(code)
    assert fragment in caught.value.message_zh


@given(serial=st.integers(min_value=0, max_value=10**8 - 1))
def test_composed_credit_codes_validate(serial):
    code = credit_code_make(region_code="420102", serial=serial)
    assert credit_code_validate(code) == code


@pytest.mark.parametrize("card", ["4111111111111111", "6222021001116245702", "6228480402564890018"])
def test_valid_bank_cards(card):
    assert bank_card_validate(card) == card


@pytest.mark.parametrize("card", ["4111111111111112", "79927398713", "62220210011162457x2"])
def test_invalid_bank_cards(card):
    with pytest.raises(InvalidBankCard):
        bank_card_validate(card)


def test_masking_shows_only_what_the_counter_needs():
    assert mask_id_number("420102198005061236") == "4201**********1236"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_bank_card("6222021001116245702") == "6222 **** **** 5702"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧**月"
