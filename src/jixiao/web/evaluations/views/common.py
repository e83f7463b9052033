"""Helpers shared by the views: JSON responses and the decorator that turns refusals into JSON."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse


def json_response(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def json_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A JSON endpoint: login required, POST only, refusals and bad bodies as JSON with a Chinese message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_response({"ok": False, "message": "登录已过期，请重新登录（未保存的修改仍在页面上）"}, 401)
        if request.method != "POST":
            return json_response({"ok": False, "message": "只接受 POST 请求"}, 405)
        try:
            return view(request, *args, **kwargs)
        except Http404 as exc:
            return json_response({"ok": False, "message": str(exc) or "没有找到"}, 404)
        except PermissionDenied as exc:
            return json_response({"ok": False, "message": str(exc) or "无权执行此操作"}, 403)

    return wrapper


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; a body that is not one is refused with the reason."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadBody(f"请求内容不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise BadBody("请求内容应为 JSON 对象")
    return data


class BadBody(Exception):
    pass
