"""Who a case is about. The registry knows persons and employments; the engine must not import
it, so the registry registers, at start-up (``AppConfig.ready``), the resolver of a person by ID
number, the tie between a unit and a person, and who may see a registered person (its
``persons_visible``) into the registries below.

What a filer learns of the registry when they name an ID number (SECURITY.md, "Who may see and
do what"): a filer who may see the person gets the registered name and district filled in; any
other filer — a window of another district, a bank outlet, a unit for a stranger — types the
name and is answered as for an ID number nobody registered, whatever the item, so that opening
a case is no way to read a registered name (``applicant_for``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.http import citizen_id_number
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


class PersonSight(Protocol):
    """May ``actor`` see the registered person with this ID number (the registry's
    ``persons_visible``, the check its person pages make)? Registered by the registry; without
    it no staff member sees anyone through a filing."""

    def __call__(self, actor: Account, id_number: str, /) -> bool: ...


class NameMatch(Protocol):
    """Is ``given`` the registered name ``registered`` (the registry's own comparison)?"""

    def __call__(self, given: str, registered: str, /) -> bool: ...


SIGHT = "sight"
NAME = "name"
# "sight" -> the registry's "may this actor see this person"
person_sights: Registry[str, PersonSight] = Registry("person sights")
# "name" -> the registry's comparison of a given name with the registered one
name_matches: Registry[str, NameMatch] = Registry("name matches")


def register_person_checks(*, sight: PersonSight, name_match: NameMatch) -> None:
    person_sights.register(SIGHT, sight)
    name_matches.register(NAME, name_match)


def _sees(filed_by: Account, number: str) -> bool:
    """Whether ``filed_by`` may learn what the registry holds of ``number``'s person. A citizen's
    own number (the grantor's while acting, confirmed this request): always theirs to see."""
    if filed_by.kind == Account.Kind.CITIZEN:
        return number == citizen_id_number(filed_by).upper()
    if filed_by.kind == Account.Kind.UNIT:
        return unit_employs(unit_code=filed_by.unit_code or "", id_number=number)
    sight = person_sights.find(SIGHT)
    return bool(sight and sight(filed_by, number))


def _name_matches(given: str, registered: str) -> bool:
    match = name_matches.find(NAME)
    return match(given, registered) if match else given.strip() == registered.strip()


def _name_mismatch() -> InvalidInput:
    """The registry's words (``registry.services.name_mismatch``): which name is registered is
    not said."""
    return InvalidInput(
        "姓名与该身份证号码的参保登记信息不一致，请按居民身份证核对后重新填写",
        "The name does not match the registration of this ID number; check it against the ID card",
        field="applicant_name",
    )


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

    ``filed_by``: who files (None: the platform itself, which sees everyone).

    - A citizen files for themselves only, or for the grantor they act for while the
      authorisation holds: any other ID number is refused (403) before anything is looked up,
      registered or not.
    - A filer who may not see the person (:class:`PersonSight`: a window of another district, a
      bank outlet; a unit for someone it never employed) is answered as for an ID number the
      registry does not know: without a name, the same request for one; with a bad district
      code, the same refusal; and all of it before the item is looked at, so the item code
      changes nothing. It never learns the registered name or account.
    - Such a filer's case (a unit's aside) still concerns the registered person (通办 of
      receipt: received here, routed to the person's district, whose office the case then
      shows): so the name given must be the registered one, else the registry's
      ``name_mismatch``, which does not say that name (as for a unit's 增员; a wrong name thus
      tells that the number is registered, as there), and the case carries the name as given.
      A unit's case for a stranger (an item about the unit itself; ``_check_subject`` refuses
      the rest) carries the name and district it gave.
    """
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
    if filed_by is not None and filed_by.kind == Account.Kind.CITIZEN and not _sees(filed_by, number):
        # the words of opening's own check (_check_may_open), said before any look-up
        raise NotAllowed("只能为本人申请", "You may apply for yourself only")
    resolve = resolvers.find(PERSON)
    known = resolve(number) if resolve else None
    if known is not None and (filed_by is None or _sees(filed_by, number)):
        return Applicant(
            id_number=known.id_number,
            name=known.name,
            district=known.district,
            account=account or known.account,
            unit_code=unit_code,
        )
    # From here on, the answer is the one for an unregistered number, whatever the registry says.
    if not name.strip():
        raise InvalidInput("请填写申请人姓名", "Give the applicant's name", field="applicant_name")
    district = None
    if district_code:
        district = Area.objects.filter(code=district_code, kind__in=[Area.Kind.DISTRICT, Area.Kind.ZONE]).first()
        if district is None:
            raise InvalidInput(
                f"区划代码 {district_code} 不存在", f"Unknown district code {district_code}", field="district_code"
            )
    if known is not None and filed_by is not None and filed_by.kind != Account.Kind.UNIT:
        if not _name_matches(name, known.name):
            raise _name_mismatch()
        return Applicant(
            id_number=known.id_number,
            name=name.strip(),
            district=known.district,
            account=account or known.account,
            unit_code=unit_code,
        )
    return Applicant(id_number=number, name=name.strip(), district=district, account=account, unit_code=unit_code)
