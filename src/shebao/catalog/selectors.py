"""Catalogue reads: items, their guides, and whether an item is offered at an office, on a
channel, at an hour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shebao.catalog.definitions import registered_specs
from shebao.catalog.models import ItemPhase, ItemStep, ServiceItem
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import Office
from shebao.core.org import OfficeDay, office_day

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


@dataclass(frozen=True)
class Offering:
    """What may be applied for on ``channel`` at ``office`` at the moment ``at`` (local time):
    the office's day (:func:`shebao.core.org.office_day`, the one answer on hours) and the
    catalogue's rule. Built once for a list, so a page of items costs one look-up of the day."""

    channel: str
    office: Office | None
    at: dt.datetime
    day: OfficeDay | None  # None: not a counter channel, or no office

    @property
    def counter(self) -> bool:
        return self.channel in COUNTER_CHANNELS

    @property
    def open_now(self) -> bool:
        return not self.counter or (self.day is not None and self.day.open_at(self.at.time()))

    @property
    def key(self) -> str:
        """Changes whenever what is offered may change: a cache key for lists of items."""
        if self.day is None:
            return self.channel
        return f"{self.channel}:{self.day.date}:{self.day.kind}:{int(self.open_now)}"

    def refusal(self, item: ServiceItem) -> NotAllowed | None:
        """Why ``item`` may not be applied for here now, or None."""
        if not item.is_active:
            spec = registered_specs().get(item.code)
            if spec is not None and spec.withdrawn_for:
                return NotAllowed(
                    f"服务事项“{item.name}”已停办，请办理 {spec.withdrawn_for}",
                    f"Service item {item.code} is withdrawn: apply for {spec.withdrawn_for} instead",
                )
            return NotAllowed(f"服务事项“{item.name}”已停办", f"Service item {item.code} is not offered")
        if self.channel not in item.channels:
            return NotAllowed(
                f"“{item.name}”不能通过{Channel(self.channel).label.split(' / ')[0]}办理",
                f"{item.code} cannot be applied for through channel '{self.channel}'",
                field="channel",
            )
        if not self.counter:
            return None
        if self.office is None or self.day is None:
            return NotAllowed(
                "窗口办理须指定受理机构", "A counter application needs the receiving office", field="office"
            )
        if self.office.kind not in item.office_kinds:
            return NotAllowed(
                f"{self.office.name}不受理“{item.name}”",
                f"{self.office.code} does not accept {item.code}",
                field="office",
            )
        if self.day.saturday_only and self.day.open and not item.saturday:
            return NotAllowed(
                f"“{item.name}”不在周六延时服务范围内，请于工作日办理",
                f"{item.code} is not part of the Saturday service; please come on a working day",
            )
        if not self.open_now:
            return NotAllowed(f"{self.office.name}当前不在办公时间", f"{self.office.code} is closed at this hour")
        return None

    def items(self, items: Iterable[ServiceItem]) -> list[ServiceItem]:
        """Those of ``items`` that may be applied for here now."""
        return [item for item in items if self.refusal(item) is None]


def offering_at(*, channel: str, office: Office | None, at: dt.datetime | None = None, max_age: int = 0) -> Offering:
    """The offering on ``channel`` at ``office`` at ``at`` (now). With ``max_age`` (seconds) the
    office's day may come from the shared cache, as old as that: for lists shown on every page
    view (the workbench's), never for the check a service makes before it opens a case."""
    now = timezone.localtime(at or timezone.now())
    if office is None or channel not in COUNTER_CHANNELS:
        return Offering(channel=channel, office=office, at=now, day=None)
    if not max_age:
        return Offering(channel=channel, office=office, at=now, day=office_day(office=office, day=now.date()))
    key = f"catalog:office-day:{office.pk}:{now.date().isoformat()}"
    day = cache.get(key)
    if day is None:
        day = office_day(office=office, day=now.date())
        cache.set(key, day, max_age)
    return Offering(channel=channel, office=office, at=now, day=day)


def item_offered(*, item: ServiceItem, channel: str, office: Office | None, at: dt.datetime | None = None) -> None:
    """Raise NotAllowed unless ``item`` may be applied for on ``channel`` at ``office`` now.

    Counter channels need an office of an accepting kind that is open at that hour
    (:func:`shebao.core.org.office_day`); on a day that is not a working day only the items of
    the Saturday service (周六延时服务) are offered at the agency's halls, while a 调休 working
    Saturday offers everything at weekday hours."""
    refusal = offering_at(channel=channel, office=office, at=at).refusal(item)
    if refusal is not None:
        raise refusal
