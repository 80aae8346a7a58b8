"""One person's record opened to one staff member for one purpose: :class:`PersonGrant`.

The district checks (registry's ``persons_visible``, contributions', medical's and pensions'
reads) keep staff to their office's district. A few services must look past that for ONE
person: the window print of a person of another district (通办, ``statements.services``),
later the service halls, the hotline, the card centre. Such a service, having checked who is
asking and whose ID is shown, issues a grant with :func:`person_grant_issue`, and passes it
explicitly (``grant=``) to the reads it makes; each read lets the grant's person through with
:func:`grant_opens` and nothing else.

Invariants, re-checked on every use, never only at issue:

- only an active staff member in one of the purpose's roles (:data:`GRANT_ROLES`) holds one: a
  citizen, a unit operator, a bank agent never do;
- it opens the one person it names, for the account it was issued to (another clerk holding
  it gets nothing), for :data:`GRANT_LIFETIME` after its issue (one request, not a session);
- only :func:`person_grant_issue` makes one: it seals the grant's fields with a key of this
  process, so a grant built by hand, or a copy with a field changed, opens nothing;
- it opens reads only: a service that writes takes no grant, except the purpose's own act
  (the window print issues the statement it prints).

Who was audited does not change: the reads record the real actor, with their own office.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from shebao.core.errors import NotAllowed
from shebao.core.models import Account, Role


class Purpose(models.TextChoices):
    """What a grant is for: a new purpose is one line here, its roles in :data:`GRANT_ROLES`
    and the one service that issues it."""

    STATEMENT_WINDOW_PRINT = "statement.window_print", "窗口打印权益记录单（通办） / Window print of a statement"


# Who may hold a grant of each purpose (the issuing service checks the rest: the office, the ID
# shown). A purpose missing here is held by nobody.
GRANT_ROLES: dict[str, frozenset[str]] = {
    Purpose.STATEMENT_WINDOW_PRINT: frozenset({Role.CLERK}),
}
# The purposes whose grants open the record reads (registry's, contributions', medical's,
# pensions'): a new purpose opens them only once it is named here, on purpose.
RECORD_READS: frozenset[str] = frozenset({Purpose.STATEMENT_WINDOW_PRINT})
# A grant lives for the request that issued it; this bounds one kept by mistake.
GRANT_LIFETIME = dt.timedelta(minutes=5)

# The seal's key: this process's own, never stored or sent (a grant lives inside one request).
_SEAL_KEY = secrets.token_bytes(32)


@dataclass(frozen=True)
class PersonGrant:
    """Account ``account_id`` may read person ``person_id``'s record for ``purpose``, as the
    person's own district's staff read it, from ``issued_at`` for :data:`GRANT_LIFETIME`."""

    account_id: int
    person_id: int
    purpose: str
    issued_at: dt.datetime
    seal: bytes = field(default=b"", repr=False, compare=False)


def _seal(*, account_id: int, person_id: int, purpose: str, issued_at: dt.datetime) -> bytes:
    message = f"{account_id}|{person_id}|{purpose}|{issued_at.isoformat()}".encode()
    return hmac.new(_SEAL_KEY, message, hashlib.sha256).digest()


def _may_hold(actor: Account | None, purpose: str) -> bool:
    roles = GRANT_ROLES.get(purpose, frozenset())
    return (
        actor is not None
        and actor.pk is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.kind == Account.Kind.STAFF
        and actor.office_id is not None
        and actor.role in roles
    )


def person_grant_issue(*, actor: Account, person_id: int, purpose: str) -> PersonGrant:
    """A grant of ``purpose`` to ``actor`` for person ``person_id``. The caller (the purpose's
    one service) has checked what the purpose asks (for the window print: a window printer,
    the ID shown at the window); here only who may hold one at all. Anyone else NotAllowed."""
    if not _may_hold(actor, purpose):
        raise NotAllowed("无权查阅该参保人的记录", "You may not read this person's record")
    account_id: int = actor.pk
    issued_at = timezone.now()
    seal = _seal(account_id=account_id, person_id=person_id, purpose=purpose, issued_at=issued_at)
    return PersonGrant(account_id=account_id, person_id=person_id, purpose=purpose, issued_at=issued_at, seal=seal)


def grant_opens(
    grant: PersonGrant | None, *, actor: Account | None, person_id: int, purposes: frozenset[str] = RECORD_READS
) -> bool:
    """Whether ``grant`` lets ``actor`` read person ``person_id``: issued by
    :func:`person_grant_issue` to this very account, for this very person, for one of
    ``purposes`` (the record reads take :data:`RECORD_READS`), not older than
    :data:`GRANT_LIFETIME`, and the actor still one who may hold it. None opens nothing."""
    if grant is None or actor is None or grant.purpose not in purposes:
        return False
    if grant.account_id != actor.pk or grant.person_id != person_id:
        return False
    expected = _seal(
        account_id=grant.account_id, person_id=grant.person_id, purpose=grant.purpose, issued_at=grant.issued_at
    )
    if not hmac.compare_digest(grant.seal, expected):
        return False
    now = timezone.now()
    if not (grant.issued_at <= now <= grant.issued_at + GRANT_LIFETIME):
        return False
    return _may_hold(actor, grant.purpose)
