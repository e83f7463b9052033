"""Isolation: for every URL pattern and every object, another unit's or bureau's people get 403 or 404.

The test walks the URL configuration itself: a pattern whose arguments it does not
know how to fill fails the test, so a new view cannot escape it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Attachment

from .conftest import INTRUDERS, World

PUBLIC = {"login"}
"""Reachable without an account. Besides these, every URL named ``public_…`` is public: it shows only
published reports (an unpublished one is 404 for everybody), never a unit's working data."""

API_PREFIX = "api/"
"""The open API authenticates by token, not by session: ``tests/web/test_api_isolation.py`` walks every
operation of its schema with each intruder's token (and checks it covers every API route)."""


def is_public(p: URLPattern) -> bool:
    return p.name in PUBLIC or (p.name or "").startswith("public_")


def patterns(resolver=None, prefix: str = "") -> list[tuple[str, URLPattern]]:  # noqa: ANN001
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out += patterns(p, prefix + str(p.pattern))
        else:
            out.append((prefix + str(p.pattern), p))
    return out


def site_patterns() -> list[tuple[str, URLPattern]]:
    """Every pattern but the token-authenticated API's."""
    return [(route, p) for route, p in patterns() if not route.startswith(API_PREFIX)]


def _fill(route: str, pattern: URLPattern, objects: dict) -> str | None:
    """The URL of ``pattern`` for the target's objects; None for patterns without an argument.

    An argument is filled from ``objects["route:<name>"]`` (per-pattern values, e.g. a format), else
    ``pk`` is the target's attachment under ``attachments/`` and its evaluation elsewhere, else the
    object of the argument's name (``department``, ``job``, ``indicator``, …: see ``_objects``).
    """
    converters = pattern.pattern.converters
    if not converters:
        return None
    from django.urls import reverse

    given = objects.get(f"route:{pattern.name}", {})
    kwargs = {}
    for name in converters:
        if name in given:
            kwargs[name] = given[name]
        elif name == "pk":
            kwargs["pk"] = objects["attachment"] if route.startswith("attachments/") else objects["evaluation"]
        elif name == "number":
            kwargs["number"] = 1
        elif name == "fmt":
            kwargs["fmt"] = "docx"
        elif name in objects:
            kwargs[name] = objects[name]
        else:
            pytest.fail(f"URL 模式 {route} 的参数 {name} 未纳入隔离测试：请在 tests/web/test_access.py 的 _objects "
                        f"或 tests/web/objects_*.py 中补充")
    return reverse(pattern.name, kwargs=kwargs)


def _objects(w: World, record) -> dict:  # noqa: ANN001
    """The target's objects, by argument name. Each area adds its own in ``tests/web/objects_<area>.py``:
    a function ``isolation_objects(world, record) -> dict`` making the area's objects of ``record``'s unit."""
    a = services.attach(record, Attachment.EVIDENCE, "indicators[0].children[0].children[0]", "秘密.pdf",
                        b"%PDF-1.4 secret", "application/pdf", record.updated_by)
    objects = {"evaluation": record.pk, "attachment": a.pk, "department": record.department_id,
               "unit": record.unit_id, "year": record.year}
    for path in sorted(Path(__file__).parent.glob("objects_*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        objects.update(module.isolation_objects(w, record))
    return objects


def test_every_url_pattern_is_named():
    for route, p in patterns():
        assert p.name, f"URL 模式 {route} 没有名称，隔离测试无法生成它的地址"


@pytest.mark.parametrize("intruder, target", INTRUDERS)
def test_it_refuses_other_units_objects_on_every_url(world, intruder, target):
    record = getattr(world, target)
    objects = _objects(world, record)
    client = Client()
    client.force_login(getattr(world, intruder))
    checked = 0
    for route, p in site_patterns():
        url = _fill(route, p, objects)
        if url is None:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), f"{intruder} {method.upper()} {url} → {response.status_code}"
            body = response.content.decode("utf-8", "replace")
            assert record.title not in body and "secret" not in body
            checked += 1
    assert checked == 2 * sum(1 for _, p in site_patterns() if p.pattern.converters)
    record.refresh_from_db()
    assert record.version == 1 and record.status == "draft"


def test_pages_without_an_object_show_only_ones_own(world, client_for):
    client = client_for(world.alice)
    for route, p in site_patterns():
        if p.pattern.converters or p.name in PUBLIC or p.name == "logout":
            continue
        from django.urls import reverse

        response = client.get(reverse(p.name))
        assert response.status_code in (200, 302, 403), (route, response.status_code)
        body = response.content.decode()
        assert world.unit_b.name not in body and world.unit_c.name not in body


def test_anonymous_visitors_are_sent_to_login(world):
    client = Client()
    objects = _objects(world, world.eval_a)
    for route, p in site_patterns():
        if p.name in PUBLIC or p.name == "logout":
            continue
        url = _fill(route, p, objects)
        from django.urls import reverse

        response = client.get(url or reverse(p.name))
        if is_public(p):  # published reports only: the target is not published
            assert response.status_code in (200, 404), (route, response.status_code)
            assert world.eval_a.title not in response.content.decode("utf-8", "replace")
            continue
        assert response.status_code in (302, 401), (route, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    url = f"/evaluations/{world.eval_a.pk}/save/"
    response = client.post(url, data={"document": world.eval_a.document, "version": 1},
                           content_type="application/json")
    assert response.status_code == 403
    page = client.get(f"/evaluations/{world.eval_a.pk}/")
    token = page.cookies["csrftoken"].value
    response = client.post(url, data={"document": world.eval_a.document, "version": 1},
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_a_refusal_says_why_and_who_can_help(world, client_for):
    from jixiao.web.evaluations.services import approve, submit

    from .conftest import justify_all

    submit(world.eval_a, world.anna, world.eval_a.version, "", justify_all(world.eval_a))
    response = client_for(world.alice).post(f"/evaluations/{world.eval_a.pk}/save/",
                                            data={"document": world.eval_a.document, "version": 1},
                                            content_type="application/json")
    assert response.status_code == 403 and "正在审核" in response.json()["message"]
    approve(world.eval_a, world.rita, "")
    response = client_for(world.alice).post(f"/evaluations/{world.eval_a.pk}/save/",
                                            data={"document": world.eval_a.document, "version": 1},
                                            content_type="application/json")
    message = response.json()["message"]
    assert response.status_code == 403 and "已审核通过" in message and "Adam 管理员" in message
    page = client_for(world.alice).get(f"/evaluations/{world.eval_a.pk}/")
    assert "已审核通过，只读" in page.content.decode()
    refused = client_for(world.bob).get(f"/evaluations/{world.eval_a.pk}/")
    assert refused.status_code == 404
