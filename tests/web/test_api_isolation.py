"""Isolation of the open API: every operation of the served schema, called with an intruder's token on another
unit's or bureau's evaluation, is 401/403/404, shows nothing of it and changes nothing.

The test walks the schema the server serves (so a new operation cannot escape it) and fills each parameter
by name; a parameter it does not know fails the test until it is added to ``VALUES`` below. It also checks
that every URL pattern under ``api/`` is an operation of that schema (nothing served outside it).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jixiao.web import access
from jixiao.web.api.models import ApiToken
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Attachment, Comment, Evaluation, Transition, Version

from .conftest import INTRUDERS, World
from .test_access import patterns

API_SCHEMA = "/api/v1/openapi.json"
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}
"""ninja's own patterns under api/v1/: the schema, its interactive page, and the root (always 404)."""



def served_schema() -> dict[str, Any]:
    response = Client().get(API_SCHEMA)
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def values_for(world: World, intruder, record) -> dict[str, Any]:  # noqa: ANN001
    """What an intruder would send, by parameter name: the target's ids, and a document the intruder holds
    legitimately (one of the evaluations they may see), so that a refusal is not a mere validation error."""
    own = access.visible(intruder).exclude(pk=record.pk).order_by("pk").first()
    document = own.document if own is not None else {}
    return {
        "id": record.pk, "fmt": "docx", "version": record.version, "document": document,
        "unit": record.unit_id, "department": record.department_id, "year": record.year, "kind": record.kind,
        "q": record.title[:20], "reason": "越权测试", "note": "越权测试", "justifications": {},
        "comments": [{"field": "", "text": "越权测试"}], "page": 1, "page_size": 200,
        "file": ("自评.json", json.dumps(document, ensure_ascii=False).encode()),
    }


def request(client: Client, schema: dict[str, Any], path: str, method: str, op: dict[str, Any],
            values: dict[str, Any], headers: dict[str, str]):  # noqa: ANN201
    """Call one operation with every parameter filled from ``values`` (unknown required ones fail the test)."""
    url, query = path, {}
    for p in op.get("parameters", []):
        name = p["name"]
        if name not in values:
            if p.get("required") or p["in"] == "path":
                pytest.fail(f"{method.upper()} {path} 的参数 {name} 未纳入接口隔离测试：请在 VALUES 中补充")
            continue
        if p["in"] == "path":
            url = url.replace("{" + name + "}", str(values[name]))
        elif p["in"] == "query":
            query[name] = values[name]
    kwargs: dict[str, Any] = {"headers": headers}
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        body = {}
        node = _resolve(schema, content["application/json"]["schema"])
        for name in node.get("properties", {}):
            if name in values:
                body[name] = values[name]
            elif name in node.get("required", []):
                pytest.fail(f"{method.upper()} {path} 的字段 {name} 未纳入接口隔离测试：请在 VALUES 中补充")
        kwargs.update(data=json.dumps(body, ensure_ascii=False), content_type="application/json")
    elif "multipart/form-data" in content:
        from django.core.files.uploadedfile import SimpleUploadedFile

        form = {}
        node = _resolve(schema, content["multipart/form-data"]["schema"])
        for name in node.get("properties", {}):
            if name == "file":
                form[name] = SimpleUploadedFile(*values["file"])
            elif name in values:
                form[name] = values[name]
            elif name in node.get("required", []):
                pytest.fail(f"{method.upper()} {path} 的字段 {name} 未纳入接口隔离测试：请在 VALUES 中补充")
        kwargs["data"] = form
    elif content:
        pytest.fail(f"{method.upper()} {path} 的请求格式 {list(content)} 未纳入接口隔离测试")
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return getattr(client, method)(url, **kwargs)


def snapshot(record) -> tuple:  # noqa: ANN001
    """Everything an intruder might change about the target and its unit."""
    e = Evaluation.objects.get(pk=record.pk)
    return (e.version, e.status, e.updated_at, hashlib.sha256(json.dumps(e.document, sort_keys=True).encode()).hexdigest(),
            Version.objects.filter(evaluation=e).count(), Transition.objects.filter(evaluation=e).count(),
            Comment.objects.filter(evaluation=e).count(), Attachment.objects.filter(evaluation=e).count(),
            Evaluation.objects.filter(unit_id=e.unit_id).count())


def secrets_of(world: World, record) -> list[str]:  # noqa: ANN001
    """What must never appear in an intruder's answer: the target's title, unit, department and evidence."""
    e = Evaluation.objects.select_related("unit", "department").get(pk=record.pk)
    return [e.title, e.unit.name, e.department.name, "secret"]


@pytest.mark.parametrize("intruder, target", INTRUDERS)
def test_no_operation_reaches_another_units_evaluation(world, intruder, target):
    record = getattr(world, target)
    services.attach(record, Attachment.EVIDENCE, "", "秘密.pdf", b"%PDF-1.4 secret", "application/pdf", record.updated_by)
    user = getattr(world, intruder)
    _, token = ApiToken.issue(user, "越权测试")
    schema = served_schema()
    values = values_for(world, user, record)
    before = snapshot(record)
    hidden = secrets_of(world, record)
    walked = 0
    for path, method, op in operations(schema):
        response = request(Client(), schema, path, method, op, values, {"Authorization": f"Bearer {token}"})
        where = f"{intruder} {method.upper()} {path} → {response.status_code}"
        if "{id}" in path:
            assert response.status_code in (401, 403, 404), where
        else:  # no object named: the person's own data or nothing, never the target's
            assert response.status_code < 500, where
        body = response.content.decode("utf-8", "replace")
        leaked = [s for s in hidden if s in body]
        assert not leaked, f"{where} 泄露了 {leaked}"
        walked += 1
    assert walked == len(operations(schema)) >= 13
    assert snapshot(record) == before


def _unusable_tokens(world: World) -> dict[str, str]:
    """Tokens of the target's own editor that must not work: none, revoked, expired, the person deactivated."""
    revoked, token_r = ApiToken.issue(world.alice, "已吊销")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _, token_e = ApiToken.issue(world.alice, "已过期", days=1)
    ApiToken.objects.filter(name="已过期").update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    _, token_i = ApiToken.issue(world.anna, "停用")
    world.anna.is_active = False
    world.anna.save()
    return {"none": "", "revoked": token_r, "expired": token_e, "inactive": token_i, "garbage": "jx_" + "x" * 43}


def test_without_a_usable_token_every_operation_is_401(world):
    record = world.eval_a
    schema = served_schema()
    before = snapshot(record)
    for kind, token in _unusable_tokens(world).items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        values = values_for(world, world.alice, world.eval_b) | {"id": record.pk, "unit": record.unit_id,
                                                                   "version": record.version}
        for path, method, op in operations(schema):
            response = request(Client(), schema, path, method, op, values, headers)
            assert response.status_code == 401, f"{kind} {method.upper()} {path} → {response.status_code}"
            assert record.title not in response.content.decode("utf-8", "replace")
    assert snapshot(record) == before


def test_every_api_url_pattern_is_an_operation_of_the_schema(db):
    paths = set(served_schema()["paths"])
    api_patterns = [(route, p) for route, p in patterns() if route.startswith("api/")]
    assert api_patterns, "没有找到 api/ 下的 URL 模式"
    for route, p in api_patterns:
        if p.name in NOT_OPERATIONS:
            continue
        as_openapi = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert as_openapi in paths, f"URL 模式 {route}（{p.name}）不在接口文档中，接口隔离测试不会检查它"
    named = {p.name for _, p in api_patterns}
    assert NOT_OPERATIONS <= named  # the exceptions above are exactly ninja's own patterns


def test_the_schema_and_its_docs_need_no_token_but_show_no_data(world):
    for url in (API_SCHEMA, "/api/v1/docs"):
        response = Client().get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert world.eval_a.title not in body and world.unit_b.name not in body
