"""月度核定 (monthly assessment), by concern (see each module); the public names re-exported here."""

from shebao.contributions.assessment.sql import (
    AMOUNT_COLUMNS,
    ASSESSMENT,
    DEFAULT_REGION,
    EMPLOYER_COLUMNS,
    FLEX_BLOCK,
    FLEX_OFFSET,
    FLEXIBLE_INSURANCES,
    INSURANCES,
    JOB_KIND,
    PERSONAL_COLUMNS,
    RuleSet,
    clamp,
    line_compute,
    path_resolve,
    register_job_kinds,
    ruleset_for,
)

__all__ = [
    "AMOUNT_COLUMNS",
    "ASSESSMENT",
    "DEFAULT_REGION",
    "EMPLOYER_COLUMNS",
    "FLEXIBLE_INSURANCES",
    "FLEX_BLOCK",
    "FLEX_OFFSET",
    "INSURANCES",
    "JOB_KIND",
    "PERSONAL_COLUMNS",
    "RuleSet",
    "clamp",
    "line_compute",
    "path_resolve",
    "register_job_kinds",
    "ruleset_for",
]
