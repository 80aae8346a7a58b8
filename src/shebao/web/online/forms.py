"""The online application form: the window's receiving form (:class:`ReceiveForm`, built from
the catalogue's FieldSpecs) as the person fills it for themselves.

What differs from the window: the applicant is the signed-in person (no ID number to type; a
registered person's name and district come from the registry, not from the form), the
person's own data is filled in where the item asks for it, and no material can be marked
"handed in" — only a window that saw the original can say so. A material is uploaded on the
case page after submitting, or replaced by a signed commitment where the catalogue allows one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from shebao.catalog.models import ServiceItem
from shebao.core.http import citizen_id_number
from shebao.core.models import Account
from shebao.registry.models import Person
from shebao.web.workbench.forms import ApplicantKwargs, ReceiveForm
from shebao.web.workbench.labels import chinese


def both(zh: str, en: str) -> str:
    """The text in the page's language (the online hall's strings carry both, no catalogue)."""
    return zh if chinese() else en


# What of the registry's record of the person an item's form may be pre-filled with.
PREFILL = ("address", "postcode", "phone")
LATER, COMMITMENT = "missing", "commitment"


class ApplyForm(ReceiveForm):
    """申请: one item, or a 一表通 group's items (``grouped``), filed by the person online."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        account: Account,
        person: Person | None,
        items: list[ServiceItem],
        grouped: bool = False,
        initial: dict[str, Any] | None = None,
    ) -> None:
        prefill: dict[str, Any] = {}
        if person is not None:
            prefill["phone"] = person.phone if len(person.phone) == 11 else ""
            for name in PREFILL:
                value = getattr(person, name, "")
                if value:
                    prefill[f"f_{name}"] = value
        else:
            prefill["applicant_name"] = account.full_name
        super().__init__(data, items=items, grouped=grouped, initial={**prefill, **(initial or {})})
        self.account = account
        self.person = person
        del self.fields["applicant_id_number"]  # the signed-in person applies for themselves
        if person is not None:  # the registry's name and district, not the form's
            del self.fields["applicant_name"]
            del self.fields["district_code"]
        else:
            self.fields["applicant_name"].required = True
            self.fields["applicant_name"].help_text = ""
            self.fields["district_code"].required = True
            self.fields["district_code"].help_text = ""
        self.fields["phone"].help_text = both("办件进度将发送到此号码", "We send the case's progress to this number.")
        # Materials: "I will upload it" (missing until the upload) or a signed commitment where
        # the catalogue allows one; never "handed in".
        self.uploads_later: list[str] = []
        for code, material in self.materials.items():
            name = material.name if chinese() else material.name_en or material.name
            if not material.commitment_allowed:
                del self.fields[f"m_{code}"]
                self.uploads_later.append(name if material.required else both(f"{name}（可选）", f"{name} (optional)"))
                continue
            field = self.fields[f"m_{code}"]
            assert isinstance(field, forms.ChoiceField)  # ReceiveForm's radio of states
            field.choices = [
                (LATER, both("提交后在办件页上传", "I will upload it after submitting")),
                (COMMITMENT, both("以告知承诺代替", "I sign a commitment instead")),
            ]
            field.initial = LATER

    @property
    def applicant_section(self) -> list[forms.BoundField]:
        names = ("applicant_name", "district_code", "phone")
        return [self[name] for name in names if name in self.fields]

    def applicant_kwargs(self) -> ApplicantKwargs:
        return {
            "id_number": citizen_id_number(self.account),  # the grantor's while acting (代办)
            "name": self.cleaned_data.get("applicant_name") or "",
            "district_code": self.cleaned_data.get("district_code") or "",
        }

    def material_states(self) -> dict[str, str]:
        states = super().material_states()
        return {code: state for code, state in states.items() if state in (LATER, COMMITMENT)}
