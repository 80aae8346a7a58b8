"""收件 form: the applicant, the item's (or the 一表通 group's) fields from the catalogue
schema, the materials checklist, and the submission token that makes a resubmitted form give
the case it opened instead of a second one."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypedDict

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ItemMaterial, ServiceItem
from shebao.core.errors import ShebaoError
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Area
from shebao.web.forms import error_text
from shebao.web.workbench.labels import chinese

# Schema fields that the applicant block already asks for: they are filled from it, not asked twice.
FROM_APPLICANT = {"id_number": "applicant_id_number", "name": "applicant_name", "phone": "phone"}
MATERIAL_STATES = ("received", "commitment", "missing")


def submission_token() -> str:
    """The idempotency key a receiving form is drawn with (cases.services.case_open ``key``)."""
    return f"form-{uuid.uuid4().hex}"


def schema_field(spec: dict[str, Any], *, required: bool) -> forms.Field:
    """A form field for one entry of ``ServiceItem.form_schema``, typed by its ``type``."""
    label = spec["label"] if chinese() else spec.get("label_en") or spec["label"]
    kind = spec.get("type", "text")
    common: dict[str, Any] = {"label": label, "required": required}
    if kind == "int":
        return forms.IntegerField(widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common)
    if kind == "decimal":
        return forms.DecimalField(min_value=Decimal(0), widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"], **common
        )
    if kind == "choice":
        choices = [("", "—"), *[(str(c[0]), str(c[1])) for c in spec.get("choices", [])]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if kind == "phone":
        return forms.CharField(
            max_length=11, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}), **common
        )
    max_length = 24 if kind == "id_number" else int(spec.get("max_length", 200))
    return forms.CharField(max_length=max_length, widget=forms.TextInput(attrs={"autocomplete": "off"}), **common)


class ApplicantKwargs(TypedDict):
    """What the receiving form says of the applicant, as ``applicant_for`` takes it."""

    id_number: str
    name: str
    district_code: str


class ReceiveForm(forms.Form):
    """收件: the applicant, the item's (or the form group's) fields and the materials checklist.

    The catalogue's handler validates the form again in the service; its ``InvalidInput``
    names the field, which :meth:`add_domain_error` puts back beside the right input."""

    applicant_id_number = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Needed when the person is not registered yet."),
    )
    district_code = forms.ChoiceField(
        label=gettext_lazy("District of residence"),
        required=False,
        help_text=gettext_lazy("Needed when the person is not registered yet."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # Drawn once with the page: a double click, a reload of the POST or the browser's back and
    # submit again send the same token and get the case the first submission opened.
    submission = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        items: list[ServiceItem],
        grouped: bool = False,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial={"submission": submission_token(), **(initial or {})})
        self.items = items
        self.grouped = grouped
        districts = Area.objects.filter(kind__in=[Area.Kind.DISTRICT, Area.Kind.ZONE]).order_by("code")
        district = self.fields["district_code"]
        assert isinstance(district, forms.ChoiceField)  # declared above
        district.choices = [("", "—"), *[(a.code, a.name) for a in districts]]
        self.schema: dict[str, dict[str, Any]] = {}
        required_by: dict[str, list[str]] = {}
        for item in items:
            for spec in item.form_schema:
                if spec.get("required", True):
                    required_by.setdefault(spec["name"], []).append(item.code)
                if spec["name"] not in FROM_APPLICANT:
                    self.schema.setdefault(spec["name"], spec)
        for name, spec in self.schema.items():
            # In a one-form, what is required depends on the items ticked: the service checks it.
            field = schema_field(spec, required=not grouped and spec.get("required", True))
            if grouped and name in required_by:
                field.help_text = _("Required for: %(items)s") % {"items": "、".join(required_by[name])}
            self.fields[f"f_{name}"] = field
        self.materials: dict[str, ItemMaterial] = {}
        commitment: set[str] = set()
        for item in items:
            for material in item.materials.all():
                self.materials.setdefault(material.code, material)
                if material.commitment_allowed:
                    commitment.add(material.code)
        labels = {"received": _("Handed in"), "commitment": _("Signed commitment"), "missing": _("Missing")}
        for code, material in self.materials.items():
            name = material.name if chinese() else material.name_en or material.name
            self.fields[f"m_{code}"] = forms.ChoiceField(
                label=name if material.required else _("%(name)s (optional)") % {"name": name},
                choices=[(s, labels[s]) for s in MATERIAL_STATES if s != "commitment" or code in commitment],
                widget=forms.RadioSelect,
                initial="missing",
                required=False,
            )
        if grouped:
            self.fields["items"] = forms.MultipleChoiceField(
                label=_("Items applied for"),
                choices=[(i.code, f"{i.code} {i.name if chinese() else i.name_en or i.name}") for i in items],
                widget=forms.CheckboxSelectMultiple,
            )

    def section(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    @property
    def applicant_section(self) -> list[forms.BoundField]:
        return [self[name] for name in ("applicant_id_number", "applicant_name", "district_code", "phone")]

    @property
    def schema_section(self) -> list[forms.BoundField]:
        return self.section("f_")

    @property
    def material_section(self) -> list[forms.BoundField]:
        return self.section("m_")

    def clean_applicant_id_number(self) -> str:
        try:
            return id_number_validate(self.cleaned_data["applicant_id_number"]).number
        except ShebaoError as error:
            raise forms.ValidationError(error_text(error)) from None

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise forms.ValidationError(_("Enter an 11-digit mobile number."))
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not str(cleaned.get("submission") or "").strip():  # shown above the form, not at a hidden input
            raise forms.ValidationError(_("This page is out of date: open the form again."))
        return cleaned

    @property
    def submission_key(self) -> str:
        return str(self.cleaned_data["submission"]).strip()

    def applicant_kwargs(self) -> ApplicantKwargs:
        return {
            "id_number": self.cleaned_data["applicant_id_number"],
            "name": self.cleaned_data["applicant_name"],
            "district_code": self.cleaned_data["district_code"],
        }

    def schema_values(self, applicant: Applicant) -> dict[str, Any]:
        """The item form as the catalogue expects it: JSON-able values, blanks left out."""
        values: dict[str, Any] = {}
        for name in self.schema:
            value = self.cleaned_data.get(f"f_{name}")
            if value is None or value == "" or value is False:
                continue
            if value is True:
                value = "true"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            values[name] = value
        values.update({"id_number": applicant.id_number, "name": applicant.name, "phone": self.cleaned_data["phone"]})
        return values

    def material_states(self) -> dict[str, str]:
        states = {code: self.cleaned_data.get(f"m_{code}") or "missing" for code in self.materials}
        return {code: state for code, state in states.items() if state in MATERIAL_STATES}

    def add_domain_error(self, error: ShebaoError) -> None:
        """Show a service's refusal beside the input it names (or above the form)."""
        field = error.field or ""
        candidates = [
            FROM_APPLICANT.get(field, ""),
            f"f_{field}",
            field,
            "district_code" if field == "district" else "",
            f"m_{field.removeprefix('materials.')}" if field.startswith("materials.") else "",
        ]
        target = next((c for c in candidates if c and c in self.fields), None)
        self.add_error(target, error_text(error))
