"""The app's six functions as mobile pages under /app/ (installable: a web app manifest and a
service worker), Chinese with English, large text, and the same pages for the community
self-service screens (``?kiosk=1``: larger text, no sign-in, nothing personal).

Each page parses its query and calls one selector of the app that owns the data: content
(policies, employment notices), the catalogue (guides, nearby service points), core's outbox
(messages). The service worker (``sw.js``) keeps the guides and the last nearby result for a
weak signal; personal pages are never cached (a kiosk or a shared phone)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from shebao.catalog.models import ServiceItem
from shebao.catalog.outlets import outlets_nearby
from shebao.catalog.selectors import item_get, items_list
from shebao.content.models import JobNotice
from shebao.content.rules import QUERY_MAX
from shebao.content.selectors import jobs_list, policies_search
from shebao.core.errors import NotFound
from shebao.core.geo import gcj02_to_wgs84
from shebao.core.models import Account
from shebao.core.notify import notifications_of
from shebao.core.org import office_day
from shebao.mobile.icons import SIZES, icon_png

KIOSK_COOKIE = "shebao_kiosk"
LIST_MAX = 30
NEARBY_LIMIT = 10
# The nearby page alone may ask for the position (the site's default policy denies it).
NEARBY_PERMISSIONS = "camera=(), microphone=(), geolocation=(self)"
SW_VERSION = "shebao-app-v1"


def kiosk_mode(request: HttpRequest) -> bool:
    """``?kiosk=1`` turns the self-service screen mode on (remembered in a cookie for the
    screen's browser), ``?kiosk=0`` off."""
    flag = request.GET.get("kiosk")
    if flag in ("0", "1"):
        return flag == "1"
    return request.COOKIES.get(KIOSK_COOKIE) == "1"


def _page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    kiosk = kiosk_mode(request)
    large = kiosk or bool(getattr(request, "large_text", False))
    response = render(request, template, {**context, "kiosk": kiosk, "large_text": large}, status=status)
    flag = request.GET.get("kiosk")
    if flag == "1":
        response.set_cookie(KIOSK_COOKIE, "1", samesite="Lax", httponly=True, secure=settings.SESSION_COOKIE_SECURE)
    elif flag == "0":
        response.delete_cookie(KIOSK_COOKIE)
    return response


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:QUERY_MAX]


def _personal(request: HttpRequest) -> Account | None:
    """The signed-in person, unless this is a self-service screen (nothing personal there)."""
    user = request.user
    if kiosk_mode(request) or not user.is_authenticated or not isinstance(user, Account):
        return None
    return user


# --- the six functions -------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, "mobile/home.html", {})


@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    rows = list(policies_search(query=query)[:LIST_MAX])
    return _page(request, "mobile/policies.html", {"query": query, "rows": rows})


@require_GET
def guides(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    rows = list(items_list(query=query)[:200])
    return _page(request, "mobile/guides.html", {"query": query, "rows": rows})


@require_GET
def guide(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item = item_get(code=code[:32], with_structure=True)
        if not item.is_active:
            raise NotFound(f"服务事项 {code} 不存在", f"Service item {code} does not exist")
    except NotFound as error:
        return _page(request, "mobile/error.html", {"error": error}, status=404)
    return _page(request, "mobile/guide.html", {"item": item, "channels": _channels(item)})


def _channels(item: ServiceItem) -> list[str]:
    from shebao.core.channels import Channel

    labels = dict(Channel.choices)
    return [str(labels.get(c, c)) for c in item.channels]


@require_GET
def me(request: HttpRequest) -> HttpResponse:
    person = _personal(request)
    links: list[tuple[str, str]] = []
    if person is not None and person.kind == Account.Kind.CITIZEN:
        links = [
            ("我的办件 / My cases", reverse("web:my_cases")),
            ("我的缴费记录 / My contributions", reverse("web:my_contributions")),
            ("我的个人账户 / My account", reverse("web:my_account")),
            ("我的权益记录单 / My rights statements", reverse("statements:mine")),
            ("我的养老金 / My pension", reverse("pensions:my_pension")),
            ("我的关系转移 / My pension transfers", reverse("pensions_transfers:list")),
            ("我的失业保险金 / My unemployment benefit", reverse("unemployment:mine")),
            ("我的医保 / My medical insurance", reverse("medical:mine")),
            ("记录单寄送方式 / Statement delivery", reverse("statement_mailing:delivery")),
        ]
    return _page(request, "mobile/me.html", {"person": person, "links": links})


@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in JobNotice.Kind.values else ""
    rows = list(jobs_list(kind=kind or None)[:LIST_MAX])
    return _page(request, "mobile/jobs.html", {"rows": rows, "kind": kind, "kinds": JobNotice.Kind.choices})


@require_GET
def messages(request: HttpRequest) -> HttpResponse:
    person = _personal(request)
    rows = list(notifications_of(account=person)[:50]) if person is not None else []
    return _page(request, "mobile/messages.html", {"person": person, "rows": rows})


# --- nearby service points ---------------------------------------------------------------------


def _coordinate(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _distance(metres: int) -> str:
    if metres < 1000:
        return f"{metres} 米 / {metres} m"
    km = f"{metres / 1000:.1f}"
    return f"{km} 公里 / {km} km"


def _next_saturday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(5 - today.weekday()) % 7)


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """The nearest service points to the phone's position (the page's script asks the browser
    for it and comes back with ``lat``/``lng``; typed in, it works without script too): the
    same search as ``GET /api/v1/app/outlets/nearby``, with this Saturday's hours."""
    items = list(items_list())
    context: dict[str, Any] = {"items": items, "outlets": None, "error": None, "item_code": ""}
    status = 200
    lat_raw, lng_raw = request.GET.get("lat", "").strip(), request.GET.get("lng", "").strip()
    if lat_raw or lng_raw:
        lat, lng = _coordinate(lat_raw, -90, 90), _coordinate(lng_raw, -180, 180)
        code = request.GET.get("item", "").strip()[:32]
        item = next((i for i in items if i.code == code), None)
        context.update(lat=lat_raw[:20], lng=lng_raw[:20], item_code=item.code if item else "")
        if lat is None or lng is None:
            context["error"] = ("位置坐标不正确", "The position is not valid coordinates")
            status = 422
        elif code and item is None:
            context["error"] = (f"服务事项 {code} 不存在", f"Service item {code} does not exist")
            status = 422
        else:
            if request.GET.get("crs") == "gcj02":
                lat, lng = gcj02_to_wgs84(lat, lng)
            found = outlets_nearby(lat=lat, lng=lng, item=item, limit=NEARBY_LIMIT)
            saturday = _next_saturday(timezone.localdate())
            context["saturday"] = saturday
            context["outlets"] = [
                {
                    "outlet": o,
                    "distance": _distance(o.distance_m),
                    "saturday": office_day(office=o.office, day=saturday),
                }
                for o in found
            ]
    response = _page(request, "mobile/nearby.html", context, status=status)
    response["Permissions-Policy"] = NEARBY_PERMISSIONS
    return response


# --- installing: manifest, service worker, icons -------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "name": "武汉社保 掌上办 / Wuhan Social Insurance",
        "short_name": "武汉社保",
        "description": "人在路上走，事在手中办：政策查询、办事指南、我的信息、就业信息、消息、附近网点",
        "lang": "zh-CN",
        "dir": "ltr",
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            *(
                {"src": reverse("mobile:icon", args=[size]), "sizes": f"{size}x{size}", "type": "image/png"}
                for size in SIZES
            ),
            {
                "src": reverse("mobile:icon_maskable", args=[512]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def _icon(size: int, *, maskable: bool) -> HttpResponse:
    if size not in SIZES:
        return HttpResponse("没有这个尺寸 / No such size", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(icon_png(size=size, maskable=maskable), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def icon(request: HttpRequest, size: int) -> HttpResponse:
    return _icon(size, maskable=False)


@require_GET
def icon_maskable(request: HttpRequest, size: int) -> HttpResponse:
    return _icon(size, maskable=True)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /app/ so that its scope is /app/ (said again in the
    ``Service-Worker-Allowed`` header), never cached by the browser's HTTP cache (a new version
    is picked up on the next visit)."""
    precache = [
        reverse("mobile:home"),
        reverse("mobile:guides"),
        reverse("mobile:offline"),
        static("web/shebao.css"),
        static("mobile/app.css"),
        static("mobile/app.js"),
        reverse("mobile:manifest"),
        reverse("mobile:icon", args=[192]),
    ]
    response = render(
        request,
        "mobile/sw.js",
        {"version": SW_VERSION, "precache": json.dumps(precache)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("mobile:home")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it has not kept, without a signal."""
    return _page(request, "mobile/offline.html", {})
