"""Case commands: the only code that changes a case.

Every command takes the case's ``version`` as the applicant or clerk last saw it and claims
the case with a compare-and-set (``UPDATE … WHERE version = v``): of two people acting on the
same step at once, one succeeds and the other gets :class:`~shebao.core.errors.Conflict`.
Every command writes its audit event in its transaction and queues the applicant's
notification in the outbox, which sends only after commit.

By concern: ``opening`` (受理 and its idempotency key), ``acting`` (steps, rejection,
withdrawal), ``materials`` (补正), ``clock`` (承诺时限, suspension, extension, the SLA scan),
``routing`` (escalation, return, transfer), ``flow`` (next step or phase, dispatch, finishing),
``ratings`` (好差评) and ``common`` (the claim, audit and notifications). Callers import from
the package: its public names are re-exported here.
"""

from shebao.cases.services.acting import (
    case_act,
    case_outside_done,
    case_reject,
    case_withdraw,
)
from shebao.cases.services.clock import (
    MAX_EXTENSION_DAYS,
    WINDOW_CHANNELS,
    case_extend,
    case_resume,
    case_suspend,
    cases_sla_scan,
)
from shebao.cases.services.common import (
    COUNTER_ROLES,
)
from shebao.cases.services.materials import (
    case_request_materials,
    case_supplement,
)
from shebao.cases.services.opening import (
    IDEMPOTENCY_KEY,
    case_open,
    case_open_group,
)
from shebao.cases.services.ratings import (
    case_rate,
)
from shebao.cases.services.routing import (
    case_escalate,
    case_return,
    case_transfer,
)

__all__ = [
    "COUNTER_ROLES",
    "IDEMPOTENCY_KEY",
    "MAX_EXTENSION_DAYS",
    "WINDOW_CHANNELS",
    "case_act",
    "case_escalate",
    "case_extend",
    "case_open",
    "case_open_group",
    "case_outside_done",
    "case_rate",
    "case_reject",
    "case_request_materials",
    "case_resume",
    "case_return",
    "case_supplement",
    "case_suspend",
    "case_transfer",
    "case_withdraw",
    "cases_sla_scan",
]
