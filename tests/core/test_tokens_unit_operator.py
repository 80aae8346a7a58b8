"""Who is an operator of a unit (单位经办人), asked once in ``core.tokens`` (``unit_operator_of``,
``unit_operator_code``): by whoever makes a unit token — core's own ``unit_token_issue`` and the
VIP batch rule on top of it (``contributions.batch_tokens``) — and of the maker a token acts as.
Anyone else is refused with the same bilingual 403 and nothing is written."""

from __future__ import annotations

import pytest

from shebao.contributions.batch_tokens import batch_token_issue
from shebao.core import tokens
from shebao.core.errors import NotAllowed
from shebao.core.models import Account, AuditEvent, UnitApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def inactive_operator(unit_operator) -> Account:
    Account.objects.filter(pk=unit_operator.pk).update(is_active=False)
    unit_operator.refresh_from_db()
    return unit_operator


@pytest.fixture
def operator_without_unit(unit_operator) -> Account:
    Account.objects.filter(pk=unit_operator.pk).update(unit_code="")
    unit_operator.refresh_from_db()
    return unit_operator


def test_an_active_operator_operates_their_own_unit_only(unit_operator, citizen, clerk):
    code = unit_operator.unit_code
    assert tokens.unit_operator_code(actor=unit_operator) == code
    assert tokens.unit_operator_of(unit_operator, unit_code=code)
    assert not tokens.unit_operator_of(unit_operator, unit_code=code[:-1] + "X")
    assert not tokens.unit_operator_of(citizen, unit_code=code)
    assert not tokens.unit_operator_of(clerk, unit_code=code)


@pytest.mark.parametrize("who", ["citizen", "clerk", "inactive_operator", "operator_without_unit"])
@pytest.mark.parametrize("issue", [tokens.unit_token_issue, batch_token_issue], ids=["core", "batch"])
def test_only_an_active_operator_of_a_unit_may_make_a_token(request, who, issue):
    # given someone who is not an active operator of a unit
    actor = request.getfixturevalue(who)
    events = AuditEvent.objects.count()
    # when they ask for a unit token, through core or through the batch API's rule
    with pytest.raises(NotAllowed) as refused:
        issue(actor=actor, name="工资系统", days=90)
    # then the one check refuses them alike, and nothing is written
    assert refused.value.message_zh == "仅限单位经办人使用"
    assert not tokens.unit_operator_of(actor, unit_code=actor.unit_code or "")
    assert UnitApiToken.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_token_stops_acting_once_its_maker_no_longer_operates_the_unit(unit_operator):
    # given a token an operator made
    _row, secret = tokens.unit_token_issue(actor=unit_operator, name="工资系统", days=90)
    account, _ = tokens.unit_token_verify(token=secret, scope=UnitApiToken.Scope.BATCHES)
    assert account == unit_operator
    # when the operator moves to another unit
    Account.objects.filter(pk=unit_operator.pk).update(unit_code=unit_operator.unit_code[:-1] + "X")
    # then the token no longer acts as them
    with pytest.raises(tokens.InvalidToken):
        tokens.unit_token_verify(token=secret, scope=UnitApiToken.Scope.BATCHES)
