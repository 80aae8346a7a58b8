"""Response headers and the large-text (适老化) mode."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
