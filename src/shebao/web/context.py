"""Template context for every page: large-text mode, the signed-in person and their navigation."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shebao.cases.authority import HANDLING_ROLES
from shebao.contributions.selectors import refund_settling_offered
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Notification, Role
from shebao.pensions.transfers.views import STAFF_ROLES as TRANSFER_ROLES
from shebao.registry.models import Person
from shebao.registry.views import SEARCH_ROLES
from shebao.statements.mailing.services.common import is_window_staff, run_watcher_area


def _nav(user: Account, *, unread: int = 0) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [
            (str(_("Home")), reverse("web:landing")),
            (str(_("Service guide")), reverse("web:guide")),
            (str(_("Track a case")), reverse("web:track")),
            (str(_("Working-day calculator")), reverse("web:workdays")),
            (str(_("Contribution calculators")), reverse("web:calculators")),
            ("养老金测算 / Pension estimator", reverse("pensions:estimator")),
            (str(_("Verify a document")), reverse("web:verify_menu")),
        ]
    items = [(str(_("Home")), reverse("web:home"))]
    if user.kind == Account.Kind.STAFF and user.role in HANDLING_ROLES:
        items.append((str(_("Workbench")), reverse("web:workbench")))
    if user.kind in (Account.Kind.CITIZEN, Account.Kind.UNIT):
        items.append((str(_("My cases")), reverse("web:my_cases")))
    if user.kind == Account.Kind.CITIZEN:
        items.append(("网上申请 / Apply online", reverse("web:apply_index")))
        count = f" ({unread})" if unread else ""
        items.append((f"我的消息{count} / My messages{count}", reverse("web:my_messages")))
        items.append((str(_("My contributions")), reverse("web:my_contributions")))
        items.append((str(_("My account")), reverse("web:my_account")))
        items.append(("我的权益记录单 / My rights statements", reverse("statements:mine")))
        items.append(("记录单寄送方式 / Statement delivery", reverse("statement_mailing:delivery")))
        items.append(("我的养老金 / My pension", reverse("pensions:my_pension")))
        items.append(("我的关系转移 / My pension transfers", reverse("pensions_transfers:list")))
        items.append(("我的失业保险金 / My unemployment benefit", reverse("unemployment:mine")))
        items.append(("我的医保 / My medical insurance", reverse("medical:mine")))
    if user.kind == Account.Kind.UNIT:
        items.append((str(_("Bills")), reverse("web:unit_bills")))
        items.append(("职工缴费记录 / Employees' months", reverse("statements:unit")))
        items.append(("接口令牌 / API tokens", reverse("web:unit_api_tokens")))
    if user.kind == Account.Kind.STAFF and user.role == Role.CLERK:
        items.append((str(_("Arrears at the window")), reverse("web:window_arrears")))
        if is_window_staff(user):  # not the card or medical centre's windows (issue 14's review)
            items.append(("权益记录单打印 / Print rights statements", reverse("statements:window")))
    if refund_settling_offered(user):  # the contribution side of a social-insurance office
        items.append(("退差退付登记 / Refunds to record as paid", reverse("web:window_refunds")))
        items.append(("更正补差缴费单 / Correction difference bills", reverse("web:window_differences")))
    if run_watcher_area(user) is not None:  # who starts runs, and the monitors
        items.append(("权益记录单寄送 / Statement mailing", reverse("statement_mailing:runs")))
    elif is_window_staff(user):  # the post room: returned mail and the re-send list
        items.append(("退信登记 / Returned mail", reverse("statement_mailing:returns")))
    if user.kind == Account.Kind.STAFF and user.role in SEARCH_ROLES:
        items.append((str(_("Find a person")), reverse("registry:person_search")))
        items.append(("养老待遇查询 / Pension look-up", reverse("pensions:lookup")))
        items.append(("失业保险金领取 / Unemployment claims", reverse("unemployment:claims")))
        items.append(("自主择业军转干部 / Military-transferred cadres", reverse("medical:cadres")))
        items.append(("医保个人账户查询 / Medical account look-up", reverse("medical:account_lookup")))
    if user.kind == Account.Kind.STAFF and user.role in TRANSFER_ROLES:
        items.append(("养老保险关系转移 / Pension transfers", reverse("pensions_transfers:dashboard")))
    if user.kind == Account.Kind.STAFF and user.role == Role.BANK_AGENT:
        items.append(("养老金发放账户核对 / Pension card check", reverse("pensions:bank_card_check")))
    items.append((str(_("Service guide")), reverse("web:guide")))
    if user.role == Role.ADMIN:
        items.append((str(_("Administration")), reverse("admin:index")))
    if user.kind != Account.Kind.UNIT:
        items.append((str(_("Working-day calculator")), reverse("web:workdays")))
    if user.kind == Account.Kind.CITIZEN:
        items.append((str(_("Contribution calculators")), reverse("web:calculators")))
        items.append(("养老金测算 / Pension estimator", reverse("pensions:my_estimate")))
    if user.kind in (Account.Kind.CITIZEN, Account.Kind.UNIT):
        items.append((str(_("Verify a document")), reverse("web:verify_menu")))
    return items


def _display_name(user: Account, registered: str = "") -> str:
    """The name in the page header. An insured person's is the registry's current name (a name
    correction, 关键信息更正, changes the registry, not the sign-in account's copy made at
    enrolment); staff and unit operators are named by their account."""
    if not user.is_authenticated:
        return ""
    if registered:
        return registered
    if user.full_name:
        return user.full_name
    # a citizen's username is their ID number: never print it whole in the header
    return mask_id_number(user.username) if user.kind == Account.Kind.CITIZEN else user.username


def _citizen_header(user: Account) -> tuple[str, int]:
    """A citizen's registered name and unread messages (the shell's 我的消息 count), in the one
    query the header made for the name alone before."""
    unread = (
        Notification.objects.filter(account_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("account_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    name = Person.objects.filter(account_id=OuterRef("pk")).values("name")[:1]
    row = (
        Account.objects.filter(pk=user.pk)
        .annotate(registered=Subquery(name), unread=Coalesce(Subquery(unread), 0))
        .values_list("registered", "unread")
        .first()
    )
    return (row[0] or "", row[1]) if row is not None else ("", 0)


def shebao(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    context: dict[str, object] = {"large_text": getattr(request, "large_text", False)}
    if user is None:
        return context
    registered, unread = ("", 0)
    if user.is_authenticated and user.kind == Account.Kind.CITIZEN:
        registered, unread = _citizen_header(user)
    context["nav"] = _nav(user, unread=unread)
    context["display_name"] = _display_name(user, registered)
    context["unread_messages"] = unread
    if user.is_authenticated:
        context["role_label"] = user.get_role_display()
    return context
