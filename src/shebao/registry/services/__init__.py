"""Registry commands: registering persons and units, enrolment, staff additions and removals
(增减员), resumption (续保). The only code that writes the registry's tables.

Each command is one transaction with its audit event. Who may act:

- a unit operator, for their own unit only (``Account.unit_code`` = ``Unit.credit_code``);
- staff at the counter (clerk, reviewer, approver, supervisor) and administrators; through
  the engine the handler runs with the actor of the completing step, whose authority the
  engine has already checked;
- nobody else (a citizen enrols through a case, a bank agent does card services only).

An employer's additions and removals on its own pages are cases completed at once
(``staff_add_online``, ``staff_end_online``: 网上即时办结), so they appear in its case list.

Flexible workers enrol with an ID number and an address alone: there is no hukou condition
anywhere (国办发〔2019〕13号 removed it).

By concern: ``persons``, ``units``, ``employment`` (增减员), ``status`` (insured status,
flexible enrolment, stop and resumption), ``online`` (the unit's own pages) and ``common``
(who may write, the audit wrapper). Callers import from the package: its public names are
re-exported here.
"""

from shebao.registry.services.authorisations import (
    acting_may_handle,
    acting_start,
    authorisation_grant,
    authorisation_record,
    authorisation_revoke,
)
from shebao.registry.services.batches import batch_once
from shebao.registry.services.common import (
    FIVE_INSURANCES,
    FLEXIBLE_INSURANCES,
    INSURANCE_NAMES,
    STAFF_WRITERS,
    unit_authorise,
)
from shebao.registry.services.employment import (
    employment_add,
    employment_add_check,
    employment_end,
    employment_end_check,
    employment_refusals,
    latest_start_allowed,
    too_old_to_employ,
)
from shebao.registry.services.online import (
    STAFF_ADD_ITEM,
    STAFF_END_ITEM,
    staff_add_online,
    staff_cases_record,
    staff_end_online,
)
from shebao.registry.services.persons import (
    mobile_clean,
    name_mismatch,
    person_correct_id_number,
    person_register,
    person_update,
)
from shebao.registry.services.status import (
    activate_via_unit,
    flexible_enrol,
    flexible_stop,
    status_resume,
    suspend_after_leaving,
)
from shebao.registry.services.units import (
    unit_change,
    unit_deregister,
    unit_insurances,
    unit_register,
)

__all__ = [
    "FIVE_INSURANCES",
    "FLEXIBLE_INSURANCES",
    "INSURANCE_NAMES",
    "STAFF_ADD_ITEM",
    "STAFF_END_ITEM",
    "STAFF_WRITERS",
    "acting_may_handle",
    "acting_start",
    "activate_via_unit",
    "authorisation_grant",
    "authorisation_record",
    "authorisation_revoke",
    "batch_once",
    "employment_add",
    "employment_add_check",
    "employment_end",
    "employment_end_check",
    "employment_refusals",
    "flexible_enrol",
    "flexible_stop",
    "latest_start_allowed",
    "mobile_clean",
    "name_mismatch",
    "person_correct_id_number",
    "person_register",
    "person_update",
    "staff_add_online",
    "staff_cases_record",
    "staff_end_online",
    "status_resume",
    "suspend_after_leaving",
    "too_old_to_employ",
    "unit_authorise",
    "unit_change",
    "unit_deregister",
    "unit_insurances",
    "unit_register",
]
