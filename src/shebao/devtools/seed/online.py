"""Demo of 代办 (issue 13): the first demo citizen (刘晓明) may act for the oldest demo retiree
— an authorisation recorded at a window, view and act, for a year — so the switch page
(/acting/) has someone to act for. The flexible worker's open months to pay online come from
the ledger seed (its last month is left open, a few earlier ones unpaid)."""

from __future__ import annotations

import datetime as dt

from shebao.core.models import Account
from shebao.devtools.seed.retirees import retiree_logins
from shebao.registry.models import Authorisation, Person


def write_demo_online(*, today: dt.date) -> Authorisation | None:
    """Write the demo authorisation once (idempotent); None when the demo has no retiree."""
    agent = Person.objects.filter(account__kind=Account.Kind.CITIZEN).order_by("account_id").first()
    retirees = [a for label, a in retiree_logins() if "退休人员" in label]
    grantor = getattr(retirees[0], "person", None) if retirees else None
    if agent is None or grantor is None or grantor.pk == agent.pk:
        return None
    row, _ = Authorisation.objects.get_or_create(
        grantor=grantor,
        agent=agent,
        defaults={
            "scope": Authorisation.Scope.HANDLE,
            "valid_from": today,
            "valid_to": today + dt.timedelta(days=365),
            "source": Authorisation.Source.WINDOW,
        },
    )
    return row
