"""Response headers, the large-text (适老化) mode, the API's errors as JSON, and refusing text
that no page or column can hold before any view sees it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from shebao.core.errors import InvalidInput, ShebaoError

LARGE_TEXT_COOKIE = "shebao_large_text"
API_PREFIX = "/api/"
API_DOCS = "/api/v1/docs"

# Everything is served from our own origin: no CDN, no inline script.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    """The CSP on every page but the admin's (Django's admin has inline scripts): the API's
    Swagger UI (/api/v1/docs) is served from ninja's own files and runs under it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LargeTextMiddleware:
    """Sets ``request.large_text`` from the cookie the 大字版 switch writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.large_text = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"  # type: ignore[attr-defined]  # our own mark
        return self.get_response(request)


# --- The API answers JSON, whatever went wrong ----------------------------------------------

_API_STATUS = {
    400: ("bad_request", "请求有误", "Bad request"),
    403: ("forbidden", "无权访问", "Forbidden"),
    404: ("not_found", "接口不存在", "No such API endpoint"),
    405: ("method_not_allowed", "该接口不支持此请求方法", "This endpoint does not accept this method"),
    413: ("too_large", "提交的内容过大", "The request body is too large"),
    500: ("server_error", "服务器内部错误，请稍后重试或拨打 12333", "Internal server error: try again later"),
}


class ApiJsonErrorsMiddleware:
    """Under /api/ every refusal is the house JSON body (code, Chinese and English message),
    never an HTML error page: ninja's own 405, Django's 500 page after an unhandled exception
    (logged by Django as usual), a 404 or 400 from outside ninja. The outermost middleware, so
    it also sees what the others answer. Swagger UI's page (/api/v1/docs) is HTML by design."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or request.path.startswith(API_DOCS)
            or response.streaming
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        code, zh, en = _API_STATUS.get(status, ("error", "请求有误", "The request failed"))
        if status >= 500 and status not in _API_STATUS:
            code, zh, en = _API_STATUS[500]
        answer = JsonResponse({"code": code, "message": zh, "message_en": en}, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer


# --- Text no page or column can hold --------------------------------------------------------

NUL = ("请求中含有不允许的空字符（NUL）", "The request contains a NUL character")
NOT_UNICODE = (
    "请求中含有无效的字符（孤立的代理码位或非 UTF-8 编码），请检查输入",
    "The request contains text that is not valid Unicode (a lone surrogate or bytes that are not UTF-8)",
)
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


class _Refused(Exception):
    def __init__(self, message: tuple[str, str], status: int, field: str = "") -> None:
        super().__init__(message[1])
        self.message, self.status, self.field = message, status, field


def _raw(value: str) -> bytes:
    """A WSGI environ string as the bytes the client sent (PEP 3333 decodes them as latin-1)."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:  # already decoded (ASGI): a lone surrogate stays undecodable
        return value.encode("utf-8", "surrogatepass")


def _check_bytes(data: bytes, field: str = "") -> None:
    if b"\x00" in data:
        raise _Refused(NUL, 400, field)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(NOT_UNICODE, 422, field) from None


def _check_form(raw: bytes) -> None:
    """``a=1&b=2`` as sent: each name and value, percent-decoded, must be UTF-8 without NUL."""
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        field = name_bytes.decode("utf-8", "replace")
        _check_bytes(name_bytes, field)
        _check_bytes(unquote_to_bytes(value.replace(b"+", b" ")), field)


def _check_text(value: str, field: str) -> None:
    if "\x00" in value:
        raise _Refused(NUL, 400, field)
    try:
        value.encode("utf-8")  # fails exactly on a lone surrogate (U+D800-U+DFFF)
    except UnicodeEncodeError:
        raise _Refused(NOT_UNICODE, 422, field) from None


def _check_json(node: Any, path: str = "") -> None:
    if isinstance(node, str):
        _check_text(node, path)
    elif isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            _check_text(str(key), where)
            _check_json(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_json(value, f"{path}[{index}]")


class RefuseBadTextMiddleware:
    """Refuses, before any view runs, text that no page can show and no column can hold:

    * a NUL character (400): PostgreSQL cannot store one, and it was stored in a case note
      through ``Content-Type: application/octet-stream``: it is refused in the path, the query,
      every form field and every body whatever its content type (uploaded files excepted);
    * text that is not Unicode (422): a lone surrogate escaped in JSON (``"\\ud800"``, stored
      then the staff case page answered 500 on every view) and bytes that are not UTF-8, raw in
      a body or percent-escaped (``%ED%A0%80``) in the query or a urlencoded form (in the path
      Django itself keeps such bytes percent-escaped, as plain ASCII text).

    The API answers the house JSON body, a page the house error page (or its notice, to htmx).
    A multipart form's fields are checked once Django has parsed them (files are binary and
    not looked at); Django decodes their text itself and cannot pass on a surrogate.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            self._check(request)
        except _Refused as refused:
            return self._answer(request, refused)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        _check_bytes(_raw(request.META.get("PATH_INFO", "")), "path")
        query = _raw(request.META.get("QUERY_STRING", ""))
        if query:
            _check_form(query)
        content_type = request.content_type or ""
        if content_type == _MULTIPART:
            if request.method == "POST":
                self._check_multipart(request)
            return
        try:
            body = request.body
        except RequestDataTooBig:
            return  # refused by the view's own limit (413)
        if not body:
            return
        if content_type == _FORM:
            _check_form(body)
            return
        if b"\x00" in body:
            raise _Refused(NUL, 400)
        if content_type.startswith("text/") or "json" in content_type:
            _check_bytes(body)
        if b"\\u" in body:
            # An escape may stand for NUL or a lone surrogate: read it as the API would.
            try:
                data = json.loads(body)
            except ValueError:
                return  # not JSON: the API refuses it itself (400/415), pages do not read it
            _check_json(data)

    @staticmethod
    def _check_multipart(request: HttpRequest) -> None:
        try:  # the text fields only (Django keeps the parse for the view)
            fields = list(request.POST.lists())
        except (MultiPartParserError, RequestDataTooBig):
            return  # malformed or too large: refused by the view's own handling
        for name, values in fields:
            _check_text(name, name)
            for value in values:
                _check_text(value, name)

    @staticmethod
    def _answer(request: HttpRequest, refused: _Refused) -> HttpResponseBase:
        zh, en = refused.message
        if request.path.startswith(API_PREFIX):
            code = "invalid" if refused.status == 422 else "bad_request"
            body = {"code": code, "message": zh, "message_en": en}
            if refused.field and refused.field != "path":
                # the name as sent may hold the bad character itself: never echo it back
                body["field"] = refused.field.replace("\x00", "").encode("utf-8", "replace").decode()
            return JsonResponse(body, status=refused.status)
        error: ShebaoError = InvalidInput(zh, en) if refused.status == 422 else ShebaoError(zh, en)
        template = "web/_error_notice.html" if request.headers.get("HX-Request") else "web/error.html"
        return render(request, template, {"error": error}, status=refused.status)
