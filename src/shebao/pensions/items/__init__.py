"""养老和工伤待遇类服务事项: retirement, benefit determination, survivors' benefits, suspension and
resumption, certification, work-injury recognition and benefits. The transfers (YL-003, YL-004)
live in shebao.pensions.transfers.

By concern: ``fields`` (the shared form fields and materials), ``benefits`` (the checks shared by
the benefit items and the effects of the items acting on a pension), ``retirement`` (YL-001),
``injury`` (the work-injury items) and ``definitions`` (the items themselves, their handlers by
key, and their registration with the engine). Callers import from the package: its public names
are re-exported here.
"""

from shebao.pensions.items.benefits import (
    AccountChangeHandler,
    BenefitHandler,
    CertificationHandler,
    InheritanceHandler,
    RedeterminationHandler,
    ResumptionHandler,
    SurvivorsHandler,
    SuspensionHandler,
    retired,
)
from shebao.pensions.items.definitions import (
    FOR_RETIREES,
    HANDLERS,
    ITEMS,
    register_items,
)
from shebao.pensions.items.fields import (
    BANK_CARD,
    BANK_CARD_COPY,
    CLAIMANT_ID,
    DEATH_PROOF,
    DECEASED,
    INJURY_REGULATION,
    KINSHIP_PROOF,
    LAW,
    RELATION,
    RETIRE_DATE,
    UNIT_CODE,
)
from shebao.pensions.items.injury import (
    InjuryBenefitHandler,
    InjuryHandler,
    InjuryRecognitionHandler,
    injury_decision_known,
)
from shebao.pensions.items.retirement import (
    SPECIAL_RETIREMENTS,
    WORK_START,
    RetirementHandler,
    retirement_eligible,
)

__all__ = [
    "BANK_CARD",
    "BANK_CARD_COPY",
    "CLAIMANT_ID",
    "DEATH_PROOF",
    "DECEASED",
    "FOR_RETIREES",
    "HANDLERS",
    "INJURY_REGULATION",
    "ITEMS",
    "KINSHIP_PROOF",
    "LAW",
    "RELATION",
    "RETIRE_DATE",
    "SPECIAL_RETIREMENTS",
    "UNIT_CODE",
    "WORK_START",
    "AccountChangeHandler",
    "BenefitHandler",
    "CertificationHandler",
    "InheritanceHandler",
    "InjuryBenefitHandler",
    "InjuryHandler",
    "InjuryRecognitionHandler",
    "RedeterminationHandler",
    "ResumptionHandler",
    "RetirementHandler",
    "SurvivorsHandler",
    "SuspensionHandler",
    "injury_decision_known",
    "register_items",
    "retired",
    "retirement_eligible",
]
