"""The person page, the search by ID number and the clerk's "show full number".

Views are parameter parsing plus one selector call; the selector decides who sees whom
(``shebao.registry.selectors``). ``NotFound`` becomes the 404 page and ``NotAllowed`` the 403
page, each with the error's own message in both languages, Chinese first.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.identifiers import mask_id_number, mask_phone
from shebao.core.models import Account, Office
from shebao.registry import selectors
from shebao.registry.models import Person

# Staff roles that may look a person up by number (a bank agent does card services only).
SEARCH_ROLES = selectors.DISTRICT_SCOPED_ROLES | selectors.CITY_WIDE_ROLES

_OFFICE_CHANNEL: dict[str, str] = {
    Office.Kind.COMMUNITY_CENTRE: Channel.COMMUNITY,
    Office.Kind.BANK_OUTLET: Channel.BANK,
    Office.Kind.HOTLINE: Channel.HOTLINE,
    Office.Kind.KIOSK: Channel.KIOSK,
}


def channel_for(user: Account) -> str:
    """The door a page request comes through: staff by their office's kind, the public online."""
    if user.kind == Account.Kind.STAFF and user.office is not None:
        return _OFFICE_CHANNEL.get(user.office.kind, Channel.HALL)
    return Channel.ONLINE


def error_page(request: HttpRequest, error: ShebaoError, *, link: tuple[str, str, str] | None = None) -> HttpResponse:
    """The house error page for a domain error, with its status (404, 403, 422 …): the message
    in Chinese, then English, whatever the page's language; ``link`` (url, zh, en), a page the
    visitor may have meant. To htmx, the message alone, swapped where the answer was expected
    (base.html's ``responseHandling``)."""
    if getattr(request, "htmx", False):
        return render(request, "web/_error_notice.html", {"error": error}, status=error.status)
    template = {404: "404.html", 403: "403.html"}.get(error.status, "web/error.html")
    context: dict[str, object] = {"error": error}
    if link is not None:
        url, zh, en = link
        context["error_link"] = {"url": url, "zh": zh, "en": en}
    return render(request, template, context, status=error.status)


def _person_context(request: AccountRequest, person: Person, *, revealed: bool = False) -> dict[str, object]:
    actor = request.user
    own = selectors.person_shows_full_id(actor=actor, person=person)
    return {
        "person": person,
        "id_number_shown": person.id_number if own or revealed else mask_id_number(person.id_number),
        "id_number_full": own or revealed,
        "phone_shown": person.phone if own else mask_phone(person.phone),
        "may_reveal": not own and not revealed and actor.role in selectors.REVEAL_ROLES,
        "employments": selectors.person_employments(actor=actor, person=person),
        "is_own": own,
    }


@require_GET
@signed_in
def person_detail(request: AccountRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        person = selectors.person_get(actor=user, person_id=pk, channel=channel_for(user))
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "registry/person.html", _person_context(request, person))


@require_POST
@signed_in
def person_reveal(request: AccountRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        person = selectors.person_reveal_id_number(actor=user, person_id=pk, channel=channel_for(user))
    except ShebaoError as error:
        return error_page(request, error)
    context = _person_context(request, person, revealed=True)
    if getattr(request, "htmx", False):
        return render(request, "registry/_id_number.html", context)
    return render(request, "registry/person.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def person_search(request: AccountRequest) -> HttpResponse:
    """Staff look a person up by ID number; the result is the person page (audited)."""
    user = request.user
    if user.kind != Account.Kind.STAFF or user.role not in SEARCH_ROLES:
        return error_page(
            request,
            NotAllowed("您的账户不能查询参保人", "Your account may not look up insured persons"),
        )
    if request.method == "GET":
        return render(request, "registry/search.html", {"id_number": ""})
    raw = request.POST.get("id_number", "")
    try:
        person = selectors.person_find_by_id_number(actor=user, id_number=raw, channel=channel_for(user))
    except NotFound as error:
        return render(request, "registry/search.html", {"id_number": raw, "error": error}, status=404)
    except InvalidInput as error:
        return render(request, "registry/search.html", {"id_number": raw, "error": error}, status=422)
    return render(request, "registry/person.html", _person_context(request, person))
