"""Who may use the employers' VIP batch API (issue 13), and the unit API tokens its payroll
systems call it with.

The batch API (``contributions.api_batch``) is for VIP units (``Unit.vip``): their operators, in
a browser session, or their payroll systems with a unit API token (``core.tokens``, scope
``batches``). An operator makes and revokes the unit's tokens on the unit hall's API tokens
page; only an operator of a VIP unit may make one. The token itself, its hashing, expiry,
revocation and audit are core's; this module adds the VIP rule, which core does not know.
"""

from __future__ import annotations

from shebao.core import tokens
from shebao.core.errors import NotAllowed
from shebao.core.models import Account, UnitApiToken
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Unit


def batch_unit_get(*, actor: Account) -> Unit:
    """The VIP unit the operator acts for; another unit's operator is refused (403)."""
    unit = registry_selectors.unit_get_own(actor=actor)
    if not unit.vip:
        raise NotAllowed(
            "批量申报接口仅向 VIP 单位开放，其他单位请使用 Excel 批量申报",
            "The batch API is for VIP units; other units use the Excel upload",
        )
    return unit


def batch_token_issue(*, actor: Account, name: str, days: int | str) -> tuple[UnitApiToken, str]:
    """A batch API token for the operator's VIP unit: the row, and the token shown once."""
    tokens.unit_operator_code(actor=actor)  # an operator at all, before their unit is looked up
    batch_unit_get(actor=actor)
    return tokens.unit_token_issue(actor=actor, name=name, days=days, scope=UnitApiToken.Scope.BATCHES)
