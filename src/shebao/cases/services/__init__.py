"""Case commands: the only code that changes a case.

Every command takes the case's ``version`` as the applicant or clerk last saw it and claims
the case with a compare-and-set (``UPDATE … WHERE version = v``): of two people acting on the
same step at once, one succeeds and the other gets :class:`~shebao.core.errors.Conflict`.
Every command writes its audit event in its transaction and queues the applicant's
notification in the outbox, which sends only after commit.

Callers import from the package: its public names are re-exported here.
"""

from shebao.cases.services.opening import (
    COUNTER_ROLES,
    IDEMPOTENCY_KEY,
    MAX_EXTENSION_DAYS,
    WINDOW_CHANNELS,
    case_act,
    case_escalate,
    case_extend,
    case_open,
    case_open_group,
    case_outside_done,
    case_rate,
    case_reject,
    case_request_materials,
    case_resume,
    case_return,
    case_supplement,
    case_suspend,
    case_transfer,
    case_withdraw,
    cases_sla_scan,
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
