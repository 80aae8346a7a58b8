"""参保登记类服务事项: employer registration for the five insurances, staff additions and
removals, flexible-worker enrolment (no hukou condition), personal information changes.

By concern: ``fields`` (the shared form fields and materials), ``handlers`` (what each item
checks at receipt and writes at completion) and ``definitions`` (the items themselves, their
codes, and their registration with the engine). Callers import from the package: its public
names are re-exported here.
"""

from shebao.registry.items.definitions import (
    FLEXIBLE_ENROL,
    FLEXIBLE_RESUME,
    FLEXIBLE_STOP,
    INFO_CHANGE,
    ITEMS,
    KEY_CORRECTION,
    UNIT_CHANGE,
    UNIT_DEREGISTER,
    register_items,
)
from shebao.registry.items.fields import (
    ADDRESS,
    ADDRESS_PROOF,
    LAW,
    LEGAL_REP_ID,
    LICENCE,
    START_MONTH,
    UNIT_CODE,
    UNIT_FIELDS,
    UNIT_NAME,
    UNIT_TYPE,
)
from shebao.registry.items.handlers import (
    HANDLERS,
    FlexibleEnrolHandler,
    FlexibleResumeHandler,
    FlexibleStopHandler,
    InfoChangeHandler,
    KeyCorrectionHandler,
    PersonHandler,
    StaffAddHandler,
    StaffHandler,
    StaffRemoveHandler,
    UnitChangeHandler,
    UnitDeregisterHandler,
    UnitHandler,
    UnitRegisterHandler,
)

__all__ = [
    "ADDRESS",
    "ADDRESS_PROOF",
    "FLEXIBLE_ENROL",
    "FLEXIBLE_RESUME",
    "FLEXIBLE_STOP",
    "HANDLERS",
    "INFO_CHANGE",
    "ITEMS",
    "KEY_CORRECTION",
    "LAW",
    "LEGAL_REP_ID",
    "LICENCE",
    "START_MONTH",
    "UNIT_CHANGE",
    "UNIT_CODE",
    "UNIT_DEREGISTER",
    "UNIT_FIELDS",
    "UNIT_NAME",
    "UNIT_TYPE",
    "FlexibleEnrolHandler",
    "FlexibleResumeHandler",
    "FlexibleStopHandler",
    "InfoChangeHandler",
    "KeyCorrectionHandler",
    "PersonHandler",
    "StaffAddHandler",
    "StaffHandler",
    "StaffRemoveHandler",
    "UnitChangeHandler",
    "UnitDeregisterHandler",
    "UnitHandler",
    "UnitRegisterHandler",
    "register_items",
]
