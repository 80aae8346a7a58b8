"""The one JSON API (/api/v1, OpenAPI at /api/v1/openapi.json, Swagger UI at /api/v1/docs):
collects each app's router and maps domain errors to 4xx bodies with Chinese and English
messages. A route that takes a JSON body takes JSON only (415 otherwise); a route that takes
a form or files (ninja's ``Form``/``File``) reads them as Django parsed them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from shebao.cases.api import catalog_router
from shebao.cases.api import router as cases_router
from shebao.content.api import router as content_router
from shebao.contributions.api import router as calculators_router
from shebao.contributions.api_account import router as account_router
from shebao.contributions.api_batch import router as batch_router
from shebao.contributions.api_pay import router as pay_router
from shebao.core.api import router as core_router
from shebao.core.errors import ShebaoError
from shebao.medical.api import router as medical_router
from shebao.mobile.api import router as app_router
from shebao.mobile.api_personal import router as app_personal_router
from shebao.pensions.api import router as pensions_router
from shebao.pensions.api_my import router as my_pension_router
from shebao.pensions.transfers.api import router as transfers_router
from shebao.statements.api import router as statements_router
from shebao.unemployment.api import calculators_router as unemployment_calculators_router
from shebao.unemployment.api import router as unemployment_router


class NotJson(Exception):
    """A JSON route was sent a body of another content type."""


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class JsonBodyParser(Parser):
    """ninja parses any body as JSON, whatever its content type: ``application/octet-stream``
    carried a NUL past the input filter into a case note. Only a JSON content type is read."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not _is_json(request.content_type or ""):
            raise NotJson(request.content_type)
        return super().parse_body(request)


api = NinjaAPI(
    title="shebao API",
    version="1",
    description="社会保险经办服务平台接口 / Social-insurance service platform API",
    urls_namespace="api",
    parser=JsonBodyParser(),
    # Swagger UI from ninja's own files (``ninja`` is an installed app), no validator badge
    # (it loads an image from validator.swagger.io): the page asks nothing of another origin.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(ShebaoError)
def shebao_error(request: HttpRequest, exc: ShebaoError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in getattr(exc, "headers", {}).items():  # e.g. a rate limit's Retry-After
        response[name] = value
    return response


_FIELD_ZH = {
    "missing": "缺少必填项",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "int_parsing": "应为整数",
}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        kind = err.get("type", "")
        zh = (err.get("ctx") or {}).get("zh") or _FIELD_ZH.get(kind)
        zh = zh or ("日期格式应为 YYYY-MM-DD" if "date" in kind else "输入不正确")
        problems.append({"field": loc, "message": f"{loc}：{zh}", "message_en": f"{loc}: {err.get('msg', 'invalid')}"})
    body = {
        "code": "invalid",
        "message": "；".join(p["message"] for p in problems) or "输入不正确",
        "message_en": "; ".join(p["message_en"] for p in problems) or "Invalid input",
        "errors": problems,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthenticated", "message": "请先登录", "message_en": "Please sign in"}, status=401
    )


# ninja's own refusals (its CSRF check, a body it cannot parse), in the house shape and both languages
_HTTP_ERRORS = {
    403: ("forbidden", "请求校验失败（CSRF），请刷新页面后重试", "CSRF check failed: reload the page and try again"),
    400: ("bad_request", "请求内容无法解析，请以 JSON 提交", "The request body cannot be parsed: send JSON"),
}


_NOT_JSON = {
    "code": "unsupported_media_type",
    "message": "此接口只接受 JSON 请求体（Content-Type: application/json）",
    "message_en": "This endpoint takes a JSON body only (Content-Type: application/json)",
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NotJson):  # ninja wraps any parse failure in a 400
        return api.create_response(request, _NOT_JSON, status=415)
    code, zh, en = _HTTP_ERRORS.get(exc.status_code, ("error", "请求有误", str(exc)))
    return api.create_response(request, {"code": code, "message": zh, "message_en": en}, status=exc.status_code)


@api.exception_handler(RawPostDataException)
def form_sent_to_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A multipart form to a JSON route: once its fields are parsed (by the input filter or the
    CSRF check) the raw body is gone, and ninja's read of it failed with a 500."""
    return api.create_response(request, _NOT_JSON, status=415)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    body = {"code": "too_large", "message": "提交的内容过大", "message_en": "The request body is too large"}
    return api.create_response(request, body, status=413)


@api.exception_handler(MultiPartParserError)
def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    body = {"code": "bad_request", "message": "表单数据格式错误", "message_en": "Malformed multipart form data"}
    return api.create_response(request, body, status=400)


api.add_router("/", core_router)
api.add_router("/catalog", catalog_router)
api.add_router("/", cases_router)
api.add_router("/calculators", calculators_router)
api.add_router("/", account_router)
api.add_router("/", pay_router)
api.add_router("/", batch_router)
api.add_router("/", pensions_router)
api.add_router("/", my_pension_router)
api.add_router("/", transfers_router)
api.add_router("/", statements_router)
api.add_router("/calculators", unemployment_calculators_router)
api.add_router("/", unemployment_router)
api.add_router("/", medical_router)
api.add_router("/app", app_router)
api.add_router("/app", app_personal_router)
api.add_router("/", content_router)
