"""Who a case is about. The registry knows persons and employments; the engine must not import
it, so the registry registers, at start-up (``AppConfig.ready``), the resolver of a person by ID
number and the tie between a unit and a person into the registries below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import credit_code_validate, id_number_validate
from shebao.core.models import Account, Area
from shebao.core.registry import Registry

Resolver = Callable[[str], Applicant | None]
PERSON = "person"
# "person" -> the registry's resolver of a person by ID number (None: not registered)
resolvers: Registry[str, Resolver] = Registry("applicant resolvers")


def register_resolver(resolver: Resolver) -> None:
    resolvers.register(PERSON, resolver)


class UnitTie(Protocol):
    """Does the unit with this credit code employ, or has it employed (``current``: employ
    today), the person with this ID number? Registered by the registry; without it no employer
    may file for a person, and no person may name an employer."""

    def __call__(self, unit_code: str, id_number: str, current: bool = False) -> bool: ...


EMPLOYMENT = "employment"
# "employment" -> the registry's tie between a unit and a person
unit_ties: Registry[str, UnitTie] = Registry("unit ties")


def register_unit_tie(tie: UnitTie) -> None:
    unit_ties.register(EMPLOYMENT, tie)


def unit_employs(*, unit_code: str, id_number: str, current: bool = False) -> bool:
    tie = unit_ties.find(EMPLOYMENT)
    return bool(tie and unit_code and tie(unit_code.upper(), id_number.upper(), current=current))


def applicant_for(
    *,
    id_number: str,
    name: str = "",
    district_code: str = "",
    unit_code: str = "",
    account: Account | None = None,
    filed_by: Account | None = None,
) -> Applicant:
    """The registered person if the registry knows them; otherwise the name and district the
    applicant gave (a first enrolment).

    ``filed_by``: who files. A unit learns a registered person's name and district only for
    someone it employs or employed (its own records show them); for anyone else it is answered
    as for an ID number the registry does not know — the name it gave, or the same request for
    a name — so a unit can neither read a stranger's name off its case list nor tell whether an
    ID number is registered."""
    number = id_number_validate(id_number, field="applicant_id_number").number
    if unit_code:
        unit_code = credit_code_validate(unit_code, field="unit_code")
    longest = Case._meta.get_field("applicant_name").max_length
    assert longest is not None  # a CharField's
    if len(name.strip()) > longest:
        raise InvalidInput(
            f"申请人姓名最多{longest}个字",
            f"The applicant's name is at most {longest} characters",
            field="applicant_name",
        )
    resolve = resolvers.find(PERSON)
    known = resolve(number) if resolve else None
    stranger = (
        filed_by is not None
        and filed_by.kind == Account.Kind.UNIT
        and not unit_employs(unit_code=filed_by.unit_code or "", id_number=number)
    )
    if stranger:
        known = None
    if known is not None:
        return Applicant(
            id_number=known.id_number,
            name=known.name,
            district=known.district,
            account=account or known.account,
            unit_code=unit_code,
        )
    if not name.strip():
        raise InvalidInput("请填写申请人姓名", "Give the applicant's name", field="applicant_name")
    district = None
    if district_code:
        district = Area.objects.filter(code=district_code, kind__in=[Area.Kind.DISTRICT, Area.Kind.ZONE]).first()
        if district is None:
            raise InvalidInput(
                f"区划代码 {district_code} 不存在", f"Unknown district code {district_code}", field="district_code"
            )
    return Applicant(id_number=number, name=name.strip(), district=district, account=account, unit_code=unit_code)
