"""The registry's pure rules: names, hire dates, the statutory retirement age."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.core.errors import InvalidInput
from shebao.registry import rules


@pytest.mark.parametrize(
    "sex,group,born,months",
    [
        ("M", "cadre", dt.date(1964, 12, 31), 720),  # 60, no delay
        ("M", "cadre", dt.date(1965, 1, 1), 721),  # the first month of delay
        ("M", "cadre", dt.date(1965, 5, 1), 722),  # one more month for every four
        ("M", "cadre", dt.date(1976, 9, 1), 756),  # 63, the end state
        ("M", "cadre", dt.date(1990, 1, 1), 756),
        ("F", "cadre", dt.date(1970, 1, 1), 661),
        ("F", "worker", dt.date(1975, 1, 1), 601),
        ("F", "worker", dt.date(1975, 3, 1), 602),  # one more month for every two
        ("F", "worker", dt.date(1990, 1, 1), 660),  # 55, the end state
    ],
)
def test_retirement_age_follows_the_2024_decision(sex, group, born, months):
    assert rules.retirement_age_months(sex=sex, birth_date=born, group=group) == months


def test_clearly_past_retirement_is_the_statutory_age_plus_late_retirement_plus_the_longest_extension():
    # a man born in May 1960 retires at 60; 3 + 15 more years reach May 2038
    born = dt.date(1960, 5, 20)
    assert not rules.past_any_working_age(sex="M", birth_date=born, on=dt.date(2038, 4, 30))
    assert rules.past_any_working_age(sex="M", birth_date=born, on=dt.date(2038, 5, 1))
    assert rules.past_any_working_age(sex="F", birth_date=dt.date(1938, 5, 1), on=dt.date(2026, 2, 1))


def test_the_16th_birthday_of_someone_born_on_29_february():
    assert rules.birthday(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert rules.birthday(dt.date(2008, 2, 29), 17) == dt.date(2025, 3, 1)
    rules.hire_date_check(dt.date(2024, 2, 29), birth_date=dt.date(2008, 2, 29))  # on the day itself
    with pytest.raises(InvalidInput):
        rules.hire_date_check(dt.date(2024, 2, 28), birth_date=dt.date(2008, 2, 29))


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüñ")


@given(st.lists(st.text(CJK, min_size=1, max_size=6), min_size=1, max_size=3))
def test_an_accepted_chinese_name_is_its_own_clean_form(parts):
    name = "·".join(parts)
    if not 2 <= len(name) <= 20:
        return
    assert rules.person_name_clean(name) == name
    assert rules.person_name_matches(name, name)


@given(st.lists(st.text(LATIN, min_size=1, max_size=10), min_size=1, max_size=4), st.sampled_from(" -'"))
def test_an_accepted_latin_name_is_its_own_clean_form_and_matches_in_any_case(parts, joint):
    name = joint.join(parts)
    if not 2 <= len(name) <= 64:
        return
    assert rules.person_name_clean(name) == name
    assert rules.person_name_matches(name.upper(), name.lower())


@given(st.text(min_size=1, max_size=30))
def test_a_name_with_a_digit_is_never_accepted(text):
    name = text + "7"
    with pytest.raises(InvalidInput):
        rules.person_name_clean(name)
