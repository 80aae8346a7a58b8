"""Template context for every page: large-text mode, the signed-in person and their navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Role
from shebao.registry.views import SEARCH_ROLES


def _nav(user: Account) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [(str(_("Home")), reverse("web:landing")), (str(_("Working-day calculator")), reverse("web:workdays"))]
    items = [(str(_("Home")), reverse("web:home"))]
    if user.kind == Account.Kind.STAFF and user.role in SEARCH_ROLES:
        items.append((str(_("Find a person")), reverse("registry:person_search")))
    if user.role == Role.ADMIN:
        items.append((str(_("Administration")), reverse("admin:index")))
    if user.kind != Account.Kind.UNIT:
        items.append((str(_("Working-day calculator")), reverse("web:workdays")))
    return items


def _display_name(user: Account) -> str:
    if not user.is_authenticated:
        return ""
    if user.full_name:
        return user.full_name
    # a citizen's username is their ID number: never print it whole in the header
    return mask_id_number(user.username) if user.kind == Account.Kind.CITIZEN else user.username


def shebao(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    context: dict = {"large_text": getattr(request, "large_text", False)}
    if user is None:
        return context
    context["nav"] = _nav(user)  # type: ignore[arg-type]
    context["display_name"] = _display_name(user)  # type: ignore[arg-type]
    if user.is_authenticated:
        context["role_label"] = user.get_role_display()  # type: ignore[union-attr]
    return context
