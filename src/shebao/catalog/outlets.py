"""Nearby service points (附近服务网点): which offices offer an item, how far they are from a
point, whether they are open now (Asia/Shanghai) and, if not, when they next open.

An office offers an item when it is active, has coordinates, is of a kind the item names
(``office_kinds``) and the item may be done on that kind's channel (a bank outlet: the bank
channel; a community centre: the community window; a kiosk: the kiosk; the agency's own
offices: the hall). Hours are :func:`shebao.core.org.office_day`'s, the one answer on hours:
a holiday closes, an ordinary Saturday at the agency's halls is the Saturday service, which
offers only its own set of items; the listed offices' hours are read at once, two queries for
the whole list (:func:`shebao.core.org.office_hours_book`). Distances are great-circle (haversine) metres from WGS-84
coordinates, computed on the offices inside a bounding box that widens until enough are found.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from shebao.catalog.models import ServiceItem
from shebao.core.channels import Channel
from shebao.core.models import Office
from shebao.core.org import OfficeDay, OfficeHoursBook, office_hours_book

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
# The channel through which people are served at each kind of office.
KIND_CHANNEL: dict[str, str] = {
    Office.Kind.CITY_CENTRE: Channel.HALL,
    Office.Kind.DISTRICT_OFFICE: Channel.HALL,
    Office.Kind.MEDICAL_CENTRE: Channel.HALL,
    Office.Kind.CARD_CENTRE: Channel.HALL,
    Office.Kind.COMMUNITY_CENTRE: Channel.COMMUNITY,
    Office.Kind.BANK_OUTLET: Channel.BANK,
    Office.Kind.KIOSK: Channel.KIOSK,
}
# Bounding boxes tried in turn (half-widths in metres); the last takes the whole table.
SEARCH_RADII_M = (3_000, 10_000, 40_000, None)
LOOKAHEAD_DAYS = 21  # the longest closure (the Spring Festival with a weekend) is far shorter


@dataclass(frozen=True)
class Outlet:
    office: Office
    distance_m: int
    day: OfficeDay  # today's hours and their reason
    open_now: bool
    next_opening: dt.datetime | None  # None while open now, or nothing within LOOKAHEAD_DAYS
    waiting: int | None  # people waiting, where the hall reports it (no hall reports it yet)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _serves(*, day: OfficeDay, item: ServiceItem | None) -> bool:
    """Whether the office receives ``item`` at all on ``day`` (the Saturday service's set)."""
    return item is None or not day.saturday_only or item.saturday


def _next_opening(
    *, office: Office, item: ServiceItem | None, now: dt.datetime, book: OfficeHoursBook
) -> dt.datetime | None:
    tz = now.tzinfo
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        date = now.date() + dt.timedelta(days=offset)
        day = book.day(office=office, day=date)
        if day.open and _serves(day=day, item=item):
            return dt.datetime.combine(date, day.spans[0][0], tzinfo=tz)
    return None


def _status(
    *, office: Office, item: ServiceItem | None, now: dt.datetime, book: OfficeHoursBook
) -> tuple[OfficeDay, bool, dt.datetime | None]:
    """Today's hours, whether open now, and otherwise the next opening, from ``book`` (the
    listed offices' hours over today and the look-ahead, read once for the whole list)."""
    day = book.day(office=office, day=now.date())
    serves = _serves(day=day, item=item)
    if serves and day.open_at(now.time()):
        return day, True, None
    if serves:
        later = [opens for opens, _ in day.spans if opens > now.time()]
        if later:
            return day, False, dt.datetime.combine(now.date(), min(later), tzinfo=now.tzinfo)
    return day, False, _next_opening(office=office, item=item, now=now, book=book)


def _candidates(*, item: ServiceItem | None) -> list[str]:
    kinds = list(KIND_CHANNEL)
    if item is not None:
        kinds = [k for k in kinds if k in item.office_kinds and KIND_CHANNEL[k] in item.channels]
    return kinds


def outlets_nearby(
    *, lat: float, lng: float, item: ServiceItem | None = None, limit: int = 10, at: dt.datetime | None = None
) -> list[Outlet]:
    """The ``limit`` nearest active offices with coordinates that offer ``item`` (any service
    point when None), nearest first (ties by code), each with today's hours, whether it is
    open at ``at`` (now) and otherwise its next opening."""
    now = timezone.localtime(at or timezone.now())
    kinds = _candidates(item=item)
    if not kinds or limit < 1:
        return []
    base = Office.objects.filter(is_active=True, kind__in=kinds, latitude__isnull=False, longitude__isnull=False).only(
        "id", "code", "name", "kind", "address", "phone", "latitude", "longitude"
    )
    ranked: list[tuple[float, Office]] = []
    for radius in SEARCH_RADII_M:
        qs = base
        if radius is not None:
            dlat = radius / 111_320.0
            dlng = radius / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
            qs = qs.filter(
                latitude__gte=Decimal(f"{lat - dlat:.6f}"),
                latitude__lte=Decimal(f"{lat + dlat:.6f}"),
                longitude__gte=Decimal(f"{lng - dlng:.6f}"),
                longitude__lte=Decimal(f"{lng + dlng:.6f}"),
            )
        ranked = [
            (haversine_m(lat, lng, float(o.latitude), float(o.longitude)), o)  # type: ignore[arg-type]  # the box filter above excludes offices without coordinates
            for o in qs
        ]
        # Enough inside the box, and the farthest kept is inside its inscribed circle: no
        # office outside the box can be nearer.
        ranked.sort(key=lambda pair: (pair[0], pair[1].code))
        if radius is None or (len(ranked) >= limit and ranked[limit - 1][0] <= radius):
            break
    nearest = ranked[:limit]
    book = office_hours_book(
        offices=[office for _distance, office in nearest],
        first=now.date(),
        last=now.date() + dt.timedelta(days=LOOKAHEAD_DAYS),
    )
    outlets = []
    for distance, office in nearest:
        day, open_now, next_opening = _status(office=office, item=item, now=now, book=book)
        outlets.append(
            Outlet(
                office=office,
                distance_m=round(distance),
                day=day,
                open_now=open_now,
                next_opening=next_opening,
                waiting=None,
            )
        )
    return outlets


def guides_search(*, query: str, limit: int = 20) -> list[ServiceItem]:
    """Service guides (办事指南) for the app's search: active items whose name, English name,
    description or a material's name contains ``query``, or whose code is it; all when empty.
    (A catalogue read kept beside the outlet search while catalog.selectors is being changed.)"""
    items = ServiceItem.objects.filter(is_active=True).prefetch_related("materials").order_by("code")
    words = query.strip()
    if words:
        matching = (
            Q(name__icontains=words)
            | Q(name_en__icontains=words)
            | Q(code__iexact=words)
            | Q(description__icontains=words)
            | Q(materials__name__icontains=words)
        )
        items = items.filter(pk__in=ServiceItem.objects.filter(matching).values("pk"))
    return list(items[:limit])
