"""Helpers shared by the views: JSON responses and the decorator that turns refusals into JSON."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse


def json_response(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def json_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A JSON endpoint: login required; refusals and bad bodies (:class:`BadBody`) as JSON with a Chinese message.

    The view checks access first and the method after (:func:`require_post`), so a
    request for another unit's object is 404 whatever its method.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_response({"ok": False, "message": "登录已过期，请重新登录（未保存的修改仍在页面上）"}, 401)
        try:
            return view(request, *args, **kwargs)
        except WrongMethod:
            return json_response({"ok": False, "message": "只接受 POST 请求"}, 405)
        except BadBody as exc:
            return json_response({"ok": False, "message": str(exc), "problems": []}, 400)
        except RequestDataTooBig:
            return json_response({"ok": False, "message": "请求内容过大", "problems": []}, 413)
        except Http404 as exc:
            return json_response({"ok": False, "message": str(exc) or "没有找到"}, 404)
        except PermissionDenied as exc:
            return json_response({"ok": False, "message": str(exc) or "无权执行此操作"}, 403)

    return wrapper


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object under the platform's input policy (:mod:`jixiao.web.limits`: size, nesting,
    number length, no NUL or control characters); a body that is not one is refused with the reason."""
    from ...limits import PolicyError, loads

    try:
        data = loads(request.body)
    except PolicyError as exc:
        raise BadBody(exc.message) from None
    if not isinstance(data, dict):
        raise BadBody("请求内容应为 JSON 对象")
    return data


class BadBody(Exception):
    pass


class WrongMethod(Exception):
    pass


def require_post(request: HttpRequest) -> None:
    """Called by a view *after* its access check: anything but POST is refused with 405."""
    if request.method != "POST":
        raise WrongMethod


def post_only_page(request: HttpRequest) -> HttpResponse | None:
    """For page views: a 405 response for anything but POST (after the access check), else None."""
    if request.method != "POST":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["POST"])
    return None
