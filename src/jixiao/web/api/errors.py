"""How the open API says no: one JSON shape, ``{"detail": "<中文说明>", …}``, for every refusal and error.

401 no or bad token · 403 refused, with the reason and who can help · 404 not found (including
another unit's evaluation) · 409 conflict (someone saved first, duplicate, wrong status) ·
413 body too large · 422 a parameter of the wrong type or out of range, naming it · 400 a
document that does not validate (with each problem's field) or a body that is not JSON.
Never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

log = logging.getLogger("jixiao.web")

MAX_JSON_BODY = 5 * 1024 * 1024
"""A document is some tens of kilobytes; five megabytes of JSON is no document."""


class ApiError(Exception):
    """A refusal with its status and body (``detail`` and any extra fields)."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.body = {"detail": detail, **extra}


class BodyTooLarge(Exception):
    pass


class BadJson(Exception):
    pass


class StrictJsonParser(Parser):
    """JSON bodies: at most :data:`MAX_JSON_BODY`; decimals kept as their text (``1e999999`` is reported as
    written, never turned into an infinite float); NaN and Infinity refused."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_JSON_BODY:
            raise BodyTooLarge
        raw = request.body
        if len(raw) > MAX_JSON_BODY:
            raise BodyTooLarge
        from ..limits import PolicyError, loads  # the platform's one input policy (the editor's too)

        try:
            return loads(raw)
        except PolicyError as exc:
            raise BadJson(exc.message) from None


# pydantic's error types in Chinese; ``{…}`` are filled from the error's context
MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多", "decimal_whole_digits": "整数位数过多", "finite_number": "应为有限的数字",
    "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为字符串", "string_too_long": "过长（最多{max_length}个字符）",
    "string_too_short": "过短（至少{min_length}个字符）", "dict_type": "应为 JSON 对象", "list_type": "应为数组",
    "model_type": "应为 JSON 对象", "model_attributes_type": "应为 JSON 对象",
    "too_long": "条目过多（最多{max_length}项）",
    "greater_than_equal": "不能小于{ge}", "greater_than": "应大于{gt}", "less_than_equal": "不能大于{le}",
    "less_than": "应小于{lt}", "literal_error": "应为以下之一：{expected}", "enum": "应为以下之一：{expected}",
    "datetime_parsing": "应为日期时间（如 2022-03-31T12:00:00+08:00）", "json_invalid": "不是有效的 JSON",
    "value_error": "{error}",
}


def _location(loc: Any) -> str:
    parts = [str(p) for p in (loc or ())]
    if len(parts) > 1 and parts[0] == "body" and parts[1] in ("body", "data", "payload"):
        parts.pop(1)  # ninja's name for the whole body
    return ".".join(parts)


def _message(error: dict[str, Any]) -> str:
    template = MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg") or "无效")
    try:
        return template.format(**{k: v for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg") or "无效")


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    items = [{"location": _location(e.get("loc")), "message": _message(e)} for e in errors]
    first = "；".join(f"{i['location']}：{i['message']}" for i in items[:5])
    more = f"（另有{len(items) - 5}项）" if len(items) > 5 else ""
    return {"detail": f"请求参数有误：{first}{more}", "errors": items}


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every failure its status and Chinese message."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="jixiao"'
        return response

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.body, exc.status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, {"detail": str(exc) or "没有找到"}, 404)

    @api.exception_handler(PermissionDenied)
    def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": str(exc) or "无权执行此操作"}, 403)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, (BodyTooLarge, RequestDataTooBig)):
            return respond(request, {"detail": f"请求内容过大（JSON 上限为 {MAX_JSON_BODY // 1024 // 1024} MB）"}, 413)
        if isinstance(cause, BadJson):
            return respond(request, {"detail": str(cause)}, 400)
        if cause is not None and exc.status_code == 400:
            return respond(request, {"detail": "请求内容不是有效的 JSON"}, 400)
        if isinstance(exc, AuthenticationError):
            return respond(request, {"detail": exc.message if exc.message != "Unauthorized" else "未认证"}, 401)
        return respond(request, {"detail": str(exc)}, exc.status_code)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, validation_body(exc.errors), 422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, {"detail": "请求内容过大"}, 413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, {"detail": "请求内容不合规范（字段或文件过多）"}, 400)

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(request, {"detail": f"上传内容（multipart/form-data）格式有误：{exc}"}, 400)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return respond(request, {"detail": "服务器内部错误，已记录；请稍后重试或联系管理员"}, 500)
