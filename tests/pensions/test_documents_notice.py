"""The 养老待遇明细表 (the pension notice a retiree gets by post) in the retiree's words: the rule
rows by their title and the date they took effect, money to the fen. Issue 14's review: the notice
printed "pensions.PensionBase#2", "pensions.TransitionRule#1", "own_index" and "9112.000000"."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from shebao.core.channels import Channel
from shebao.pensions.documents import formula_printed, rule_labels, statement_pdf, value_printed
from shebao.pensions.models import PensionBase, TransitionRule
from shebao.pensions.selectors import pension_for_staff
from tests.pensions.support import TOTAL, retiree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join((page.extract_text() or "") for page in reader.pages)


def _compact(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


@pytest.fixture
def notice(district, approver) -> str:
    person = retiree(district=district, approver=approver)
    view = pension_for_staff(actor=approver, id_number=person.id_number, channel=Channel.HALL)
    # the stored figures carry what the reviewer saw: rule rows by their internal names, C̄×Z̄ unrounded
    assert view.determination is not None
    assert any(ref.startswith("pensions.") for ref in view.determination.rule_refs)
    assert any(line["value"] == "9112.000000" for line in view.derivation)
    return _text(statement_pdf(view=view))


def test_the_notice_names_rules_by_title_and_effective_date_never_internally(notice):
    notice = _compact(notice)
    base = PensionBase.objects.get(region="wuhan", year=2025)
    rule = TransitionRule.objects.get(region="wuhan")
    assert "pensions." not in notice and "PensionBase" not in notice and "TransitionRule" not in notice
    assert "own_index" not in notice
    assert f"{base.year}年养老金计发基数（{base.effective_from.year}年1月1日起执行）" in notice
    assert f"过渡性养老金规则（{rule.effective_from.year}年1月1日起执行）" in notice
    assert "视同缴费指数：本人平均缴费工资指数Z" in notice  # the rule's label, its macron dropped on paper


def test_the_notice_shows_money_to_the_fen(notice):
    assert re.search(r"\d\.\d{6,}", notice) is None  # no figure carried to six places and more
    notice = _compact(notice)
    assert "9112.000000" not in notice
    assert "9,112.00元" in notice  # 计发基数 C̄, as the amount columns print money
    assert "9112.00×1.0000=9112.00" in notice  # C̄×Z̄ in its formula
    assert "1.2%" in notice and "0.01200" not in notice  # the transition coefficient as the formula gives it
    assert f"{TOTAL:,.2f}" in notice


@pytest.mark.parametrize(
    ("formula", "printed"),
    [
        ("9112.00 × 1.0000 = 9112.000000", "9112.00 × 1.0000 = 9112.00"),
        ("83630.00 × 0.02620 × 5/12 = 912.9608333333333333333333333；", "83630.00 × 0.02620 × 5/12 ≈ 912.96；"),
        ("912.9608333333 + 19.62118", "≈912.96 + 19.62118"),  # five places (a rate, 19.62118) kept as given
        (
            "(9112.00 + 9112.00 × 1.0000) ÷ 2 × 205/12 × 1% = 1556.63",
            "(9112.00 + 9112.00 × 1.0000) ÷ 2 × 205/12 × 1% = 1556.63",
        ),
    ],
)
def test_a_formula_prints_money_carried_unrounded_to_the_fen(formula, printed):
    assert formula_printed(formula) == printed


@pytest.mark.parametrize(
    ("line", "printed"),
    [
        ({"key": "indexed_wage", "value": "9112.000000"}, "9,112.00"),
        ({"key": "account_balance", "value": "80000.00"}, "80,000.00"),
        ({"key": "average_index", "value": "1.0000"}, "1.0000"),
        ({"key": "contribution_months", "value": "205"}, "205"),
        ({"key": "months_divisor", "value": "137.3"}, "137.3"),
    ],
)
def test_a_derivation_value_is_printed_as_its_kind(line, printed):
    assert value_printed(line) == printed


def test_a_rule_row_no_longer_there_keeps_its_title_and_a_source_stays_as_written():
    labels = rule_labels(["pensions.PensionBase#999999", "国发〔2005〕38号附件：个人账户养老金计发月数表"])
    assert labels == {
        "pensions.PensionBase#999999": "养老金计发基数",
        "国发〔2005〕38号附件：个人账户养老金计发月数表": "国发〔2005〕38号附件：个人账户养老金计发月数表",
    }
