"""Catalogue reads: items, their guides, and whether an item is offered at an office, on a
channel, at an hour."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shebao.catalog.models import ItemPhase, ItemStep, ServiceItem
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import Office
from shebao.core.org import office_open_at

# Channels served at a counter: only during the office's opening hours.
COUNTER_CHANNELS = {Channel.HALL, Channel.COMMUNITY, Channel.BANK}


def items_list(*, insurance: str | None = None, channel: str | None = None, query: str = "") -> QuerySet[ServiceItem]:
    items = ServiceItem.objects.filter(is_active=True).select_related("skill_group", "form_group").order_by("code")
    if insurance:
        items = items.filter(insurance=insurance)
    if query:
        items = items.filter(name__icontains=query) | items.filter(code__iexact=query)
    if channel:
        # JSON containment is not portable to SQLite; the catalogue is small, filter in Python
        # (reading only the channels: the schemas and long texts are not decoded twice).
        codes = [code for code, channels in items.values_list("code", "channels") if channel in channels]
        items = items.filter(code__in=codes)
    return items


def item_get(*, code: str, with_structure: bool = False) -> ServiceItem:
    qs = ServiceItem.objects.select_related("skill_group", "form_group")
    if with_structure:
        qs = qs.prefetch_related(
            Prefetch(
                "phases",
                queryset=ItemPhase.objects.prefetch_related(
                    Prefetch("steps", queryset=ItemStep.objects.order_by("order"))
                ),
            ),
            "materials",
        )
    item = qs.filter(code=code).first()
    if item is None:
        raise NotFound(f"服务事项 {code} 不存在", f"Service item {code} does not exist")
    return item


def item_offered(*, item: ServiceItem, channel: str, office: Office | None, at: dt.datetime | None = None) -> None:
    """Raise NotAllowed unless ``item`` may be applied for on ``channel`` at ``office`` now.

    Counter channels need an office of an accepting kind that is open at that hour; on a
    Saturday only the items of the Saturday service (周六延时服务) are offered."""
    if not item.is_active:
        raise NotAllowed(f"服务事项“{item.name}”已停办", f"Service item {item.code} is not offered")
    if channel not in item.channels:
        raise NotAllowed(
            f"“{item.name}”不能通过{Channel(channel).label.split(' / ')[0]}办理",
            f"{item.code} cannot be applied for through channel '{channel}'",
            field="channel",
        )
    if channel not in COUNTER_CHANNELS:
        return
    if office is None:
        raise NotAllowed("窗口办理须指定受理机构", "A counter application needs the receiving office", field="office")
    if office.kind not in item.office_kinds:
        raise NotAllowed(
            f"{office.name}不受理“{item.name}”", f"{office.code} does not accept {item.code}", field="office"
        )
    now = timezone.localtime(at or timezone.now())
    if now.weekday() == 5 and not item.saturday:
        raise NotAllowed(
            f"“{item.name}”不在周六延时服务范围内，请于工作日办理",
            f"{item.code} is not part of the Saturday service; please come on a working day",
        )
    if not office_open_at(office=office, at=now):
        raise NotAllowed(f"{office.name}当前不在办公时间", f"{office.code} is closed at this hour")
