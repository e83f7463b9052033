"""One input policy for every door: the editor's JSON endpoints, the open API, the forms and uploads.

* A request body that is not a file upload is at most :data:`MAX_BODY` (5 MB); an upload at most
  ``JIXIAO_MAX_UPLOAD`` (20 MB, the readers' own limit) plus its form. A larger body is refused
  with 413 before it is read.
* JSON (:func:`loads`): UTF-8; nesting at most :data:`MAX_DEPTH` deep; no number longer than
  :data:`MAX_DIGITS` digits (``int('9' * 5000)`` is slow and Python refuses it anyway); no NaN or
  Infinity; no NUL or other control character in any text (PostgreSQL refuses NUL, and a stored
  NUL breaks every later save); decimals kept as their text, never floats.

A refusal is :class:`PolicyError` with a Chinese message naming the place (``document.unit``); each
door turns it into its own error shape (the editor's ``{"ok": false, "message"}``, the API's
``{"detail"}``). The same checks serve the readers' output and the CLI (:func:`check`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

MAX_BODY = 5 * 1024 * 1024
"""A JSON or form body (not a file upload): a document is some tens of kilobytes."""
MAX_DEPTH = 64
"""Nesting of objects and arrays; a document is about 8 deep."""
MAX_DIGITS = 40
"""Digits of one number: an amount in 万元 has at most some 15."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters refused in text: NUL and the other controls (tab, line feed and carriage return pass)."""


class PolicyError(ValueError):
    """Input refused by the policy; ``message`` in Chinese names the place."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message, self.path = message, path


def _number(text: str) -> str:
    if len(text.lstrip("-").replace(".", "").split("e")[0].split("E")[0]) > MAX_DIGITS or len(text) > MAX_DIGITS + 8:
        raise PolicyError(f"数字位数过多（{len(text)} 位，最多 {MAX_DIGITS} 位）")
    return text


def _integer(text: str) -> int:
    _number(text)
    return int(text)


def _constant(name: str) -> Any:  # noqa: ANN401
    raise PolicyError(f"JSON 中不允许 {name}（请写成数字或字符串）")


def loads(raw: bytes | str, what: str = "请求内容") -> Any:  # noqa: ANN401
    """Parse JSON under the policy; :class:`PolicyError` with the reason and place otherwise."""
    if len(raw) > MAX_BODY:
        raise PolicyError(f"{what}过大（{len(raw)} 字节，上限 {MAX_BODY // (1024 * 1024)} MB）")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"{what}不是 UTF-8 编码的文本（第 {exc.start} 字节）") from None
    depth = _max_depth(raw)
    if depth > MAX_DEPTH:
        raise PolicyError(f"{what}的 JSON 嵌套过深（{depth} 层，最多 {MAX_DEPTH} 层）")
    try:
        data = json.loads(raw, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except PolicyError:
        raise
    except json.JSONDecodeError as exc:
        raise PolicyError(f"{what}不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    except (RecursionError, ValueError) as exc:
        raise PolicyError(f"{what}无法解析：{exc}") from None
    check(data)
    return data


def _max_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, in one pass (so json.loads never recurses deep)."""
    depth = deepest = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif c in "]}":
            depth -= 1
    return deepest


def check(data: Any, path: str = "") -> Any:  # noqa: ANN401
    """Walk parsed data: depth, text characters, number sizes; returns ``data`` or raises :class:`PolicyError`."""
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PolicyError(f"嵌套过深（超过 {MAX_DEPTH} 层）", where)
        if isinstance(item, dict):
            for k, v in item.items():
                text(k, f"{where}（键）" if where else "键")
                stack.append((v, f"{where}.{k}" if where else str(k), depth + 1))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(item))
        elif isinstance(item, str):
            text(item, where)
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise PolicyError(f"「{where}」不是有限的数字", where)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= 10 ** MAX_DIGITS:
            raise PolicyError(f"「{where}」数字位数过多（最多 {MAX_DIGITS} 位）", where)
    return data


def text(value: str, where: str = "") -> str:
    """A text with no NUL or other control character and no lone surrogate; :class:`PolicyError` otherwise."""
    m = CONTROL.search(value)
    if m:
        code = f"\\u{ord(m.group()):04x}"
        name = "NUL 字符" if m.group() == "\x00" else "控制字符"
        place = f"「{where}」" if where else ""
        raise PolicyError(f"{place}含有{name}（{code}，第 {m.start() + 1} 个字符），请删除后再提交", where)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PolicyError(f"「{where}」含有无法编码的字符（孤立的 UTF-16 代理项）", where) from None
    return value


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class InputPolicyMiddleware:
    """Refuses a body over the limit (413) before any view reads it, in the shape of the door it came to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        size = _declared_length(request)
        upload = request.content_type == "multipart/form-data"
        limit = settings.JIXIAO_MAX_UPLOAD + 1024 * 1024 if upload else MAX_BODY
        if request.path.startswith("/jobs/") and upload:
            limit = getattr(settings, "JIXIAO_MAX_JOB_UPLOAD", 200 * 1024 * 1024 + 1024 * 1024)
        if size > limit:
            message = f"请求内容过大（{size} 字节，上限 {limit // (1024 * 1024)} MB）"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413, json_dumps_params={"ensure_ascii": False})
            if request.headers.get("Content-Type", "").startswith("application/json") or request.path.endswith(
                    ("/save/", "/analyse/", "/evidence/")):
                return JsonResponse({"ok": False, "message": message, "problems": []}, status=413,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
