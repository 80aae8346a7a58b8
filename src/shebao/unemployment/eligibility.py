"""Checks at the window for unemployment items (``shebao.cases.eligibility``)."""

from __future__ import annotations

from shebao.cases.eligibility import Eligibility
from shebao.core.errors import Conflict


def employment_has_ended(facts: Eligibility) -> None:
    """失业保险金申领: benefit is for a person whose employment ended (社会保险法 第四十五条;
    《失业保险条例》第十四条). A claim by someone whose employment is still open in the records is
    refused at receipt, naming the employer, which must first end it (减员)."""
    person = facts.person
    if person is None or not person.open_employments:
        return
    job = person.open_employments[0]
    raise Conflict(
        f"您在{job.unit_name}的劳动关系尚未终止（自{job.start:%Y-%m-%d}起在职），"
        "须由单位办理减员（终止或解除劳动关系）后再申领失业保险金",
        f"Your employment at {job.unit_name} (since {job.start:%Y-%m-%d}) has not ended: the employer must "
        "record its end before you can claim unemployment benefit",
        field="id_number",
    )
