"""The rules of a case (办件), pure: no Django, no database, no clock of their own.

Owns what a case may be and become (``states``), the working-day clock of a phase and the
promise measured across phases (``clock``), and who may do what to a case now
(``permissions``). Services load the facts, ask these functions, and save what they answer;
the case page and the API ask the same functions what to offer, so a rule lives once.

Working days come from a :class:`~shebao.cases.rules.clock.Calendar` passed in: in the running
system the official calendar (``shebao.core.workdays``), in property tests a plain week.
"""

from shebao.cases.rules.clock import (
    MAX_OVERDUE_LEVEL,
    Calendar,
    Clock,
    Promise,
    WeekCalendar,
    clock_extend,
    clock_finish,
    clock_pause,
    clock_resume,
    clock_start,
    clock_start_day,
    clock_used,
    clock_void,
    overdue_days,
    overdue_target,
    promise_measure,
    return_allowed,
)
from shebao.cases.rules.permissions import (
    HANDLING_ROLES,
    ActorFacts,
    CaseFacts,
    Refusal,
    StepFacts,
    offers,
    refusal,
    require,
)
from shebao.cases.rules.states import (
    CLOSED,
    OPEN,
    STEP_ACTIONS,
    TRANSITIONS,
    Action,
    State,
    shown_state,
)

__all__ = [
    "CLOSED",
    "HANDLING_ROLES",
    "MAX_OVERDUE_LEVEL",
    "OPEN",
    "STEP_ACTIONS",
    "TRANSITIONS",
    "Action",
    "ActorFacts",
    "Calendar",
    "CaseFacts",
    "Clock",
    "Promise",
    "Refusal",
    "State",
    "StepFacts",
    "WeekCalendar",
    "clock_extend",
    "clock_finish",
    "clock_pause",
    "clock_resume",
    "clock_start",
    "clock_start_day",
    "clock_used",
    "clock_void",
    "offers",
    "overdue_days",
    "overdue_target",
    "promise_measure",
    "refusal",
    "require",
    "return_allowed",
    "shown_state",
]
