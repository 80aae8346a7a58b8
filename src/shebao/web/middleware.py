"""Response headers, the large-text (适老化) mode, and refusing NUL characters."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

LARGE_TEXT_COOKIE = "shebao_large_text"

# Everything is served from our own origin: no CDN, no inline script.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/") and not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LargeTextMiddleware:
    """Sets ``request.large_text`` from the cookie the 大字版 switch writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.large_text = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character anywhere in a request (path, query, form fields or JSON body) is refused
    with a 400 before any view runs: PostgreSQL cannot store one, and a text column given one
    failed with a 500. Uploaded files are binary and not looked at."""

    MESSAGE = ("请求中含有不允许的空字符（NUL）", "The request contains a NUL character")
    _TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            zh, en = self.MESSAGE
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": zh, "message_en": en}, status=400)
            return HttpResponseBadRequest(f"{zh} / {en}", content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.content_type.startswith(self._TEXT_BODIES):
            try:
                body = request.body
            except RequestDataTooBig:
                return False  # refused later, by the view's own limit
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body.lower()
        if request.content_type == "multipart/form-data" and request.method == "POST":
            try:  # the text fields only (Django keeps the parse for the view)
                return any("\x00" in value for _, values in request.POST.lists() for value in values)
            except (MultiPartParserError, RequestDataTooBig):
                return False  # malformed or too large: refused by the view's own handling
        return False
