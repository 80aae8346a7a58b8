"""The engine's fixtures (test items T-…, the catalogue, skills, open offices, the frozen
clock) for the engine's pages. Registering the T- items beside the real catalogue changes
nothing until a test loads the catalogue."""

from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    applicant,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
